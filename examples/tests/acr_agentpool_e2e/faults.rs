//! The fault matrix through the real binary: about 30% of ARM and Blob requests answered 429,
//! 500 or 503, or their connection dropped (Entra stays fault-free); a build ends as it does
//! without faults, with the same pipeline variables but for the run id.

use super::world::{REGISTRY, World};
use az_emulator::{FaultConfig, FaultRule, ListenerKind};

fn faults() -> FaultConfig {
    let rule = |listener, seed| FaultRule {
        listener: Some(listener),
        rate_429: 0.075,
        rate_500: 0.075,
        rate_503: 0.075,
        rate_drop: 0.075,
        retry_after_secs: Some(0),
        seed: Some(seed),
        ..FaultRule::default()
    };
    FaultConfig {
        seed: Some(15),
        retry_after_secs: 0,
        routes: vec![rule(ListenerKind::Arm, 1), rule(ListenerKind::Blob, 2)],
        ..FaultConfig::default()
    }
}

/// The pipeline variables: each name, and the values that do not change from run to run (the
/// status; not the run id, and not the digest, which covers the context archive and its
/// Dockerfile's generated name).
fn variables(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter_map(|l| l.strip_prefix("##vso[task.setvariable variable="))
        .map(|l| match l.split_once(']') {
            Some((name @ "acrRunStatus", value)) => format!("{name}={value}"),
            Some((name, _)) => name.to_owned(),
            None => l.to_owned(),
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_build_through_30_percent_faults_ends_as_without() {
    let w = World::start(20).await;
    w.pool("builders", "S1", 1).await;
    let context = w.context(Some("FROM alpine\nRUN echo built\n")).display().to_string();
    let args = [
        "build",
        "-r",
        REGISTRY,
        "--agent-pool",
        "builders",
        "-t",
        "app:v1",
        &context,
    ];
    let calm = w.run(&args).await;
    assert_eq!(calm.code, Some(0), "{calm:?}");

    let mark = w.journal_mark();
    w.control.set_faults(&faults()).unwrap();
    let ran = w.run(&args).await;
    w.control.clear_faults();
    assert_eq!(ran.code, Some(0), "{ran:?}");
    assert_eq!(variables(&ran.stdout), variables(&calm.stdout), "{}", ran.stdout);
    let journal = w.journal_since(mark);
    for listener in [ListenerKind::Arm, ListenerKind::Blob] {
        assert!(
            journal.iter().any(|e| e.listener == listener && e.fault.is_some()),
            "no fault on {listener:?}"
        );
    }
    let scheduled = journal
        .iter()
        .filter(|e| e.path.ends_with("/scheduleRun") && e.status == Some(200))
        .count();
    assert_eq!(scheduled, 1, "one run scheduled");
}
