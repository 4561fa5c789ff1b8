//! The stop budget: from the first SIGTERM to exit, at most `AZP_STOP_TIMEOUT`, the job's grace
//! period and the cleanup included; unregistration and self-deletion run concurrently; a second
//! signal goes straight to the cleanup.

use super::{Entrypoint, World, latency_rule, wait_until};
use az_emulator::{JobSpec, ListenerKind, TaskResult};
use std::time::{Duration, Instant};

/// A job that ignores SIGINT (it must be killed at the end of its grace period), an agent and
/// a container group whose deletions each take `latency_ms`; the entrypoint is stopped with one
/// or two SIGTERMs. Returns the time from the first SIGTERM to exit, and the output.
async fn stop_with(label: &str, latency_ms: u64, signals: u32) -> (Duration, String) {
    let world = World::start(label).await;
    world.lay_out_agent();
    let group = format!("agent-{label}");
    let groups = world.container_group(&group).await;
    let started = world.dir.join("job-started");
    let job = world.queue_job(JobSpec::new(format!("touch {started:?}; sleep 60")).ignoring_sigint());
    let info = world.emulator.info().clone();
    let mut env = world.env(&format!("e2e-{label}"));
    for (name, value) in [
        ("AZP_STOP_TIMEOUT", "8s"),
        ("AZ_ACI_NAME", group.as_str()),
        ("AZ_ACI_RG", info.defaults.resource_group.as_str()),
        ("AZ_SUBSCRIPTION_ID", info.defaults.subscription_id.as_str()),
        ("AZ_TENANT_ID", info.defaults.tenant_id.as_str()),
        ("AZ_SERVICE_PRINCIPAL", info.defaults.client_id.as_str()),
        ("AZ_SERVICE_PRINCIPAL_KEY", info.defaults.client_secret.as_str()),
    ] {
        env.insert(name.to_owned(), value.to_owned());
    }
    env.remove("AZP_GRACE_PERIOD");
    let entrypoint = Entrypoint::start(&env);
    wait_until("the job to start", || started.exists()).await;
    world.set_faults(vec![
        latency_rule(ListenerKind::Devops, "DELETE", "/agents/", latency_ms),
        latency_rule(ListenerKind::Arm, "DELETE", "/containerGroups/", latency_ms),
    ]);
    let signalled = Instant::now();
    entrypoint.terminate();
    for _ in 1..signals {
        tokio::time::sleep(Duration::from_millis(300)).await;
        entrypoint.terminate();
    }
    let (code, output) = entrypoint.exit_code().await;
    let elapsed = signalled.elapsed();
    assert_eq!(code, 143, "{label}: {output}");
    assert_ne!(world.job_result(job), Some(TaskResult::Succeeded), "{label}: {output}");
    world.set_faults(Vec::new());
    super::assert_group_gone(&world, &groups, &group).await;
    world.assert_clean().await;
    (elapsed, output)
}

/// `AZP_STOP_TIMEOUT=8s`: the job gets 4 s (the cleanup keeps half of so short a budget), the
/// two deletions take 2.5 s each: only concurrently do they fit in what is left.
pub(super) async fn the_stop_fits_in_its_budget() {
    let (elapsed, output) = stop_with("budget", 2500, 1).await;
    assert!(
        elapsed >= Duration::from_secs(4),
        "the job's grace was cut short: {elapsed:?}"
    );
    assert!(elapsed < Duration::from_secs(8), "the stop took {elapsed:?}: {output}");

    // A second SIGTERM skips the rest of the grace period.
    let (elapsed, output) = stop_with("second", 1000, 2).await;
    assert!(elapsed < Duration::from_secs(3), "the stop took {elapsed:?}: {output}");
    assert!(output.contains("second stop request"), "{output}");
}
