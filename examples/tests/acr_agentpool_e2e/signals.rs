//! SIGTERM during a build: the run is canceled, exit 143.

use super::world::{API, REGISTRY, World};
use az_emulator::AcrRunScript;
use nix::sys::signal::Signal;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_during_a_build_cancels_the_run() {
    let w = World::start(20).await;
    w.pool("builders", "S1", 1).await;
    w.control
        .script_acr_runs(AcrRunScript {
            hold: true,
            ..AcrRunScript::default()
        })
        .unwrap();
    let context = w.context(Some("FROM alpine\nRUN sleep 600\n")).display().to_string();
    let running = w.spawn(&[
        "build",
        "-r",
        REGISTRY,
        "--agent-pool",
        "builders",
        "-t",
        "app:v1",
        &context,
    ]);
    running.wait_for(" scheduled").await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let (code, stdout, stderr) = running.stop(Signal::SIGTERM).await;
    assert_eq!(code, Some(143), "{stdout}\n{stderr}");
    assert!(stdout.contains("SIGTERM received: canceling the run"), "{stdout}");
    let run_id = stdout
        .lines()
        .find_map(|l| l.strip_prefix("##vso[task.setvariable variable=acrRunId]"))
        .expect(&stdout)
        .to_owned();
    let path = format!("{}/runs/{run_id}", w.registry_id(REGISTRY));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let run = w.get(&path, API).await.expect("the run");
        if run["properties"]["status"] == "Canceled" {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{run}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}
