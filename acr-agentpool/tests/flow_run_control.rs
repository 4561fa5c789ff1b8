//! The run flows on wiremock when `scheduleRun`'s answer is lost, and when the caller cancels.
//!
//! A lost answer is made two ways: the POST is answered after the transport's timeout (the
//! server saw it and created the run; the client saw a timeout), or it is answered `503`
//! before anything was created. The flow must adopt the run in the first case (no second
//! POST) and send the POST once more in the second (one run). Time is a `ManualClock`, so the
//! bounded waits cost nothing.

use acr_agentpool::flow::{QuickRunRequest, QuickRunTask, RunControlOptions, RunEnd};
use acr_agentpool::logs::LogFollowOptions;
use acr_agentpool::model::RunStatus;
use acr_agentpool::network::NetworkClient;
use acr_agentpool::{AgentPoolFlow, Error, RegistriesClient, RegistryRef};
use arm_core::azure_core::http::ClientOptions;
use arm_core::storage::{StorageClient, StorageClientOptions};
use arm_core::test_support::{
    ManualClock, ScriptedResponses, StaticTokenCredential, arm_error, redirecting_transport_builder,
};
use arm_core::{ArmClient, ArmClientOptions, Cloud, WaiterOptions};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const SUB: &str = "00000000-0000-0000-0000-000000000001";
const REGISTRY: &str = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/myregistry";
const BLOB_ORIGIN: &str = "https://acct.blob.core.windows.net";
const BLOB_PATH: &str = "/logs/ca7/rawtext.log";
/// The transport's timeout of each request: a `scheduleRun` answered later is lost.
const TIMEOUT: Duration = Duration::from_millis(500);

/// A run as `Runs_Get`/`Runs_List` show it.
fn run(id: &str, status: &str, pool: &str, run_type: &str) -> Value {
    json!({
        "id": format!("{REGISTRY}/runs/{id}"), "name": id, "type": "Microsoft.ContainerRegistry/registries/runs",
        "properties": {
            "runId": id, "status": status, "agentPoolName": pool, "runType": run_type,
            "createTime": "2024-03-01T10:00:00Z",
            "platform": { "os": "Linux", "architecture": "amd64" },
            "provisioningState": "Succeeded"
        }
    })
}

fn list(runs: Vec<Value>) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({ "value": runs }))
}

/// wiremock serving a Premium registry with pool `mypool` (1 instance), and the flow on it with
/// a manual clock and short bounds.
async fn world() -> (MockServer, AgentPoolFlow) {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(REGISTRY))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": REGISTRY, "name": "myregistry", "type": "Microsoft.ContainerRegistry/registries",
            "location": "eastus", "sku": { "name": "Premium", "tier": "Premium" },
            "properties": { "loginServer": "myregistry.azurecr.io", "provisioningState": "Succeeded" }
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{REGISTRY}/agentPools/mypool")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": format!("{REGISTRY}/agentPools/mypool"), "name": "mypool", "location": "eastus",
            "properties": { "tier": "S1", "count": 1, "os": "Linux", "provisioningState": "Succeeded" }
        })))
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let transport = redirecting_transport_builder(&server.uri())
        .unwrap()
        .rewrite_origin("blob", BLOB_ORIGIN, &server.uri())
        .unwrap()
        .timeout(TIMEOUT)
        .build()
        .unwrap();
    let client_options = ClientOptions {
        transport: Some(transport.to_transport()),
        ..Default::default()
    };
    let arm = ArmClient::new(
        &Cloud::public(),
        StaticTokenCredential::new("test-token"),
        Some(ArmClientOptions {
            client_options: client_options.clone(),
            clock: Some(clock.clone()),
            ..Default::default()
        }),
    )
    .unwrap();
    let storage = StorageClient::new(Some(StorageClientOptions {
        client_options,
        clock: Some(clock.clone()),
        ..Default::default()
    }))
    .unwrap();
    let quick = WaiterOptions {
        min_delay: Duration::from_millis(100),
        max_delay: Duration::from_millis(500),
        max_wait: Duration::from_secs(5),
        jitter: false,
    };
    let flow = AgentPoolFlow::new(
        RegistriesClient::new(arm.clone(), SUB, None).unwrap(),
        NetworkClient::new(arm, None),
        storage,
    )
    .with_clock(clock)
    .with_run_control(RunControlOptions {
        schedule_attempts: 3,
        find_lost_run: quick.clone(),
        cancel_wait: quick,
    })
    .with_follow_options(LogFollowOptions {
        status_interval: Duration::from_millis(200),
        ..LogFollowOptions::default()
    });
    (server, flow)
}

fn quick_run(no_logs: bool) -> QuickRunRequest {
    QuickRunRequest {
        registry: RegistryRef {
            name: "myregistry".into(),
            resource_group: Some("rg".into()),
        },
        agent_pool: "mypool".into(),
        task: QuickRunTask::Cmd("mcr.microsoft.com/hello-world".into()),
        platform: None,
        timeout: None,
        no_logs,
    }
}

/// The requests `verb ...suffix` the server received.
async fn count(server: &MockServer, verb: &str, suffix: &str) -> usize {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.method.as_str() == verb && r.url.path().ends_with(suffix))
        .count()
}

/// Mounts the run list: `before` for the first read, `after` for every later one; and run
/// `id`'s GET answering `status`.
async fn mount_runs(server: &MockServer, before: Vec<Value>, after: Vec<Value>, id: &str, status: &str) {
    Mock::given(method("GET"))
        .and(path(format!("{REGISTRY}/runs")))
        .and(query_param("$top", "50"))
        .respond_with(ScriptedResponses::new(vec![list(before), list(after)]))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{REGISTRY}/runs/{id}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(run(id, status, "mypool", "QuickRun")))
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_run_created_before_its_answer_was_lost_is_adopted_without_a_second_post() {
    let (server, flow) = world().await;
    let old = run("ca6", "Succeeded", "mypool", "QuickRun");
    let ours = run("ca7", "Queued", "mypool", "QuickRun");
    let elsewhere = run("ca9", "Queued", "otherpool", "QuickRun");
    mount_runs(
        &server,
        vec![old.clone()],
        vec![ours.clone(), old, elsewhere],
        "ca7",
        "Succeeded",
    )
    .await;
    Mock::given(method("POST"))
        .and(path(format!("{REGISTRY}/scheduleRun")))
        .respond_with(ResponseTemplate::new(200).set_body_json(ours).set_delay(TIMEOUT * 4))
        .expect(1)
        .mount(&server)
        .await;
    let mut steps = Vec::new();
    let outcome = flow
        .quick_run(&quick_run(true), std::future::pending(), |_| {}, |e| steps.push(e))
        .await
        .unwrap();
    assert_eq!(outcome.run_id, "ca7");
    assert!(outcome.succeeded(), "{outcome:?}");
    assert_eq!(count(&server, "POST", "/scheduleRun").await, 1);
    // The list before the POST and at least one after it, filtered on the pool and the time.
    let lists: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path().ends_with("/runs"))
        .map(|r| {
            r.url
                .query_pairs()
                .find(|(k, _)| k == "$filter")
                .unwrap()
                .1
                .into_owned()
        })
        .collect();
    assert!(lists.len() >= 2, "{lists:?}");
    assert!(
        lists
            .iter()
            .all(|f| f.starts_with("CreateTime ge ") && f.ends_with(" and AgentPoolName eq 'mypool'")),
        "{lists:?}"
    );
    assert!(
        format!("{steps:?}").contains("the answer of scheduleRun was lost"),
        "{steps:?}"
    );
}

#[tokio::test]
async fn a_503_before_anything_was_created_is_scheduled_once_more_and_makes_one_run() {
    let (server, flow) = world().await;
    mount_runs(&server, vec![], vec![], "ca8", "Succeeded").await;
    Mock::given(method("POST"))
        .and(path(format!("{REGISTRY}/scheduleRun")))
        .respond_with(ScriptedResponses::new(vec![
            arm_error(503, "ServiceUnavailable", "The service is unavailable."),
            ResponseTemplate::new(200).set_body_json(run("ca8", "Queued", "mypool", "QuickRun")),
        ]))
        .expect(2)
        .mount(&server)
        .await;
    let outcome = flow
        .quick_run(&quick_run(true), std::future::pending(), |_| {}, |_| {})
        .await
        .unwrap();
    assert_eq!(outcome.run_id, "ca8");
    assert!(outcome.succeeded(), "{outcome:?}");
    assert_eq!(count(&server, "POST", "/scheduleRun").await, 2);
}

#[tokio::test]
async fn answers_lost_every_time_end_with_the_last_error_after_the_bounded_attempts() {
    let (server, flow) = world().await;
    mount_runs(&server, vec![], vec![], "ca8", "Succeeded").await;
    Mock::given(method("POST"))
        .and(path(format!("{REGISTRY}/scheduleRun")))
        .respond_with(arm_error(500, "InternalServerError", "Something went wrong."))
        .expect(3)
        .mount(&server)
        .await;
    let error = flow
        .quick_run(&quick_run(true), std::future::pending(), |_| {}, |_| {})
        .await
        .unwrap_err();
    assert!(error.to_string().contains("Something went wrong."), "{error}");
}

#[tokio::test]
async fn several_new_runs_after_a_lost_answer_are_an_error_naming_them() {
    let (server, flow) = world().await;
    let after = vec![
        run("cb1", "Queued", "mypool", "QuickRun"),
        run("cb2", "Running", "mypool", "QuickRun"),
        // Not like the request: another type of run.
        run("cb3", "Running", "mypool", "QuickBuild"),
    ];
    mount_runs(&server, vec![], after, "cb1", "Queued").await;
    Mock::given(method("POST"))
        .and(path(format!("{REGISTRY}/scheduleRun")))
        .respond_with(arm_error(502, "BadGateway", "Bad gateway."))
        .expect(1)
        .mount(&server)
        .await;
    let error = flow
        .quick_run(&quick_run(true), std::future::pending(), |_| {}, |_| {})
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Unsettled { .. }), "{error}");
    let text = error.to_string();
    assert!(text.contains("cb1, cb2") && !text.contains("cb3"), "{text}");
}

#[tokio::test]
async fn a_refusal_is_not_a_lost_answer_and_nothing_is_looked_for() {
    let (server, flow) = world().await;
    mount_runs(
        &server,
        vec![],
        vec![run("cc1", "Queued", "mypool", "QuickRun")],
        "cc1",
        "Queued",
    )
    .await;
    Mock::given(method("POST"))
        .and(path(format!("{REGISTRY}/scheduleRun")))
        .respond_with(arm_error(400, "AgentPoolNotFound", "The agent pool was not found."))
        .expect(1)
        .mount(&server)
        .await;
    let error = flow
        .quick_run(&quick_run(true), std::future::pending(), |_| {}, |_| {})
        .await
        .unwrap_err();
    assert!(error.to_string().contains("AgentPoolNotFound"), "{error}");
    // Only the list noted before the POST.
    assert_eq!(count(&server, "GET", "/runs").await, 1);
}

/// Run `ca7`: `Running` until its cancel POST arrives, `Canceled` after.
struct CancelableRun(Arc<AtomicBool>);

impl Respond for CancelableRun {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let status = if self.0.load(Ordering::SeqCst) {
            "Canceled"
        } else {
            "Running"
        };
        ResponseTemplate::new(200).set_body_json(run("ca7", status, "mypool", "QuickRun"))
    }
}

struct CancelPost(Arc<AtomicBool>);

impl Respond for CancelPost {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        self.0.store(true, Ordering::SeqCst);
        ResponseTemplate::new(200)
    }
}

#[tokio::test]
async fn a_cancel_during_the_log_follow_cancels_the_run_and_waits_until_it_is_canceled() {
    let (server, flow) = world().await;
    let canceled = Arc::new(AtomicBool::new(false));
    Mock::given(method("GET"))
        .and(path(format!("{REGISTRY}/runs")))
        .respond_with(list(vec![]))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{REGISTRY}/scheduleRun")))
        .respond_with(ResponseTemplate::new(200).set_body_json(run("ca7", "Queued", "mypool", "QuickRun")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{REGISTRY}/runs/ca7")))
        .respond_with(CancelableRun(canceled.clone()))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{REGISTRY}/runs/ca7/cancel")))
        .respond_with(CancelPost(canceled.clone()))
        .expect(1)
        .mount(&server)
        .await;
    let link =
        format!("{BLOB_ORIGIN}{BLOB_PATH}?sv=2023-11-03&sr=b&sp=r&se=2999-01-01T00%3A00%3A00Z&spr=https&sig=c2VjcmV0");
    Mock::given(method("POST"))
        .and(path(format!("{REGISTRY}/runs/ca7/listLogSasUrl")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "logLink": link })))
        .mount(&server)
        .await;
    let first = "2024/03/01 10:00:00 Step 1/1 : cmd mcr.microsoft.com/hello-world\r\n";
    Mock::given(method("GET"))
        .and(path(BLOB_PATH))
        .respond_with(ScriptedResponses::new(vec![
            ResponseTemplate::new(206)
                .insert_header(
                    "content-range",
                    format!("bytes 0-{}/{}", first.len() - 1, first.len()).as_str(),
                )
                .insert_header("x-ms-blob-type", "AppendBlob")
                .set_body_string(first),
            ResponseTemplate::new(416).insert_header("x-ms-error-code", "InvalidRange"),
        ]))
        .mount(&server)
        .await;
    Mock::given(method("HEAD"))
        .and(path(BLOB_PATH))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-length", first.len().to_string().as_str())
                .insert_header("x-ms-blob-type", "AppendBlob"),
        )
        .mount(&server)
        .await;
    // The cancel input fires once the first line was shown.
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let mut tx = Some(tx);
    let mut lines = Vec::new();
    let outcome = flow
        .quick_run(
            &quick_run(false),
            async {
                let _ = rx.await;
            },
            |line| {
                lines.push(line.to_owned());
                if let Some(tx) = tx.take() {
                    let _ = tx.send(());
                }
            },
            |_| {},
        )
        .await
        .unwrap();
    assert_eq!(
        lines,
        ["2024/03/01 10:00:00 Step 1/1 : cmd mcr.microsoft.com/hello-world"]
    );
    assert_eq!(outcome.end, RunEnd::Canceled, "{outcome:?}");
    assert_eq!(outcome.run_id, "ca7");
    assert_eq!(
        outcome.run.as_ref().and_then(|r| r.status()),
        Some(&RunStatus::Canceled)
    );
    assert!(outcome.error.is_none(), "{outcome:?}");
    assert_eq!(outcome.status_text(), "Canceled");
    assert_eq!(count(&server, "POST", "/ca7/cancel").await, 1);
}

#[tokio::test]
async fn a_run_that_never_ends_after_its_cancel_is_reported_with_a_bounded_wait() {
    let (server, flow) = world().await;
    Mock::given(method("GET"))
        .and(path(format!("{REGISTRY}/runs")))
        .respond_with(list(vec![]))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{REGISTRY}/scheduleRun")))
        .respond_with(ResponseTemplate::new(200).set_body_json(run("ca7", "Queued", "mypool", "QuickRun")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{REGISTRY}/runs/ca7")))
        .respond_with(ResponseTemplate::new(200).set_body_json(run("ca7", "Running", "mypool", "QuickRun")))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{REGISTRY}/runs/ca7/cancel")))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    // Canceled as soon as scheduled (the cancel input is already resolved after the POST).
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let mut tx = Some(tx);
    let outcome = flow
        .quick_run(
            &quick_run(true),
            async {
                let _ = rx.await;
            },
            |_| {},
            |event| {
                if matches!(event, acr_agentpool::flow::FlowEvent::Scheduled { .. })
                    && let Some(tx) = tx.take()
                {
                    let _ = tx.send(());
                }
            },
        )
        .await
        .unwrap();
    assert_eq!(outcome.end, RunEnd::Canceled);
    let error = outcome.error.as_ref().expect("the wait's error").to_string();
    assert!(
        error.contains("run ca7") && error.contains("canceled, but still Running"),
        "{error}"
    );
    assert_eq!(outcome.status_text(), "Canceled");
}
