//! HTTP contract of the Azure DevOps client: method, path, query, api-version and auth header of
//! every call (PAT and Entra token), and the 401/203/403/404 mapping.

use arm_core::HttpTransport;
use arm_core::azure_core::http::ClientOptions;
use arm_core::test_support::StaticTokenCredential;
use azp_agent::models::TaskResult;
use azp_agent::{
    AgentDeletion, DevOpsClient, DevOpsClientOptions, DevOpsCredential, Error, ListJobRequestsOptions, OrganizationUrl,
    Platform,
};
use futures::TryStreamExt;
use serde_json::json;
use wiremock::matchers::{header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PAT_HEADER: &str = "Basic OnRlc3QtcGF0"; // base64(":test-pat")

fn client(server: &MockServer, credential: DevOpsCredential) -> DevOpsClient {
    client_at(&server.uri(), credential)
}

/// A client whose requests to Azure DevOps and to its CDN go to `uri`.
fn client_at(uri: &str, credential: DevOpsCredential) -> DevOpsClient {
    let transport = HttpTransport::builder()
        .rewrite_origin("test", "https://dev.azure.com", uri)
        .unwrap()
        .rewrite_origin("test", "https://download.agent.dev.azure.com", uri)
        .unwrap()
        .build()
        .unwrap();
    let options = DevOpsClientOptions {
        client_options: ClientOptions {
            transport: Some(transport.to_transport()),
            ..Default::default()
        },
        retry: arm_core::RetryOptions::none(),
        ..Default::default()
    };
    let org = OrganizationUrl::parse("https://dev.azure.com/contoso").unwrap();
    DevOpsClient::new(org, credential, Some(options)).unwrap()
}

fn pat() -> DevOpsCredential {
    DevOpsCredential::pat("test-pat").unwrap()
}

fn ado_error(status: u16, type_key: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({
        "$id": "1",
        "innerException": null,
        "message": message,
        "typeName": format!("Microsoft.TeamFoundation.DistributedTask.WebApi.{type_key}, Microsoft.TeamFoundation.DistributedTask.WebApi"),
        "typeKey": type_key,
        "errorCode": 0,
        "eventId": 3000
    }))
}

#[tokio::test]
async fn pool_by_name_with_a_pat() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/contoso/_apis/distributedtask/pools"))
        .and(query_param("poolName", "private vnet"))
        .and(query_param("api-version", "7.1"))
        .and(header("authorization", PAT_HEADER))
        .and(header("accept", "application/json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "count": 1,
            "value": [{"id": 12, "name": "Private VNet", "isHosted": false, "poolType": "automation", "size": 3}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let pool = client(&server, pat()).pool_by_name("private vnet", None).await.unwrap();
    assert_eq!(pool.id, Some(12));
}

#[tokio::test]
async fn entra_tokens_go_as_bearer_for_the_devops_scope() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/contoso/_apis/distributedtask/pools/12/agents"))
        .and(query_param("agentName", "ACI-1"))
        .and(query_param("includeAssignedRequest", "true"))
        .and(query_param("includeLastCompletedRequest", "true"))
        .and(query_param("api-version", "7.1"))
        .and(header("authorization", "Bearer test-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "count": 1,
            "value": [{
                "id": 7, "name": "aci-1", "status": "online", "enabled": true, "version": "4.258.1",
                "lastCompletedRequest": {"requestId": 99, "result": "failed", "finishTime": "2026-11-23T10:00:00Z"}
            }]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let credential = StaticTokenCredential::new("test-token");
    let client = client(&server, DevOpsCredential::Entra(credential));
    let agent = client.find_agent(12, "ACI-1", None).await.unwrap().unwrap();
    assert_eq!(agent.id(), 7);
    assert!(agent.is_online());
    assert_eq!(agent.last_completed_request.unwrap().result, Some(TaskResult::Failed));
}

#[tokio::test]
async fn get_and_delete_agent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/contoso/_apis/distributedtask/pools/12/agents/7"))
        .and(query_param("includeAssignedRequest", "true"))
        .and(query_param("api-version", "7.1"))
        .and(header("authorization", PAT_HEADER))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": 7, "name": "aci-1", "status": "offline"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/contoso/_apis/distributedtask/pools/12/agents/7"))
        .and(query_param("api-version", "7.1"))
        .and(header("authorization", PAT_HEADER))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/contoso/_apis/distributedtask/pools/12/agents/8"))
        .respond_with(ado_error(
            404,
            "TaskAgentNotFoundException",
            "No agent found in pool 12 with id 8.",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server, pat());
    assert_eq!(client.get_agent(12, 7, None).await.unwrap().name(), "aci-1");
    assert_eq!(client.delete_agent(12, 7, None).await.unwrap(), AgentDeletion::Deleted);
    assert_eq!(
        client.delete_agent(12, 8, None).await.unwrap(),
        AgentDeletion::AlreadyGone
    );
}

#[tokio::test]
async fn job_requests_use_the_keda_route_without_api_version() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/contoso/_apis/distributedtask/pools/12/jobrequests"))
        .and(query_param("$top", "50"))
        .and(query_param("completedRequestCount", "0"))
        .and(query_param_is_missing("api-version"))
        .and(header("authorization", PAT_HEADER))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "count": 2,
            "value": [
                {"requestId": 5, "queueTime": "2026-11-23T10:00:00Z", "demands": ["java", "Agent.Version -gtVersion 2.182.1"],
                 "matchedAgents": [{"id": 7, "name": "aci-1"}], "poolId": 12},
                {"requestId": 4, "assignTime": "2026-11-23T09:00:00Z", "result": "succeeded", "finishTime": "2026-11-23T09:10:00Z"}
            ]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let requests = client(&server, pat())
        .list_job_requests(
            12,
            Some(ListJobRequestsOptions {
                top: Some(50),
                unfinished_only: true,
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    assert_eq!(requests.len(), 2);
    assert!(!requests[0].is_finished());
    assert_eq!(requests[0].demands.as_ref().unwrap()[1].operator, "gtVersion");
    assert_eq!(
        requests[0].matched_agents.as_ref().unwrap()[0].name.as_deref(),
        Some("aci-1")
    );
    assert_eq!(requests[1].result, Some(TaskResult::Succeeded));
}

#[tokio::test]
async fn package_metadata_then_download_without_credentials() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/contoso/_apis/distributedtask/packages/agent"))
        .and(query_param("platform", "linux-musl-x64"))
        .and(query_param("$top", "1"))
        .and(query_param("api-version", "7.1"))
        .and(header("authorization", PAT_HEADER))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"count": 1, "value": [{
            "type": "agent", "platform": "linux-musl-x64", "createdOn": "2026-10-01T00:00:00Z",
            "version": {"major": 4, "minor": 258, "patch": 1},
            "downloadUrl": "https://download.agent.dev.azure.com/agent/4.258.1/vsts-agent-linux-musl-x64-4.258.1.tar.gz",
            "infoUrl": "https://go.microsoft.com/fwlink/?LinkId=798199",
            "filename": "vsts-agent-linux-musl-x64-4.258.1.tar.gz",
            "hashValue": "0".repeat(64)
        }]})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/agent/4.258.1/vsts-agent-linux-musl-x64-4.258.1.tar.gz"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![7u8; 100_000]))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server, pat());
    let package = client.latest_package(Platform::LinuxMuslX64, None).await.unwrap();
    assert_eq!(package.version.unwrap().to_string(), "4.258.1");
    let download = client.download_package(&package, None).await.unwrap();
    assert_eq!(download.total, Some(100_000));
    let chunks: Vec<_> = download.body.try_collect().await.unwrap();
    assert_eq!(chunks.iter().map(|c| c.len()).sum::<usize>(), 100_000);
    let requests = server.received_requests().await.unwrap();
    let download_request = requests.iter().find(|r| r.url.path().starts_with("/agent/")).unwrap();
    assert!(
        download_request.headers.get("authorization").is_none(),
        "the PAT must not go to the CDN"
    );
}

/// The download is handed over as soon as its headers are in, and its body streams: the server
/// sends the second half only once the client holds the download, which a client reading the
/// body whole before returning would never do.
#[tokio::test]
async fn a_download_streams_instead_of_being_read_whole() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (release, released) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).await.unwrap() == 1 {
            head.push(byte[0]);
        }
        stream
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 20\r\n\r\nfirst-half")
            .await
            .unwrap();
        released.await.unwrap();
        stream.write_all(b"secondhalf").await.unwrap();
    });
    let package: azp_agent::models::PackageMetadata = serde_json::from_value(json!({
        "downloadUrl": "https://download.agent.dev.azure.com/agent/4.258.1/vsts-agent-linux-x64-4.258.1.tar.gz",
        "hashValue": "0".repeat(64)
    }))
    .unwrap();
    let client = client_at(&format!("http://{addr}"), pat());
    let download = tokio::time::timeout(
        std::time::Duration::from_secs(20),
        client.download_package(&package, None),
    )
    .await
    .expect("download_package waited for the whole body")
    .unwrap();
    assert_eq!(download.total, Some(20));
    release.send(()).unwrap();
    let body: Vec<u8> = download.body.try_collect::<Vec<_>>().await.unwrap().concat();
    assert_eq!(body, b"first-halfsecondhalf");
}

#[tokio::test]
async fn no_package_for_a_platform_is_not_found() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/contoso/_apis/distributedtask/packages/agent"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"count": 0, "value": []})))
        .mount(&server)
        .await;
    let error = client(&server, pat())
        .latest_package(Platform::WinArm64, None)
        .await
        .unwrap_err();
    assert!(error.is_not_found());
    assert_eq!(
        error.to_string(),
        "an agent package for win-arm64 in https://dev.azure.com/contoso was not found"
    );
}

#[tokio::test]
async fn auth_failures_are_mapped() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/contoso/_apis/distributedtask/pools"))
        .and(query_param("poolName", "signin"))
        .respond_with(
            ResponseTemplate::new(203)
                .insert_header("content-type", "text/html; charset=utf-8")
                .set_body_string("<html><title>Azure DevOps Services | Sign In</title></html>"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/contoso/_apis/distributedtask/pools"))
        .and(query_param("poolName", "expired"))
        .respond_with(ResponseTemplate::new(401).insert_header("www-authenticate", "Basic realm=\"x\""))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/contoso/_apis/distributedtask/pools/1/agents/2"))
        .respond_with(ado_error(
            403,
            "AccessDeniedException",
            "Access denied. ci needs Manage permissions for pool Default to perform the action.",
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/contoso/_apis/distributedtask/pools/1/agents/3"))
        .respond_with(ado_error(
            404,
            "TaskAgentNotFoundException",
            "No agent found in pool 1 with id 3.",
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/contoso/_apis/distributedtask/pools/1/agents/4"))
        .respond_with(ado_error(500, "VssServiceException", "boom").insert_header("activityid", "abc-123"))
        .mount(&server)
        .await;
    let client = client(&server, pat());

    let signin = client.pool_by_name("signin", None).await.unwrap_err();
    assert!(matches!(signin, Error::Unauthorized { status: 203, .. }), "{signin:?}");
    assert!(
        signin.to_string().ends_with("the token is invalid or expired"),
        "{signin}"
    );

    let expired = client.pool_by_name("expired", None).await.unwrap_err();
    assert!(
        matches!(expired, Error::Unauthorized { status: 401, .. }),
        "{expired:?}"
    );

    let forbidden = client.delete_agent(1, 2, None).await.unwrap_err();
    assert!(matches!(forbidden, Error::Forbidden { .. }), "{forbidden:?}");
    let text = forbidden.to_string();
    assert!(
        text.contains("Agent Pools (read, manage)") && text.contains("needs Manage permissions"),
        "{text}"
    );

    let missing = client.get_agent(1, 3, None).await.unwrap_err();
    assert!(missing.is_not_found());
    assert!(
        missing.to_string().ends_with("No agent found in pool 1 with id 3."),
        "{missing}"
    );

    let failed = client.get_agent(1, 4, None).await.unwrap_err();
    match &failed {
        Error::Service {
            status,
            type_key,
            activity_id,
            ..
        } => {
            assert_eq!(*status, 500);
            assert_eq!(type_key.as_deref(), Some("VssServiceException"));
            assert_eq!(activity_id.as_deref(), Some("abc-123"));
        }
        other => panic!("{other:?}"),
    }
    for error in [signin, expired, forbidden, missing, failed] {
        let text = error.to_string();
        assert!(!text.contains('\n') && !text.contains("test-pat"), "{text}");
    }
}

#[tokio::test]
async fn api_version_can_be_overridden_for_azure_devops_server() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/tfs/DefaultCollection/_apis/distributedtask/pools"))
        .and(query_param("api-version", "6.0"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"count": 1, "value": [{"id": 1, "name": "Default"}]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let transport = HttpTransport::builder()
        .rewrite_origin("test", "https://tfs.contoso.com", &server.uri())
        .unwrap()
        .build()
        .unwrap();
    let options = DevOpsClientOptions {
        client_options: ClientOptions {
            transport: Some(transport.to_transport()),
            ..Default::default()
        },
        api_version: "6.0".to_owned(),
        ..Default::default()
    };
    let org = OrganizationUrl::parse("https://tfs.contoso.com/tfs/DefaultCollection/").unwrap();
    let client = DevOpsClient::new(org, pat(), Some(options)).unwrap();
    assert_eq!(client.pool_by_name("Default", None).await.unwrap().id, Some(1));
}
