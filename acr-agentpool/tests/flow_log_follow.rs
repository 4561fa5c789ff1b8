//! The log follower against a scripted run on wiremock: `listLogSasUrl` and `Runs_Get` on ARM,
//! the log blob (Get Blob ranges, Get Blob Properties) on the Blob endpoint, both behind arm-core's
//! redirecting transport; time is a `ManualClock`, so nothing is waited for.
//!
//! The run's status follows the blob's script (a [`Scripted`] state both responders share): it
//! is `Running` until the blob has told its last chunk, so that only the follower's rules decide
//! when the follow ends.

use acr_agentpool::Error;
use acr_agentpool::client::RunsClient;
use acr_agentpool::logs::{LogFollowOptions, LogFollower};
use acr_agentpool::model::RunStatus;
use arm_core::azure_core::http::ClientOptions;
use arm_core::storage::{StorageClient, StorageClientOptions};
use arm_core::test_support::{ManualClock, mock_arm_client, redirecting_transport_builder};
use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const SUBSCRIPTION: &str = "00000000-0000-0000-0000-000000000001";
const REGISTRY_PATH: &str = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/myregistry";
const BLOB_ORIGIN: &str = "https://acct.blob.core.windows.net";
const BLOB_PATH: &str = "/logs/ca1/rawtext.log";

/// What the blob says, step by step: each Get Blob plays the next step; Get Blob Properties
/// answers the length and completion of what was told so far.
#[derive(Clone)]
enum Step {
    /// `404 BlobNotFound`.
    Missing,
    /// These bytes, appended.
    Bytes(&'static str),
    /// `403 AuthenticationFailed` (an expired SAS).
    Forbidden,
    /// Nothing new (`416`), and the `complete` metadata set once told.
    Complete,
}

/// The shared script of a run: the blob's steps, how far they went, and the run's status once
/// the blob is complete (after `running_after_complete` more `Running` answers).
struct Scripted {
    steps: Vec<Step>,
    next: AtomicUsize,
    length: AtomicUsize,
    complete: Mutex<bool>,
    final_status: &'static str,
    running_after_complete: AtomicUsize,
}

impl Scripted {
    fn new(steps: Vec<Step>, final_status: &'static str, running_after_complete: usize) -> Arc<Self> {
        Arc::new(Self {
            steps,
            next: AtomicUsize::new(0),
            length: AtomicUsize::new(0),
            complete: Mutex::new(false),
            final_status,
            running_after_complete: AtomicUsize::new(running_after_complete),
        })
    }

    fn is_complete(&self) -> bool {
        *self.complete.lock().unwrap()
    }
}

struct BlobGet(Arc<Scripted>);

impl Respond for BlobGet {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let script = &self.0;
        let at = script.next.fetch_add(1, Ordering::SeqCst);
        let step = script.steps.get(at).cloned().unwrap_or(Step::Complete);
        match step {
            Step::Missing => blob_error(404, "BlobNotFound"),
            Step::Forbidden => blob_error(403, "AuthenticationFailed"),
            Step::Complete => {
                *script.complete.lock().unwrap() = true;
                blob_error(416, "InvalidRange")
            }
            Step::Bytes(data) => {
                let from = script.length.fetch_add(data.len(), Ordering::SeqCst);
                let total = from + data.len();
                ResponseTemplate::new(206)
                    .insert_header("content-range", format!("bytes {from}-{}/{total}", total - 1).as_str())
                    .insert_header("x-ms-blob-type", "AppendBlob")
                    .set_body_string(data)
            }
        }
    }
}

struct BlobHead(Arc<Scripted>);

impl Respond for BlobHead {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let length = self.0.length.load(Ordering::SeqCst);
        let response = ResponseTemplate::new(200)
            .insert_header("content-length", length.to_string().as_str())
            .insert_header("x-ms-blob-type", "AppendBlob");
        if self.0.is_complete() {
            response.insert_header("x-ms-meta-complete", "successful")
        } else {
            response
        }
    }
}

struct RunGet(Arc<Scripted>);

impl Respond for RunGet {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let script = &self.0;
        let finished = script.is_complete()
            && script
                .running_after_complete
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_err();
        let status = if finished { script.final_status } else { "Running" };
        ResponseTemplate::new(200).set_body_json(run(status))
    }
}

fn run(status: &str) -> serde_json::Value {
    json!({
        "id": format!("{REGISTRY_PATH}/runs/ca1"),
        "name": "ca1",
        "type": "Microsoft.ContainerRegistry/registries/runs",
        "properties": { "runId": "ca1", "status": status, "agentPoolName": "mypool" }
    })
}

fn blob_error(status: u16, code: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .insert_header("x-ms-error-code", code)
        .set_body_string(format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>{code}</Code><Message>{code}.</Message></Error>"
        ))
}

fn log_link() -> String {
    format!("{BLOB_ORIGIN}{BLOB_PATH}?sv=2023-11-03&sr=b&sp=r&se=2999-01-01T00%3A00%3A00Z&spr=https&sig=c2VjcmV0")
}

/// The world of one test: wiremock serving ARM and Blob, the follower on a manual clock.
struct World {
    server: MockServer,
    clock: Arc<ManualClock>,
    follower: LogFollower,
}

impl World {
    async fn start(script: &Arc<Scripted>, options: LogFollowOptions) -> World {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(format!("{REGISTRY_PATH}/runs/ca1/listLogSasUrl")))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "logLink": log_link() })))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path(format!("{REGISTRY_PATH}/runs/ca1")))
            .respond_with(RunGet(script.clone()))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path(BLOB_PATH))
            .respond_with(BlobGet(script.clone()))
            .mount(&server)
            .await;
        Mock::given(method("HEAD"))
            .and(path(BLOB_PATH))
            .respond_with(BlobHead(script.clone()))
            .mount(&server)
            .await;
        let clock = ManualClock::new();
        let arm = mock_arm_client(&server.uri(), None).unwrap();
        let runs = RunsClient::new(arm, SUBSCRIPTION, "rg", "myregistry", None).unwrap();
        let transport = redirecting_transport_builder(&server.uri())
            .unwrap()
            .rewrite_origin("blob", BLOB_ORIGIN, &server.uri())
            .unwrap()
            .build()
            .unwrap();
        let storage = StorageClient::new(Some(StorageClientOptions {
            client_options: ClientOptions {
                transport: Some(transport.to_transport()),
                ..Default::default()
            },
            clock: Some(clock.clone()),
            ..Default::default()
        }))
        .unwrap();
        let follower = LogFollower::new(runs, storage)
            .with_options(options)
            .with_clock(clock.clone());
        World {
            server,
            clock,
            follower,
        }
    }

    async fn requests(&self, verb: &str, suffix: &str) -> usize {
        self.server
            .received_requests()
            .await
            .unwrap()
            .iter()
            .filter(|r| r.method.as_str() == verb && r.url.path().ends_with(suffix))
            .count()
    }
}

fn options() -> LogFollowOptions {
    let mut options = LogFollowOptions::default();
    options.confirm.jitter = false;
    options
}

#[tokio::test]
async fn lines_come_whole_as_the_log_grows_and_the_end_is_confirmed_by_the_run() {
    let script = Scripted::new(
        vec![
            Step::Missing,
            Step::Missing,
            Step::Bytes("2024/01/01 Step 1/2 : FROM alpine\r\nStep 2/"),
            Step::Bytes("2 : RUN echo é"),
            Step::Bytes("\r\n\r\nSuccessfully built\r"),
            Step::Bytes("\nRun ID: ca1 was successful"),
        ],
        "Succeeded",
        2,
    );
    let world = World::start(&script, options()).await;
    let mut lines = Vec::new();
    let run = world
        .follower
        .follow("ca1", |line| lines.push(line.to_owned()))
        .await
        .unwrap();
    assert_eq!(
        lines,
        [
            "2024/01/01 Step 1/2 : FROM alpine",
            "Step 2/2 : RUN echo é",
            "",
            "Successfully built",
            "Run ID: ca1 was successful",
        ]
    );
    assert_eq!(run.status(), Some(&RunStatus::Succeeded));
    // The complete log was confirmed by polling the run until it was terminal (two more
    // `Running` answers first).
    assert!(world.requests("GET", "/runs/ca1").await >= 3);
    assert_eq!(world.requests("POST", "/listLogSasUrl").await, 1);
    // New lines are looked for at least every 250 ms while the log grows.
    let sleeps = world.clock.sleeps();
    assert!(sleeps.contains(&Duration::from_millis(250)), "{sleeps:?}");
}

#[tokio::test]
async fn a_run_that_fails_before_writing_a_log_ends_the_follow() {
    let script = Scripted::new(vec![Step::Missing; 1000], "Failed", 0);
    // The run is terminal from the start: a blob that never appears must not hold the follow.
    *script.complete.lock().unwrap() = true;
    let world = World::start(&script, options()).await;
    let mut lines = Vec::new();
    let run = world
        .follower
        .follow("ca1", |line| lines.push(line.to_owned()))
        .await
        .unwrap();
    assert_eq!(run.status(), Some(&RunStatus::Failed));
    assert!(lines.is_empty());
    let settle = LogFollowOptions::default().settle;
    assert!(world.clock.elapsed() >= settle, "{:?}", world.clock.elapsed());
    assert!(
        world.clock.elapsed() < Duration::from_secs(300),
        "{:?}",
        world.clock.elapsed()
    );
}

#[tokio::test]
async fn a_refused_sas_is_renewed_and_reading_resumes_where_it_stopped() {
    let script = Scripted::new(
        vec![Step::Bytes("line 1\r\n"), Step::Forbidden, Step::Bytes("line 2\r\n")],
        "Succeeded",
        0,
    );
    let world = World::start(&script, options()).await;
    let mut lines = Vec::new();
    world
        .follower
        .follow("ca1", |line| lines.push(line.to_owned()))
        .await
        .unwrap();
    assert_eq!(lines, ["line 1", "line 2"]);
    assert_eq!(world.requests("POST", "/listLogSasUrl").await, 2);
    let ranges: Vec<String> = world
        .server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.method.as_str() == "GET" && r.url.path() == BLOB_PATH)
        .map(|r| r.headers.get("range").unwrap().to_str().unwrap().to_owned())
        .collect();
    assert!(ranges[2].starts_with("bytes=8-"), "{ranges:?}");
}

#[tokio::test]
async fn a_complete_log_whose_run_never_ends_is_a_wait_error() {
    let script = Scripted::new(vec![Step::Bytes("done\r\n")], "Succeeded", usize::MAX);
    let world = World::start(&script, options()).await;
    let error = world.follower.follow("ca1", |_| {}).await.unwrap_err();
    assert!(matches!(error, Error::Wait { .. }), "{error:?}");
    let text = error.to_string();
    assert!(
        text.contains("run ca1") && text.contains("complete") && text.contains("Running"),
        "{text}"
    );
}

#[tokio::test]
async fn the_follow_is_bounded_by_max_wait() {
    let script = Scripted::new(vec![Step::Missing; 10_000], "Succeeded", 0);
    let mut options = options();
    options.max_wait = Duration::from_secs(60);
    let world = World::start(&script, options).await;
    let error = world.follower.follow("ca1", |_| {}).await.unwrap_err();
    let text = error.to_string();
    assert!(matches!(error, Error::Wait { .. }), "{error:?}");
    assert!(text.contains("max_wait") && text.contains("Running"), "{text}");
    assert!(world.clock.elapsed() >= Duration::from_secs(60));
    assert!(
        world.clock.elapsed() < Duration::from_secs(300),
        "{:?}",
        world.clock.elapsed()
    );
}
