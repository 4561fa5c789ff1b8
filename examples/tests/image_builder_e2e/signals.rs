//! SIGTERM and SIGINT at each step of a build: the step stops, a run is canceled, cleanup runs
//! as the policy says; exit 143 or 130.

use super::strs;
use super::world::World;
use az_emulator::ListenerKind;
use nix::sys::signal::Signal;

/// Starts a build (`--cleanup always`), waits for `text`, sends `signal`; checks the exit code
/// and that nothing is left.
async fn stop_at(w: &World, text: &str, signal: Signal, code: i32) -> String {
    let package = w.package(100_000);
    let mut args = w.build_args(&package);
    args.extend(["--distribute", "vhd", "--cleanup", "always"].map(String::from));
    let running = w.spawn(&strs(&args));
    running.wait_for(text).await;
    let (status, stdout, stderr) = running.stop(signal).await;
    w.control.clear_faults();
    assert_eq!(status, Some(code), "{stdout}\n{stderr}");
    let at = stdout.find("building t_").expect(&stdout);
    let name = stdout[at + "building ".len()..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();
    w.assert_nothing_left(&name).await;
    stdout
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_during_upload_create_and_run_cancels_and_leaves_nothing() {
    let w = World::start(1000).await;

    w.latency(ListenerKind::Blob, "PUT", "/imagebuilder/", 3000);
    let stdout = stop_at(&w, "uploading ", Signal::SIGTERM, 143).await;
    assert!(!stdout.contains("creating template"), "{stdout}");

    w.latency(ListenerKind::Arm, "PUT", "/imageTemplates/", 3000);
    let stdout = stop_at(&w, "creating template", Signal::SIGTERM, 143).await;
    assert!(!stdout.contains("running template"), "{stdout}");

    let stdout = stop_at(&w, "run: Running", Signal::SIGTERM, 143).await;
    assert!(stdout.contains("canceling the run"), "{stdout}");
    assert!(
        stdout.contains("run: Canceled") || stdout.contains("deleted"),
        "{stdout}"
    );

    let stdout = stop_at(&w, "run: Running", Signal::SIGINT, 130).await;
    assert!(stdout.contains("SIGINT received"), "{stdout}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_during_distribute_cancels_and_leaves_nothing() {
    // Phases of 2.5 s, read every second: the Distributing phase is seen.
    let w = World::start(2500).await;
    let stdout = stop_at(&w, "run: Running Distributing", Signal::SIGTERM, 143).await;
    assert!(stdout.contains("canceling the run"), "{stdout}");
    assert!(!stdout.contains("run: Succeeded"), "{stdout}");
    assert!(!stdout.contains("##vso[task.setvariable"), "{stdout}");
}
