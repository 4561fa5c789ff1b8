//! Runs on a pool: a build that succeeds (log streamed, digest in the pipeline variables, a
//! secret never shown), a build that fails, a quick run of a mapped image, a task with a pool
//! and its run, and the refusal of a pool on a task that has one.

use super::world::{REGISTRY, World, variable};
use az_emulator::AcrRunScript;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_build_streams_its_log_and_prints_its_digest() {
    let w = World::start(50).await;
    w.pool("builders", "S1", 1).await;
    let context = w.context(Some("FROM alpine\nARG TOKEN\nRUN echo built\n"));
    let args = [
        "build",
        "-r",
        REGISTRY,
        "--agent-pool",
        "builders",
        "-t",
        "team/app:v1",
        "--build-arg",
        "VERSION=1.2",
        "--secret-build-arg",
        "TOKEN",
        &context.display().to_string(),
    ];
    let ran = w.run_with(&args, &[("TOKEN", "s3cret-build-token")]).await;
    assert_eq!(ran.code, Some(0), "{ran:?}");
    assert!(ran.stdout.contains("RUN echo built"), "the log: {}", ran.stdout);
    assert!(ran.stdout.contains(": Succeeded"), "{}", ran.stdout);
    let digest = ran
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix(&variable("acrImageDigest")))
        .expect(&ran.stdout);
    assert!(digest.starts_with("sha256:"), "{digest}");
    assert!(ran.stdout.contains(&variable("acrRunId")), "{}", ran.stdout);
    assert!(ran.stdout.contains(&format!("team/app:v1@{digest}")), "{}", ran.stdout);
    let outputs = std::fs::read_to_string(w.github_output()).unwrap();
    assert!(outputs.contains(&format!("acrImageDigest={digest}\n")), "{outputs}");
    for text in [&ran.stdout, &ran.stderr] {
        assert!(!text.contains("s3cret-build-token"), "{text}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_build_exits_1_and_a_missing_dockerfile_2() {
    let w = World::start(20).await;
    w.pool("builders", "S1", 1).await;
    // No Dockerfile: refused before the upload, as `az acr build` refuses it.
    let mark = w.journal_mark();
    let empty = w.context(None).display().to_string();
    let ran = w
        .run(&[
            "build",
            "-r",
            REGISTRY,
            "--agent-pool",
            "builders",
            "-t",
            "app:v1",
            &empty,
        ])
        .await;
    assert_eq!(ran.code, Some(2), "{ran:?}");
    assert!(ran.stderr.contains("--file: unable to find"), "{}", ran.stderr);
    w.assert_no_write_since(mark, "no Dockerfile");

    // A step that fails on the pool.
    w.control
        .script_acr_runs(AcrRunScript {
            fail_at_step: Some(2),
            message: Some("RUN make: exit status 2".to_owned()),
            ..AcrRunScript::default()
        })
        .unwrap();
    let context = w.context(Some("FROM alpine\nRUN make\n")).display().to_string();
    let ran = w
        .run(&[
            "build",
            "-r",
            REGISTRY,
            "--agent-pool",
            "builders",
            "-t",
            "app:v2",
            &context,
        ])
        .await;
    assert_eq!(ran.code, Some(1), "{ran:?}");
    assert!(ran.stdout.contains(": Failed"), "{}", ran.stdout);
    assert!(ran.stdout.contains("exit status 2"), "{}", ran.stdout);
    assert!(
        ran.stdout.contains(&format!("{}Failed", variable("acrRunStatus"))),
        "{}",
        ran.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quick_run_runs_the_mapped_image() {
    let w = World::start(20).await;
    w.pool("runners", "S1", 1).await;
    let ran = w
        .run(&[
            "run",
            "-r",
            REGISTRY,
            "--agent-pool",
            "runners",
            "--cmd",
            "local/echo:1 quick",
            "/dev/null",
        ])
        .await;
    assert_eq!(ran.code, Some(0), "{ran:?}");
    assert!(ran.stdout.contains("hello from quick"), "{}", ran.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_with_a_pool_runs_on_it_and_refuses_another() {
    let w = World::start(20).await;
    w.pool("runners", "S1", 1).await;
    w.task("pooltask", "task", Some("runners")).await;
    let ran = w.run(&["task-run", "-r", REGISTRY, "-n", "pooltask"]).await;
    assert_eq!(ran.code, Some(0), "{ran:?}");
    assert!(ran.stdout.contains("hello from task"), "{}", ran.stdout);

    // The task has a pool: naming one is refused before scheduling.
    let mark = w.journal_mark();
    let ran = w
        .run(&["task-run", "-r", REGISTRY, "-n", "pooltask", "--agent-pool", "runners"])
        .await;
    assert_eq!(ran.code, Some(2), "{ran:?}");
    assert!(ran.stderr.contains("pooltask"), "{}", ran.stderr);
    w.assert_no_write_since(mark, "a pool on a task with one");
}
