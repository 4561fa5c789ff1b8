//! Runs through the library on the emulator: a build of a small context (Dockerfile, files,
//! `.dockerignore`) that succeeds with its log streamed and its image digest; a missing
//! Dockerfile refused before any write and a Dockerfile without instructions `Failed` with the
//! reason; a quick `--cmd` run of a mapped image with its output in the log; a task with a pool
//! and its run, and the refusal of a pool on it; a run on a pool of 0 refused; the cancel of a
//! held run, waited for until it is `Canceled`.

mod e2e_support;

use acr_agentpool::flow::{BuildRequest, FlowEvent, QuickRunRequest, QuickRunTask, RunEnd, TaskRunFlowRequest};
use acr_agentpool::model::RunStatus;
use acr_agentpool::{DEFAULT_API_VERSION, Error, LEGACY_API_VERSION};
use az_emulator::AcrRunScript;
use e2e_support::{REGISTRY, World};
use std::path::PathBuf;

fn build(w: &World, pool: &str, context: PathBuf) -> BuildRequest {
    BuildRequest {
        registry: w.registry(REGISTRY),
        agent_pool: pool.to_owned(),
        images: vec!["team/app:v1".to_owned()],
        file: None,
        build_args: vec![("VERSION".to_owned(), "1.2".to_owned())],
        secret_build_args: Vec::new(),
        platform: None,
        timeout: None,
        no_push: false,
        no_logs: false,
        context,
    }
}

fn quick_run(w: &World, pool: &str, command: &str) -> QuickRunRequest {
    QuickRunRequest {
        registry: w.registry(REGISTRY),
        agent_pool: pool.to_owned(),
        task: QuickRunTask::Cmd(command.to_owned()),
        platform: None,
        timeout: None,
        no_logs: false,
    }
}

/// Pool `name` (S1, `count` instances) of [`REGISTRY`], created through the flow.
async fn pool(w: &World, name: &str, count: i64) {
    let request = acr_agentpool::flow::CreatePoolRequest {
        registry: w.registry(REGISTRY),
        name: name.to_owned(),
        tier: "S1".to_owned(),
        count,
        os: "Linux".to_owned(),
        subnet_id: None,
        tags: Default::default(),
        skip_preflight: false,
    };
    w.flow(DEFAULT_API_VERSION)
        .create_pool(&request, |_| {}, |_| {})
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_build_streams_its_steps_and_ends_with_its_digest_with_both_api_versions() {
    let w = World::start(20).await;
    pool(&w, "builders", 1).await;
    for api_version in [DEFAULT_API_VERSION, LEGACY_API_VERSION] {
        let context = w.context(Some("FROM alpine\nARG VERSION\nCOPY app.txt /app/\nRUN echo built\n"));
        let mut lines = Vec::new();
        let mut events = Vec::new();
        let outcome = w
            .flow(api_version)
            .build(
                &build(&w, "builders", context),
                std::future::pending(),
                |line| lines.push(line.to_owned()),
                |e| events.push(e),
            )
            .await
            .unwrap();
        assert!(outcome.succeeded(), "{api_version}: {outcome:?}\n{lines:#?}");
        assert!(
            lines.iter().any(|l| l.starts_with("Step 1/4 : FROM alpine")),
            "{lines:#?}"
        );
        assert!(
            lines.iter().any(|l| l.starts_with("Step 4/4 : RUN echo built")),
            "{lines:#?}"
        );
        let image = outcome.output_images.first().expect("an output image");
        assert_eq!(
            (image.repository.as_str(), image.tag.as_deref()),
            ("team/app", Some("v1"))
        );
        assert!(
            image.digest.as_deref().is_some_and(|d| d.starts_with("sha256:")),
            "{image:?}"
        );
        assert!(
            events
                .iter()
                .any(|e| matches!(e, FlowEvent::Uploaded { bytes, .. } if *bytes > 0))
        );
        assert!(
            events
                .iter()
                .any(|e| matches!(e, FlowEvent::Scheduled { run_id } if *run_id == outcome.run_id))
        );
    }
    w.emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_dockerfile_is_refused_and_an_empty_one_fails_the_run_with_the_reason() {
    let w = World::start(0).await;
    pool(&w, "builders", 1).await;
    let flow = w.flow(DEFAULT_API_VERSION);
    let mark = w.journal_mark();
    let error = flow
        .build(
            &build(&w, "builders", w.context(None)),
            std::future::pending(),
            |_| {},
            |_| {},
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::InvalidInput { field, .. } if field == "--file"),
        "{error}"
    );
    assert_eq!(w.writes_since(mark), Vec::<String>::new(), "no Dockerfile");

    let context = w.context(Some("# only a comment\n"));
    let mut lines = Vec::new();
    let outcome = flow
        .build(
            &build(&w, "builders", context),
            std::future::pending(),
            |l| lines.push(l.to_owned()),
            |_| {},
        )
        .await
        .unwrap();
    assert_eq!(outcome.end, RunEnd::Finished(RunStatus::Failed), "{outcome:?}");
    let reason = outcome.error_message.as_deref().unwrap_or_default();
    assert!(reason.contains("no instructions"), "{reason}");
    assert!(outcome.output_images.is_empty());
    // A scripted failure at a step: the step's message is the reason, and in the log.
    w.control
        .script_acr_runs(AcrRunScript {
            fail_at_step: Some(2),
            message: Some("RUN make: exit status 2".to_owned()),
            runs: Some(1),
            ..AcrRunScript::default()
        })
        .unwrap();
    let mut lines = Vec::new();
    let outcome = flow
        .build(
            &build(&w, "builders", w.context(Some("FROM alpine\nRUN make\n"))),
            std::future::pending(),
            |l| lines.push(l.to_owned()),
            |_| {},
        )
        .await
        .unwrap();
    assert_eq!(outcome.end, RunEnd::Finished(RunStatus::Failed), "{outcome:?}");
    assert!(
        outcome
            .error_message
            .as_deref()
            .unwrap_or_default()
            .contains("exit status 2"),
        "{outcome:?}"
    );
    assert!(lines.iter().any(|l| l.contains("exit status 2")), "{lines:#?}");
    w.emulator.shutdown().await;
}

/// `az acr run --cmd` sends the CLI's template (`cmd: {{ .Values.command }}`) and the command
/// in `encodedValuesContent`, which ACR renders before running the step.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quick_run_of_a_mapped_image_shows_its_output() {
    let w = World::start(0).await;
    pool(&w, "runners", 1).await;
    let mut lines = Vec::new();
    let outcome = w
        .flow(DEFAULT_API_VERSION)
        .quick_run(
            &quick_run(&w, "runners", "local/echo:1 quick"),
            std::future::pending(),
            |l| lines.push(l.to_owned()),
            |_| {},
        )
        .await
        .unwrap();
    assert!(outcome.succeeded(), "{outcome:?}\n{lines:#?}");
    assert!(lines.iter().any(|l| l.contains("hello from quick")), "{lines:#?}");
    w.emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_with_a_pool_runs_on_it_and_naming_a_pool_is_refused() {
    let w = World::start(0).await;
    pool(&w, "runners", 1).await;
    let flow = w.flow(DEFAULT_API_VERSION);
    w.task("pooltask", "task", Some("runners")).await;
    let request = TaskRunFlowRequest {
        registry: w.registry(REGISTRY),
        task: "pooltask".to_owned(),
        agent_pool: None,
        no_logs: false,
    };
    let mut lines = Vec::new();
    let outcome = flow
        .task_run(&request, std::future::pending(), |l| lines.push(l.to_owned()), |_| {})
        .await
        .unwrap();
    assert!(outcome.succeeded(), "{outcome:?}\n{lines:#?}");
    assert!(lines.iter().any(|l| l.contains("hello from task")), "{lines:#?}");
    let run = outcome.run.as_ref().unwrap().properties.as_ref().unwrap();
    assert_eq!(run.agent_pool_name.as_deref(), Some("runners"));

    // The task has a pool: naming one is refused before scheduling.
    let mark = w.journal_mark();
    let naming = TaskRunFlowRequest {
        agent_pool: Some("runners".to_owned()),
        ..request
    };
    let error = flow
        .task_run(&naming, std::future::pending(), |_| {}, |_| {})
        .await
        .unwrap_err();
    assert!(matches!(&error, Error::Refused { .. }), "{error}");
    assert!(error.to_string().contains("pooltask"), "{error}");
    assert_eq!(w.writes_since(mark), Vec::<String>::new(), "a pool on a task with one");
    w.emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_on_a_pool_of_0_is_refused_before_scheduling() {
    let w = World::start(0).await;
    pool(&w, "idle", 0).await;
    let mark = w.journal_mark();
    let error = w
        .flow(DEFAULT_API_VERSION)
        .quick_run(
            &quick_run(&w, "idle", "local/echo:1 never"),
            std::future::pending(),
            |_| {},
            |_| {},
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Refused { check, .. } if check == "scale"),
        "{error}"
    );
    assert!(error.to_string().contains("idle"), "{error}");
    assert_eq!(w.writes_since(mark), Vec::<String>::new(), "a run on a pool of 0");
    assert!(w.runs().await.is_empty());
    w.emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_held_run_canceled_during_its_log_ends_canceled_with_both_api_versions() {
    let w = World::start(20).await;
    pool(&w, "runners", 1).await;
    w.control
        .script_acr_runs(AcrRunScript {
            registry: Some(REGISTRY.to_owned()),
            hold: true,
            ..AcrRunScript::default()
        })
        .unwrap();
    for api_version in [DEFAULT_API_VERSION, LEGACY_API_VERSION] {
        let mark = w.journal_mark();
        // The cancel input fires with the first line of the log.
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let mut tx = Some(tx);
        let mut lines = Vec::new();
        let outcome = w
            .flow(api_version)
            .build(
                &build(&w, "runners", w.context(Some("FROM alpine\nRUN sleep 1000\n"))),
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
        assert_eq!(outcome.end, RunEnd::Canceled, "{api_version}: {outcome:?}");
        assert!(outcome.error.is_none(), "{api_version}: {outcome:?}");
        assert_eq!(
            outcome.run.as_ref().and_then(|r| r.status()),
            Some(&RunStatus::Canceled),
            "{api_version}"
        );
        assert_eq!(outcome.status_text(), "Canceled");
        assert!(!lines.is_empty());
        let cancels = w
            .control
            .journal()
            .iter()
            .filter(|e| e.seq > mark && e.method == "POST" && e.path.ends_with("/cancel"))
            .count();
        assert_eq!(cancels, 1, "{api_version}");
    }
    w.emulator.shutdown().await;
}
