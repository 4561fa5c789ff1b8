//! End-to-end tests against the az-emulator over TLS, with the real azure_identity credentials
//! built by arm-core from the environment the emulator prints.

use arm_core::resource_groups::{ResourceGroup, ResourceGroupsClient};
use arm_core::{ArmClient, ArmClientOptions, ArmEnvironment, LroStatus, RetryOptions};
use az_emulator::{Emulator, EmulatorConfig, StartupInfo};
use futures::TryStreamExt;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

const NO_ROLE_CLIENT: &str = "11111111-1111-1111-1111-111111111111";
const NO_ROLE_SECRET: &str = "no-role-secret-0123456789abcdefghijkl";
const FEDERATED_CLIENT: &str = "22222222-2222-2222-2222-222222222222";
const ISSUER: &str = "https://token.actions.githubusercontent.com";
const SUBJECT: &str = "repo:contoso/agents:ref:refs/heads/main";

fn config(extra: &str) -> EmulatorConfig {
    let text = format!(
        r#"
operation_duration_ms = 1200
retry_after_secs = 1
{extra}

[[tenants]]

[[subscriptions]]

[[resource_groups]]
name = "rg-emulator"

[[service_principals]]
name = "owner"
roles = [{{ role = "Owner" }}]

[[service_principals]]
name = "no-role"
client_id = "{NO_ROLE_CLIENT}"
client_secret = "{NO_ROLE_SECRET}"

[[service_principals]]
name = "federated"
client_id = "{FEDERATED_CLIENT}"
roles = [{{ role = "Reader" }}]
federated_credentials = [{{ issuer = "{ISSUER}", subject = "{SUBJECT}" }}]

[[managed_identities]]
name = "id-emulator"
resource_group = "rg-emulator"
roles = [{{ role = "Contributor", resource_group = "rg-emulator" }}]
"#
    );
    EmulatorConfig::from_toml_str(&text).unwrap()
}

/// The emulator's environment with the credential variables replaced by `credential`.
fn env_with(info: &StartupInfo, credential: &[(&str, &str)]) -> BTreeMap<String, String> {
    let mut env = info.env.clone();
    for name in [
        "AZ_SERVICE_PRINCIPAL",
        "AZ_SERVICE_PRINCIPAL_KEY",
        "AZURE_CLIENT_ID",
        "AZURE_CLIENT_SECRET",
    ] {
        env.remove(name);
    }
    env.extend(credential.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    env
}

fn groups(env: &BTreeMap<String, String>, retry: Option<RetryOptions>) -> ResourceGroupsClient {
    let arm_env = ArmEnvironment::from_env(env).unwrap();
    let mut options = arm_env.client_options();
    if let Some(retry) = retry {
        options.retry = retry;
    }
    let arm = ArmClient::new(&arm_env.cloud, arm_env.credential().unwrap(), Some(options)).unwrap();
    ResourceGroupsClient::from_arm(arm, arm_env.require_subscription_id().unwrap()).unwrap()
}

fn plain_http() -> reqwest::Client {
    let tls = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth();
    reqwest::Client::builder().use_preconfigured_tls(tls).build().unwrap()
}

async fn journal(info: &StartupInfo) -> Vec<serde_json::Value> {
    let body = plain_http()
        .get(format!("{}/journal", info.endpoints.admin))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    serde_json::from_slice(&body).unwrap()
}

#[tokio::test]
async fn service_principal_creates_lists_and_deletes_a_resource_group() {
    let emulator = Emulator::start(config("")).await.unwrap();
    let info = emulator.info().clone();
    let groups = groups(&info.env, None);

    let created = groups
        .create_or_update("rg-e2e", &ResourceGroup::new("westeurope").with_tag("purpose", "e2e"))
        .await
        .unwrap();
    assert_eq!(created.name.as_deref(), Some("rg-e2e"));
    assert_eq!(created.tags["purpose"], "e2e");
    assert_eq!(
        groups.get("RG-E2E").await.unwrap().location,
        "westeurope",
        "names are case-insensitive"
    );
    let mut names: Vec<String> = groups
        .list(None)
        .unwrap()
        .map_ok(|g| g.name.unwrap())
        .try_collect()
        .await
        .unwrap();
    names.sort();
    assert_eq!(names, ["rg-e2e", "rg-emulator"]);

    let mut poller = groups.begin_delete("rg-e2e", None).await.unwrap();
    assert!(
        poller.operation_url().is_some(),
        "resource group deletion is a long-running operation"
    );
    let mut polls = 0;
    while !poller.poll().await.unwrap().is_terminal() {
        polls += 1;
    }
    assert_eq!(poller.status(), &LroStatus::Succeeded);
    assert!(polls >= 1, "the operation lasts longer than one Retry-After");
    poller.await.unwrap();
    assert!(!groups.exists("rg-e2e").await.unwrap());
    let err = groups.get("rg-e2e").await.unwrap_err();
    assert_eq!(err.code(), Some("ResourceGroupNotFound"));
    assert!(err.as_service().unwrap().request_id.is_some());

    let entries = journal(&info).await;
    let arm: Vec<_> = entries.iter().filter(|e| e["listener"] == "arm").collect();
    assert!(
        arm.iter().all(|e| e["client_request_id"].is_string()),
        "every ARM request carries x-ms-client-request-id"
    );
    assert!(entries.iter().any(|e| e["listener"] == "login" && e["status"] == 200));
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_principal_without_a_role_gets_authorization_failed() {
    let emulator = Emulator::start(config("")).await.unwrap();
    let info = emulator.info().clone();
    let env = env_with(
        &info,
        &[
            ("AZ_SERVICE_PRINCIPAL", NO_ROLE_CLIENT),
            ("AZ_SERVICE_PRINCIPAL_KEY", NO_ROLE_SECRET),
        ],
    );
    let err = groups(&env, None).get("rg-emulator").await.unwrap_err();
    assert_eq!(err.status().map(u16::from), Some(403));
    assert_eq!(err.code(), Some("AuthorizationFailed"));
    assert!(
        err.to_string()
            .contains("Microsoft.Resources/subscriptions/resourcegroups/read"),
        "{err}"
    );

    let wrong = env_with(
        &info,
        &[
            ("AZ_SERVICE_PRINCIPAL", NO_ROLE_CLIENT),
            ("AZ_SERVICE_PRINCIPAL_KEY", "wrong-secret"),
        ],
    );
    let err = groups(&wrong, None).get("rg-emulator").await.unwrap_err();
    assert!(matches!(err, arm_core::Error::Credential { .. }), "{err:?}");
    assert!(err.to_string().contains("AADSTS7000215"), "{err}");
    emulator.shutdown().await;
}

#[tokio::test]
async fn managed_identity_through_imds_by_every_kind_of_id() {
    let emulator = Emulator::start(config("")).await.unwrap();
    let info = emulator.info().clone();
    let d = &info.defaults;
    for selector in [
        ("AZ_MANAGED_IDENTITY_CLIENT_ID", d.identity_client_id.as_str()),
        ("AZ_MANAGED_IDENTITY_OBJECT_ID", d.identity_principal_id.as_str()),
        ("AZ_MANAGED_IDENTITY_RESOURCE_ID", d.identity_resource_id.as_str()),
        ("AZ_MANAGED_IDENTITY", "true"),
    ] {
        let env = env_with(&info, &[("AZ_MANAGED_IDENTITY", "true"), selector]);
        let groups = groups(&env, None);
        let group = groups
            .get(&d.resource_group)
            .await
            .unwrap_or_else(|e| panic!("{selector:?}: {e}"));
        assert_eq!(group.name.as_deref(), Some(d.resource_group.as_str()));
        let err = groups
            .create_or_update("rg-not-mine", &ResourceGroup::new("eastus"))
            .await
            .unwrap_err();
        assert_eq!(
            err.code(),
            Some("AuthorizationFailed"),
            "Contributor on one group only: {selector:?}"
        );
    }
    let entries = journal(&info).await;
    let imds: Vec<_> = entries.iter().filter(|e| e["listener"] == "imds").collect();
    assert_eq!(imds.len(), 4, "one token per credential, through IMDS: {imds:?}");
    assert!(
        imds.iter()
            .all(|e| e["path"] == "/metadata/identity/oauth2/token" && e["status"] == 200)
    );
    emulator.shutdown().await;
}

/// App Service managed identity reads `IDENTITY_ENDPOINT` and `IDENTITY_HEADER` from the process
/// environment, so it runs in a child process of this test binary (see `app_service_child`).
#[tokio::test]
async fn managed_identity_through_the_app_service_endpoint() {
    let emulator = Emulator::start(config("")).await.unwrap();
    let info = emulator.info().clone();
    let env = env_with(
        &info,
        &[
            ("AZ_MANAGED_IDENTITY", "true"),
            ("AZ_MANAGED_IDENTITY_CLIENT_ID", &info.defaults.identity_client_id),
        ],
    );
    let output = tokio::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "app_service_child", "--nocapture", "--test-threads=1"])
        .env("ARM_CORE_E2E_CHILD_ENV", serde_json::to_string(&env).unwrap())
        .env("ARM_CORE_E2E_CHILD_RG", &info.defaults.resource_group)
        .env("IDENTITY_ENDPOINT", &info.endpoints.app_service_identity)
        .env("IDENTITY_HEADER", &info.defaults.identity_header)
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "child failed: {stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("app service identity read"),
        "the child ran the check: {stdout}"
    );
    let entries = journal(&info).await;
    assert!(
        entries.iter().any(|e| e["path"] == "/msi/token" && e["status"] == 200),
        "{entries:?}"
    );
    assert!(
        !entries.iter().any(|e| e["path"] == "/metadata/identity/oauth2/token"),
        "IMDS was not used"
    );
    emulator.shutdown().await;
}

/// The child half of `managed_identity_through_the_app_service_endpoint`; without the parent's
/// variables there is nothing to check.
#[tokio::test]
async fn app_service_child() {
    let (Ok(env), Ok(rg)) = (
        std::env::var("ARM_CORE_E2E_CHILD_ENV"),
        std::env::var("ARM_CORE_E2E_CHILD_RG"),
    ) else {
        return;
    };
    let env: BTreeMap<String, String> = serde_json::from_str(&env).unwrap();
    let group = groups(&env, None).get(&rg).await.unwrap();
    assert_eq!(group.name.as_deref(), Some(rg.as_str()));
    println!("app service identity read {rg}");
}

#[tokio::test]
async fn workload_identity_with_a_federated_token_file() {
    let emulator = Emulator::start(config("")).await.unwrap();
    let info = emulator.info().clone();
    let minted = plain_http()
        .post(format!("{}/federated-token", info.endpoints.admin))
        .body(serde_json::json!({"issuer": ISSUER, "subject": SUBJECT}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(minted.status(), 200);
    let minted: serde_json::Value = serde_json::from_slice(&minted.bytes().await.unwrap()).unwrap();
    let file = std::env::temp_dir().join(format!("arm-core-e2e-federated-{}", std::process::id()));
    std::fs::write(&file, minted["token"].as_str().unwrap()).unwrap();
    let env = env_with(
        &info,
        &[
            ("AZURE_CLIENT_ID", FEDERATED_CLIENT),
            ("AZURE_FEDERATED_TOKEN_FILE", file.to_str().unwrap()),
        ],
    );
    let groups = groups(&env, None);
    assert_eq!(
        groups.get("rg-emulator").await.unwrap().name.as_deref(),
        Some("rg-emulator")
    );
    let err = groups
        .create_or_update("rg-reader-cannot", &ResourceGroup::new("eastus"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("AuthorizationFailed"), "Reader cannot write");
    std::fs::remove_file(file).unwrap();
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_long_running_operation_completes_under_injected_throttling_errors_and_drops() {
    let faults = r#"
[faults]
seed = 7
retry_after_secs = 1

[[faults.routes]]
listener = "arm"
rate_429 = 0.2
rate_500 = 0.15
rate_drop = 0.1
"#;
    let emulator = Emulator::start(config(faults)).await.unwrap();
    let info = emulator.info().clone();
    let retry = RetryOptions {
        max_retries: 8,
        initial_delay: Duration::from_millis(50),
        ..RetryOptions::default()
    };
    let groups = groups(&info.env, Some(retry));
    for round in 0..3 {
        let name = format!("rg-faults-{round}");
        groups
            .create_or_update(&name, &ResourceGroup::new("eastus"))
            .await
            .unwrap();
        groups.begin_delete(&name, None).await.unwrap().await.unwrap();
        assert!(!groups.exists(&name).await.unwrap());
    }
    let entries = journal(&info).await;
    for fault in ["429", "500", "drop"] {
        assert!(
            entries.iter().any(|e| e["fault"] == fault),
            "no {fault} was injected: the test proves nothing"
        );
    }
    emulator.shutdown().await;
}

#[tokio::test]
async fn client_options_reject_a_bad_application_id() {
    let emulator = Emulator::start(config("")).await.unwrap();
    let env = ArmEnvironment::from_env(&emulator.info().env).unwrap();
    let mut options = ArmClientOptions::default();
    options.client_options.user_agent.application_id = Some("this application id is far too long".into());
    let err = ArmClient::new(&env.cloud, env.credential().unwrap(), Some(options)).unwrap_err();
    assert!(
        err.to_string().starts_with("invalid user_agent.application_id"),
        "{err}"
    );
    emulator.shutdown().await;
}
