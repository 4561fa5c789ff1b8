//! Self-deletion against wiremock: configuration errors before any request, every cloud's scope,
//! service principal and managed identity, outcomes, retries and permission errors.

use aci_lifecycle::self_delete::{SelfDelete, SelfDeleteOutcome};
use arm_core::test_support::{ScriptedResponses, redirecting_transport};
use serde_json::json;
use std::collections::HashMap;
use std::time::Duration;
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const SUB: &str = "00000000-0000-0000-0000-000000000000";
const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const CG: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-agents/providers/Microsoft.ContainerInstance/containerGroups/agent-7";

fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn sp_env(cloud: &str) -> HashMap<String, String> {
    env(&[
        ("AZ_ACI_NAME", "agent-7"),
        ("AZ_ACI_RG", "rg-agents"),
        ("AZ_SUBSCRIPTION_ID", SUB),
        ("AZ_CLOUD", cloud),
        ("AZ_TENANT_ID", TENANT),
        ("AZ_SERVICE_PRINCIPAL", "a0000000-0000-0000-0000-000000000001"),
        ("AZ_SERVICE_PRINCIPAL_KEY", "sp-secret-value"),
    ])
}

async fn server_with(delete: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/{TENANT}/oauth2/v2.0/token")))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": "sp-token"}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/metadata/identity/oauth2/token"))
        .respond_with(|request: &Request| {
            let resource = request.url.query_pairs().find(|(k, _)| k == "resource").map(|(_, v)| v.into_owned()).unwrap_or_default();
            let expires = (std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() + 3600).to_string();
            ResponseTemplate::new(200).set_body_json(json!({"access_token": "mi-token", "expires_on": expires, "resource": resource, "token_type": "Bearer"}))
        })
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(CG))
        .respond_with(delete)
        .mount(&server)
        .await;
    server
}

async fn run(server: &MockServer, vars: &HashMap<String, String>) -> Result<SelfDeleteOutcome, aci_lifecycle::Error> {
    SelfDelete::from_env(vars)?
        .expect("configured")
        .with_transport(redirecting_transport(&server.uri()).unwrap())
        .with_total_timeout(Duration::from_secs(20))
        .run()
        .await
}

async fn count(server: &MockServer, verb: &str) -> usize {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.method.as_str() == verb)
        .count()
}

#[test]
fn not_configured_when_no_variable_is_set() {
    assert!(SelfDelete::from_env(&env(&[])).unwrap().is_none());
    assert!(
        SelfDelete::from_env(&env(&[("AZ_CLOUD", "AzureChinaCloud")]))
            .unwrap()
            .is_none()
    );
}

#[test]
fn partial_or_invalid_configuration_names_the_variable() {
    let mut cases: Vec<(HashMap<String, String>, &str)> = Vec::new();
    let mut without = |name: &str, expected: &'static str| {
        let mut vars = sp_env("AzureCloud");
        vars.remove(name);
        cases.push((vars, expected));
    };
    without("AZ_ACI_NAME", "invalid AZ_ACI_NAME: is missing");
    without("AZ_ACI_RG", "invalid AZ_ACI_RG: is missing");
    without("AZ_SUBSCRIPTION_ID", "invalid AZ_SUBSCRIPTION_ID: is missing");
    without("AZ_SERVICE_PRINCIPAL_KEY", "AZ_SERVICE_PRINCIPAL_KEY: is missing");
    let mut with = |name: &str, value: &str, expected: &'static str| {
        let mut vars = sp_env("AzureCloud");
        vars.insert(name.to_owned(), value.to_owned());
        cases.push((vars, expected));
    };
    with(
        "AZ_ACI_NAME",
        "Agent_7",
        "invalid AZ_ACI_NAME: 'Agent_7' has a character that is not allowed",
    );
    with("AZ_ACI_RG", "rg.", "invalid AZ_ACI_RG: 'rg.' ends with a period");
    with("AZ_SUBSCRIPTION_ID", "not/a/sub", "invalid AZ_SUBSCRIPTION_ID");
    with(
        "AZ_CLOUD",
        "AzureGermanCloud",
        "AZ_CLOUD: AzureGermanCloud closed in October 2021",
    );
    with(
        "AZ_MANAGED_IDENTITY",
        "maybe",
        "AZ_MANAGED_IDENTITY: 'maybe' is not a boolean",
    );
    for (vars, expected) in cases {
        let err = SelfDelete::from_env(&vars).unwrap_err().to_string();
        assert!(err.starts_with(expected), "{err} does not start with {expected}");
    }
    let cli = env(&[
        ("AZ_ACI_NAME", "agent-7"),
        ("AZ_ACI_RG", "rg-agents"),
        ("AZ_SUBSCRIPTION_ID", SUB),
    ]);
    let err = SelfDelete::from_env(&cli).unwrap_err().to_string();
    assert!(err.starts_with("invalid AZ_SERVICE_PRINCIPAL: is missing"), "{err}");
}

#[tokio::test]
async fn every_cloud_asks_for_its_own_arm_scope_and_does_not_wait() {
    for (cloud, scope) in [
        ("AzureCloud", "https://management.azure.com/.default"),
        ("azureusgovernment", "https://management.usgovcloudapi.net/.default"),
        ("AzureChinaCloud", "https://management.chinacloudapi.cn/.default"),
    ] {
        let accepted = ResponseTemplate::new(202).insert_header(
            "azure-asyncoperation",
            "https://management.azure.com/subscriptions/s/providers/Microsoft.ContainerInstance/locations/x/operations/op",
        );
        let server = server_with(accepted).await;
        assert_eq!(
            run(&server, &sp_env(cloud)).await.unwrap(),
            SelfDeleteOutcome::Accepted,
            "{cloud}"
        );
        let requests = server.received_requests().await.unwrap();
        let token = requests.iter().find(|r| r.method.as_str() == "POST").unwrap();
        let form = String::from_utf8_lossy(&token.body).into_owned();
        let sent_scope = url::form_urlencoded::parse(form.as_bytes())
            .find(|(k, _)| k == "scope")
            .unwrap()
            .1
            .into_owned();
        assert_eq!(sent_scope, scope, "{cloud}");
        let delete = requests.iter().find(|r| r.method.as_str() == "DELETE").unwrap();
        assert_eq!(delete.headers.get("authorization").unwrap(), "Bearer sp-token");
        assert_eq!(requests.len(), 2, "{cloud}: a token and one DELETE, no polling");
    }
}

#[tokio::test]
async fn managed_identity_through_imds() {
    let server = server_with(ResponseTemplate::new(200).set_body_json(json!({"name": "agent-7"}))).await;
    let vars = env(&[
        ("AZ_ACI_NAME", "agent-7"),
        ("AZ_ACI_RG", "rg-agents"),
        ("AZ_SUBSCRIPTION_ID", SUB),
        ("AZ_MANAGED_IDENTITY", "true"),
        ("AZ_MANAGED_IDENTITY_CLIENT_ID", "c0000000-0000-0000-0000-000000000009"),
    ]);
    assert_eq!(run(&server, &vars).await.unwrap(), SelfDeleteOutcome::Accepted);
    let requests = server.received_requests().await.unwrap();
    let imds = requests
        .iter()
        .find(|r| r.url.path() == "/metadata/identity/oauth2/token")
        .unwrap();
    assert_eq!(imds.headers.get("metadata").unwrap(), "true");
    let query: HashMap<_, _> = imds.url.query_pairs().into_owned().collect();
    assert_eq!(query["resource"], "https://management.azure.com");
    assert_eq!(query["client_id"], "c0000000-0000-0000-0000-000000000009");
    let delete = requests.iter().find(|r| r.method.as_str() == "DELETE").unwrap();
    assert_eq!(delete.headers.get("authorization").unwrap(), "Bearer mi-token");
}

#[tokio::test]
async fn a_group_already_gone_is_an_outcome_not_an_error() {
    for response in [
        ResponseTemplate::new(204),
        ResponseTemplate::new(404).set_body_json(json!({"error": {"code": "ResourceNotFound", "message": "m"}})),
    ] {
        let server = server_with(response).await;
        assert_eq!(
            run(&server, &sp_env("AzureCloud")).await.unwrap(),
            SelfDeleteOutcome::AlreadyGone
        );
    }
}

#[tokio::test]
async fn transient_failures_are_retried_and_a_403_names_the_missing_permission() {
    let server = MockServer::start().await;
    let throttled = ResponseTemplate::new(429).insert_header("retry-after", "1");
    Mock::given(method("DELETE"))
        .respond_with(ScriptedResponses::new(vec![
            throttled,
            ResponseTemplate::new(503),
            ResponseTemplate::new(202),
        ]))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path_regex("/oauth2/v2.0/token$"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"token_type": "Bearer", "expires_in": 3599, "access_token": "t"})),
        )
        .mount(&server)
        .await;
    assert_eq!(
        run(&server, &sp_env("AzureCloud")).await.unwrap(),
        SelfDeleteOutcome::Accepted
    );
    assert_eq!(count(&server, "DELETE").await, 3);

    let message = "The client 'a0000000-0000-0000-0000-000000000001' with object id 'b1' does not have authorization to perform action 'Microsoft.ContainerInstance/containerGroups/delete' over scope '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-agents/providers/Microsoft.ContainerInstance/containerGroups/agent-7' or the scope is invalid.";
    let forbidden =
        ResponseTemplate::new(403).set_body_json(json!({"error": {"code": "AuthorizationFailed", "message": message}}));
    let server = server_with(forbidden).await;
    let err = run(&server, &sp_env("AzureCloud")).await.unwrap_err().to_string();
    assert!(
        err.contains("AuthorizationFailed") && err.contains("containerGroups/delete") && err.contains("rg-agents"),
        "{err}"
    );
    assert_eq!(count(&server, "DELETE").await, 1, "a 403 is not retried");
}

#[tokio::test]
async fn from_env_without_configuration_is_the_not_configured_outcome() {
    let outcome = aci_lifecycle::self_delete::self_delete_from_env(&env(&[]))
        .await
        .unwrap();
    assert_eq!(outcome, SelfDeleteOutcome::NotConfigured);
}
