//! ACR runs on the emulator: a build context uploaded through the `listBuildSourceUploadUrl`
//! SAS with Put Blob, Docker builds that succeed (steps in a CRLF log marked `complete`, output
//! image digests) or fail (no Dockerfile, a scripted failure), `cmd` steps of mapped images as
//! real processes (their output in the log; a cancel kills them), queues on agent pools (count
//! 0 keeps runs queued; one run per instance once scaled), `$filter`/`$top`, the legacy
//! api-version's shapes, refusals, and a read-only log SAS.

use std::collections::BTreeMap;
use std::io::Write;
use std::time::{Duration, Instant};

use az_emulator::{AcrConfig, AcrRunScript, EmulatorConfig};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{Harness, quick_config};

/// The api-version with synchronous `scheduleRun` and `cancel`.
const API: &str = "2025-03-01-preview";
/// The older api-version with agent pools (long-running `scheduleRun` and `cancel`).
const API_2019: &str = "2019-06-01-preview";
/// A registries api-version.
const REGISTRY_API: &str = "2025-04-01";
/// The registry of the tests.
const REGISTRY: &str = "runsregistry";
/// A region with agent pools.
const REGION: &str = "eastus";

/// A shell command as an image's mapped command (`sh -c <script> sh <args>...`).
fn sh(script: &str) -> Vec<String> {
    vec!["sh".into(), "-c".into(), script.into(), "sh".into()]
}

/// Quick operations, instant steps, and the images the tests run.
fn config() -> EmulatorConfig {
    let images: BTreeMap<String, Vec<String>> = [
        ("local/echo:1", sh("echo \"hello from $1\"; echo to-stderr >&2")),
        ("local/exit3:1", sh("echo failing; exit 3")),
        ("local/sleep:1", sh("echo $$ > \"$1\"; echo sleeping; exec sleep 60")),
    ]
    .into_iter()
    .map(|(image, command)| (image.to_owned(), command))
    .collect();
    EmulatorConfig {
        images,
        acr: AcrConfig {
            step_ms: 0,
            scripts: Vec::new(),
        },
        ..quick_config()
    }
}

/// A harness, its token and a Premium registry.
struct Acr {
    h: Harness,
    token: String,
}

impl Acr {
    async fn start() -> Acr {
        let h = Harness::with(config()).await;
        let token = h.token().await;
        let acr = Acr { h, token };
        let body = json!({ "location": REGION, "sku": { "name": "Premium" } });
        let created = acr.call(Method::PUT, "", REGISTRY_API, Some(body)).await;
        assert!(created.status < 300, "{}", created.text);
        acr.h.advance_clock(1).await;
        acr
    }

    /// `.../registries/{REGISTRY}{rest}?api-version={api}`.
    fn path(&self, rest: &str, api: &str) -> String {
        let d = &self.h.info().defaults;
        format!(
            "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.ContainerRegistry/registries/{REGISTRY}{rest}?api-version={api}",
            d.subscription_id, d.resource_group
        )
    }

    async fn call(&self, method: Method, rest: &str, api: &str, body: Option<Value>) -> crate::common::Reply {
        self.h.arm(method, &self.path(rest, api), &self.token, body).await
    }

    /// Uploads a `tar.gz` of `files` through `listBuildSourceUploadUrl` (Put Blob on the SAS
    /// URL); the `relativePath`.
    async fn upload(&self, files: &[(&str, &str)]) -> String {
        let answer = self.call(Method::POST, "/listBuildSourceUploadUrl", API, None).await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        let url = answer.json["uploadUrl"].as_str().expect("uploadUrl");
        let relative = answer.json["relativePath"].as_str().expect("relativePath").to_owned();
        assert!(
            relative.starts_with("source/") && relative.ends_with(".tar.gz"),
            "{relative}"
        );
        assert!(url.starts_with("https://") && url.contains("sp=cw"), "{url}");
        let put = self
            .h
            .http
            .put(url)
            .header("x-ms-blob-type", "BlockBlob")
            .header("x-ms-version", "2025-11-05")
            .body(archive(files))
            .send()
            .await
            .expect("upload answered");
        assert_eq!(put.status().as_u16(), 201, "{:?}", put.text().await);
        relative
    }

    /// Schedules `request`; the run.
    async fn schedule(&self, request: Value) -> Value {
        let reply = self.call(Method::POST, "/scheduleRun", API, Some(request)).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        reply.json
    }

    async fn run(&self, id: &str) -> Value {
        let reply = self.call(Method::GET, &format!("/runs/{id}"), API, None).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        reply.json
    }

    /// Waits until run `id`'s status is one of `statuses`.
    async fn wait_for(&self, id: &str, statuses: &[&str]) -> Value {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let run = self.run(id).await;
            let status = run["properties"]["status"].as_str().unwrap_or_default().to_owned();
            if statuses.contains(&status.as_str()) {
                return run;
            }
            assert!(Instant::now() < deadline, "run {id} stayed {status}: {run}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The log of run `id` through its SAS link: text and `complete` metadata.
    async fn log(&self, id: &str) -> (String, Option<String>, String) {
        let answer = self
            .call(Method::POST, &format!("/runs/{id}/listLogSasUrl"), API, None)
            .await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        let link = answer.json["logLink"].as_str().expect("logLink").to_owned();
        let response = self
            .h
            .http
            .get(&link)
            .header("x-ms-version", "2025-11-05")
            .send()
            .await
            .expect("log answered");
        assert_eq!(response.status().as_u16(), 200);
        let complete = response
            .headers()
            .get("x-ms-meta-complete")
            .map(|v| v.to_str().unwrap().to_owned());
        (response.text().await.expect("log text"), complete, link)
    }
}

/// A `tar.gz` of `files` (path, content).
fn archive(files: &[(&str, &str)]) -> Vec<u8> {
    let mut builder = tar::Builder::new(flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast()));
    for (path, content) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(content.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder
            .append_data(&mut header, path, content.as_bytes())
            .expect("tar entry");
    }
    let mut gz = builder.into_inner().expect("tar");
    gz.flush().expect("flush");
    gz.finish().expect("gzip")
}

/// A `DockerBuildRequest` of `source`.
fn docker_build(source: &str, dockerfile: &str) -> Value {
    json!({
        "type": "DockerBuildRequest",
        "dockerFilePath": dockerfile,
        "imageNames": ["hello:{{.Run.ID}}", "hello:latest"],
        "isPushEnabled": true,
        "platform": { "os": "Linux", "architecture": "amd64" },
        "sourceLocation": source,
    })
}

/// An `EncodedTaskRunRequest` of `yaml`.
fn encoded(yaml: &str) -> Value {
    json!({
        "type": "EncodedTaskRunRequest",
        "encodedTaskContent": STANDARD.encode(yaml),
        "platform": { "os": "Linux" },
    })
}

const DOCKERFILE: &str = "FROM alpine:3.20\n# tools\nRUN apk add \\\n  curl\nCMD [\"sh\"]\n";

#[tokio::test]
async fn a_docker_build_logs_its_steps_in_crlf_and_pushes_images_with_a_digest() {
    let acr = Acr::start().await;
    let source = acr
        .upload(&[("Dockerfile", DOCKERFILE), ("app/main.sh", "echo hi")])
        .await;
    let run = acr.schedule(docker_build(&source, "Dockerfile")).await;
    let id = run["properties"]["runId"].as_str().expect("runId").to_owned();
    assert!(id.len() >= 3 && id.starts_with('c') && id.ends_with('1'), "{id}");
    assert_eq!(run["properties"]["runType"], "QuickBuild");
    let done = acr.wait_for(&id, &["Succeeded", "Failed", "Error"]).await;
    assert_eq!(done["properties"]["status"], "Succeeded", "{done}");
    for time in ["createTime", "startTime", "finishTime", "lastUpdatedTime"] {
        assert!(done["properties"][time].is_string(), "{time}: {done}");
    }
    let images = done["properties"]["outputImages"].as_array().expect("outputImages");
    assert_eq!(images.len(), 2, "{done}");
    assert_eq!(images[0]["registry"], format!("{REGISTRY}.azurecr.io"));
    assert_eq!(images[0]["repository"], "hello");
    assert_eq!(images[0]["tag"], id.as_str());
    let digest = images[0]["digest"].as_str().expect("digest");
    assert!(digest.starts_with("sha256:") && digest.len() == 71, "{digest}");
    assert_eq!(images[1]["digest"], digest);
    let (log, complete, link) = acr.log(&id).await;
    assert_eq!(complete.as_deref(), Some("Succeeded"));
    assert!(
        log.ends_with("\r\n") && !log.replace("\r\n", "").contains('\n'),
        "{log:?}"
    );
    assert!(log.starts_with(&format!("Queued a run with ID: {id}\r\n")), "{log}");
    for line in [
        "Step 1/3 : FROM alpine:3.20",
        "Step 2/3 : RUN apk add curl",
        "Step 3/3 : CMD [\"sh\"]",
        &format!("Successfully pushed image: {REGISTRY}.azurecr.io/hello:{id}"),
        &format!("Run ID: {id} was successful after"),
    ] {
        assert!(log.contains(line), "{line} not in {log}");
    }
    // The same context and Dockerfile give the same digest.
    let again = acr.schedule(docker_build(&source, "Dockerfile")).await;
    let again_id = again["properties"]["runId"].as_str().unwrap().to_owned();
    let again = acr.wait_for(&again_id, &["Succeeded"]).await;
    assert_eq!(again["properties"]["outputImages"][1]["digest"], digest);
    // The log link only reads.
    let write = acr
        .h
        .http
        .put(&link)
        .header("x-ms-blob-type", "BlockBlob")
        .header("x-ms-version", "2025-11-05")
        .body("overwritten")
        .send()
        .await
        .expect("answered");
    assert_eq!(write.status().as_u16(), 403);
}

#[tokio::test]
async fn a_build_whose_dockerfile_is_missing_fails_and_says_why() {
    let acr = Acr::start().await;
    let source = acr.upload(&[("Dockerfile", DOCKERFILE)]).await;
    let run = acr.schedule(docker_build(&source, "build/Dockerfile.prod")).await;
    let id = run["properties"]["runId"].as_str().unwrap().to_owned();
    let done = acr.wait_for(&id, &["Succeeded", "Failed", "Error"]).await;
    assert_eq!(done["properties"]["status"], "Failed", "{done}");
    let message = done["properties"]["runErrorMessage"].as_str().expect("runErrorMessage");
    assert!(message.contains("build/Dockerfile.prod"), "{message}");
    assert!(done["properties"]["outputImages"].as_array().unwrap().is_empty());
    let (log, complete, _) = acr.log(&id).await;
    assert_eq!(complete.as_deref(), Some("Failed"));
    assert!(
        log.contains(&format!("Run ID: {id} failed after")) && log.contains(message),
        "{log}"
    );
}

#[tokio::test]
async fn cmd_steps_run_the_mapped_image_and_its_exit_code_decides() {
    let acr = Acr::start().await;
    let run = acr
        .schedule(encoded("version: v1.1.0\nsteps:\n  - cmd: local/echo:1 {{.Run.ID}}\n"))
        .await;
    let id = run["properties"]["runId"].as_str().unwrap().to_owned();
    assert_eq!(run["properties"]["runType"], "QuickRun");
    let done = acr.wait_for(&id, &["Succeeded", "Failed", "Error"]).await;
    assert_eq!(done["properties"]["status"], "Succeeded", "{done}");
    let (log, complete, _) = acr.log(&id).await;
    assert_eq!(complete.as_deref(), Some("Succeeded"));
    assert!(log.contains(&format!("\r\nhello from {id}\r\n")), "{log}");
    assert!(log.contains("\r\nto-stderr\r\n"), "{log}");
    let failing = acr.schedule(encoded("steps:\n  - cmd: local/exit3:1\n")).await;
    let id = failing["properties"]["runId"].as_str().unwrap().to_owned();
    let done = acr.wait_for(&id, &["Succeeded", "Failed", "Error"]).await;
    assert_eq!(done["properties"]["status"], "Failed", "{done}");
    assert_eq!(
        done["properties"]["runErrorMessage"],
        "failed during run, err: exit status 3"
    );
    let unmapped = acr.schedule(encoded("steps:\n  - cmd: docker.io/nope\n")).await;
    let id = unmapped["properties"]["runId"].as_str().unwrap().to_owned();
    let done = acr.wait_for(&id, &["Succeeded", "Failed", "Error"]).await;
    assert!(
        done["properties"]["runErrorMessage"]
            .as_str()
            .unwrap()
            .contains("'docker.io/nope' is not in the emulator's [images] table"),
        "{done}"
    );
}

#[tokio::test]
async fn a_cancel_kills_the_step_process_and_completes_the_log() {
    let acr = Acr::start().await;
    let dir = std::env::temp_dir().join(format!("acr-cancel-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let pid_file = dir.join("pid");
    let yaml = format!("steps:\n  - cmd: local/sleep:1 {}\n", pid_file.display());
    let run = acr.schedule(encoded(&yaml)).await;
    let id = run["properties"]["runId"].as_str().unwrap().to_owned();
    let deadline = Instant::now() + Duration::from_secs(20);
    let pid = loop {
        if let Some(pid) = std::fs::read_to_string(&pid_file)
            .ok()
            .and_then(|text| text.trim().parse::<i32>().ok())
        {
            break pid;
        }
        assert!(Instant::now() < deadline, "the step never started");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(acr.run(&id).await["properties"]["status"], "Running");
    let cancel = acr.call(Method::POST, &format!("/runs/{id}/cancel"), API, None).await;
    assert_eq!(cancel.status, 200, "{}", cancel.text);
    assert_eq!(acr.run(&id).await["properties"]["status"], "Canceled");
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::path::Path::new(&format!("/proc/{pid}")).exists() {
        assert!(Instant::now() < deadline, "process {pid} outlived the cancel");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (log, complete, _) = acr.log(&id).await;
    assert_eq!(complete.as_deref(), Some("Canceled"));
    assert!(
        log.contains("sleeping") && log.contains(&format!("Run ID: {id} was canceled")),
        "{log}"
    );
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn a_pool_of_zero_queues_runs_until_scaled_then_runs_one_per_instance() {
    let acr = Acr::start().await;
    let pool = acr
        .call(
            Method::PUT,
            "/agentPools/pool1",
            API,
            Some(json!({ "location": REGION, "properties": { "tier": "S1", "count": 0, "os": "Linux" } })),
        )
        .await;
    assert!(pool.status < 300, "{}", pool.text);
    acr.h.advance_clock(1).await;
    acr.h
        .emulator
        .control()
        .script_acr_runs(AcrRunScript {
            hold: true,
            ..AcrRunScript::default()
        })
        .expect("scripted");
    let mut ids = Vec::new();
    for _ in 0..2 {
        let mut request = encoded("steps:\n  - cmd: local/echo:1 pool\n");
        request["agentPoolName"] = json!("pool1");
        let run = acr.schedule(request).await;
        assert_eq!(run["properties"]["status"], "Queued", "{run}");
        assert_eq!(run["properties"]["agentPoolName"], "pool1");
        ids.push(run["properties"]["runId"].as_str().unwrap().to_owned());
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(acr.run(&ids[0]).await["properties"]["status"], "Queued");
    let queue = acr
        .call(Method::POST, "/agentPools/pool1/listQueueStatus", API, None)
        .await;
    assert_eq!(queue.json["count"], 2, "{}", queue.text);
    let scaled = acr
        .call(
            Method::PATCH,
            "/agentPools/pool1",
            API,
            Some(json!({ "properties": { "count": 1 } })),
        )
        .await;
    assert!(scaled.status < 300, "{}", scaled.text);
    acr.h.advance_clock(1).await;
    acr.wait_for(&ids[0], &["Running"]).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        acr.run(&ids[1]).await["properties"]["status"],
        "Queued",
        "one run per instance"
    );
    let cancel = acr
        .call(Method::POST, &format!("/runs/{}/cancel", ids[0]), API, None)
        .await;
    assert_eq!(cancel.status, 200);
    acr.wait_for(&ids[1], &["Running"]).await;
}

#[tokio::test]
async fn lists_filter_and_cut_newest_first() {
    let acr = Acr::start().await;
    let mut ids = Vec::new();
    for step in ["local/echo:1 a", "local/exit3:1", "local/echo:1 b"] {
        let run = acr.schedule(encoded(&format!("steps:\n  - cmd: {step}\n"))).await;
        let id = run["properties"]["runId"].as_str().unwrap().to_owned();
        acr.wait_for(&id, &["Succeeded", "Failed"]).await;
        ids.push(id);
    }
    let listed = acr.call(Method::GET, "/runs", API, None).await;
    let names: Vec<&str> = listed.json["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|run| run["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, [ids[2].as_str(), ids[1].as_str(), ids[0].as_str()]);
    let top = acr.call(Method::GET, "/runs", &format!("{API}&$top=1"), None).await;
    assert_eq!(top.json["value"].as_array().unwrap().len(), 1);
    assert_eq!(top.json["value"][0]["name"], ids[2].as_str());
    let filter = |f: &str| format!("{API}&$filter={}", f.replace(' ', "%20").replace('\'', "%27"));
    let failed = acr
        .call(
            Method::GET,
            "/runs",
            &filter("Status eq 'Failed' and RunType eq 'QuickRun'"),
            None,
        )
        .await;
    assert_eq!(failed.json["value"].as_array().unwrap().len(), 1, "{}", failed.text);
    assert_eq!(failed.json["value"][0]["name"], ids[1].as_str());
    let by_id = acr
        .call(
            Method::GET,
            "/runs",
            &filter(&format!("RunId eq '{}' or RunId eq '{}'", ids[0], ids[2])),
            None,
        )
        .await;
    assert_eq!(by_id.json["value"].as_array().unwrap().len(), 2);
    let since = acr
        .call(
            Method::GET,
            "/runs",
            &filter("CreateTime ge 2000-01-01T00:00:00Z"),
            None,
        )
        .await;
    assert_eq!(since.json["value"].as_array().unwrap().len(), 3);
    let bad = acr.call(Method::GET, "/runs", &filter("Colour eq 'red'"), None).await;
    assert_eq!((bad.status, bad.arm_code()), (400, "InvalidFilterInQueryString"));
    let patched = acr
        .call(
            Method::PATCH,
            &format!("/runs/{}", ids[0]),
            API,
            Some(json!({ "isArchiveEnabled": true })),
        )
        .await;
    assert_eq!(patched.json["properties"]["isArchiveEnabled"], true, "{}", patched.text);
}

#[tokio::test]
async fn scripted_runs_fail_at_their_step_and_the_legacy_version_keeps_its_shapes() {
    let acr = Acr::start().await;
    acr.h
        .emulator
        .control()
        .script_acr_runs(AcrRunScript {
            registry: Some(REGISTRY.to_uppercase()),
            fail_at_step: Some(2),
            message: Some("RUN apk add curl: network unreachable".into()),
            runs: Some(1),
            ..AcrRunScript::default()
        })
        .expect("scripted");
    let source = acr.upload(&[("Dockerfile", DOCKERFILE)]).await;
    let reply = acr
        .call(
            Method::POST,
            "/scheduleRun",
            API_2019,
            Some(docker_build(&source, "Dockerfile")),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let id = reply.json["properties"]["runId"].as_str().unwrap().to_owned();
    let done = acr.wait_for(&id, &["Succeeded", "Failed"]).await;
    assert_eq!(
        done["properties"]["runErrorMessage"],
        "RUN apk add curl: network unreachable"
    );
    let (log, _, _) = acr.log(&id).await;
    assert!(log.contains("Step 2/3") && !log.contains("Step 3/3"), "{log}");
    // The script's one run is spent.
    let next = acr.schedule(docker_build(&source, "Dockerfile")).await;
    let next_id = next["properties"]["runId"].as_str().unwrap().to_owned();
    assert_eq!(
        acr.wait_for(&next_id, &["Succeeded", "Failed"]).await["properties"]["status"],
        "Succeeded"
    );
    // A legacy cancel is a long-running operation: 200, or 202 with its URLs.
    let cancel = acr
        .call(Method::POST, &format!("/runs/{id}/cancel"), API_2019, None)
        .await;
    assert!(cancel.status == 200 || (cancel.status == 202 && cancel.header("azure-asyncoperation").is_some()));
}

#[tokio::test]
async fn bad_requests_are_refused_with_the_input_named() {
    let acr = Acr::start().await;
    let mut on_unknown_pool = encoded("steps:\n  - cmd: local/echo:1\n");
    on_unknown_pool["agentPoolName"] = json!("nopool");
    let reply = acr.call(Method::POST, "/scheduleRun", API, Some(on_unknown_pool)).await;
    assert_eq!(
        (reply.status, reply.arm_code()),
        (400, "AgentPoolNotFound"),
        "{}",
        reply.text
    );
    assert!(reply.text.contains("'nopool'"));
    let no_source =
        json!({ "type": "DockerBuildRequest", "dockerFilePath": "Dockerfile", "platform": { "os": "Linux" } });
    let reply = acr.call(Method::POST, "/scheduleRun", API, Some(no_source)).await;
    assert_eq!(reply.status, 400);
    assert!(reply.text.contains("sourceLocation"), "{}", reply.text);
    let foreign = docker_build("https://example.com/context.tar.gz?sig=secret", "Dockerfile");
    let reply = acr.call(Method::POST, "/scheduleRun", API, Some(foreign)).await;
    assert_eq!(reply.status, 400);
    assert!(reply.text.contains("https://example.com/context.tar.gz'") && !reply.text.contains("secret"));
    let unknown_task = json!({ "type": "TaskRunRequest", "taskId": "notask" });
    let reply = acr.call(Method::POST, "/scheduleRun", API, Some(unknown_task)).await;
    assert_eq!(reply.status, 404, "{}", reply.text);
    let missing_run = acr.call(Method::GET, "/runs/zz9", API, None).await;
    assert_eq!(missing_run.status, 404);
}
