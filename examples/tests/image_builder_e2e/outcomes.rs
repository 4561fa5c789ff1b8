//! The exit codes of outcomes other than success and failure, through the real binary: 124 (the
//! run outlives `--max-wait`), 3 (one of two distribution targets fails), 4 (cleanup cannot
//! delete the template); and `logs` after a run that succeeded (its log found in the staging
//! account, since Azure names none then).

use super::strs;
use super::world::{Announced, RG, World};
use az_emulator::{FaultConfig, FaultRule, ListenerKind};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_that_outlives_max_wait_is_canceled_cleaned_up_and_exits_124() {
    let w = World::start(3000).await;
    let package = w.package(1_000);
    let mut args = w.build_args(&package);
    args.extend(["--distribute", "vhd", "--cleanup", "always", "--max-wait", "4s"].map(String::from));
    let ran = w.run(&strs(&args)).await;
    assert_eq!(ran.code, Some(124), "{ran:?}");
    assert!(ran.stdout.contains("(timed out)"), "{}", ran.stdout);
    assert!(!ran.stdout.contains("run: Succeeded"), "{}", ran.stdout);
    assert!(!ran.stdout.contains("##vso[task.setvariable"), "{}", ran.stdout);
    w.assert_nothing_left(&ran.template()).await;

    // A bad duration is bad input.
    let mut args = w.build_args(&package);
    args.extend(["--distribute", "vhd", "--max-wait", "soon"].map(String::from));
    let ran = w.run(&strs(&args)).await;
    assert_eq!(ran.code, Some(2), "{ran:?}");
    assert!(ran.stderr.contains("--max-wait"), "{ran:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_failed_target_of_two_is_a_partial_success_naming_it_and_exits_3() {
    let w = World::start(300).await;
    // The gallery exists, its image definition does not: Image Builder fails that target only.
    let definition = w.gallery_image("gallery1", "app").await;
    let missing = definition.replace("/images/app", "/images/missing");
    let template = json!({
        "location": w.location,
        "identity": { "type": "UserAssigned", "userAssignedIdentities": { w.identity.clone(): {} } },
        "properties": {
            "source": { "type": "PlatformImage", "publisher": "Canonical", "offer": "ubuntu-24_04-lts", "sku": "server", "version": "latest" },
            "customize": [{ "type": "Shell", "name": "hello", "inline": ["echo hello"] }],
            "distribute": [
                { "type": "VHD", "runOutputName": "disk" },
                { "type": "SharedImage", "runOutputName": "shared", "galleryImageId": missing, "targetRegions": [{ "name": w.location }] }
            ]
        }
    });
    let file = w.dir.join("two-targets.json");
    std::fs::write(&file, template.to_string()).unwrap();
    let file = file.display().to_string();
    let ran = w
        .run(&[
            "build",
            "--template-file",
            &file,
            "--resource-group",
            RG,
            "--cleanup",
            "always",
        ])
        .await;
    assert_eq!(ran.code, Some(3), "{ran:?}");
    let line = ran
        .stdout
        .lines()
        .find(|l| l.starts_with("##[error]the build partially succeeded"))
        .unwrap_or_else(|| panic!("{}", ran.stdout));
    assert!(line.contains("shared (SharedImage)"), "{line}");
    assert!(!line.contains("disk"), "{line}");
    let uri = ran
        .stdout
        .lines()
        .find(|l| l.starts_with("##vso[task.setvariable variable=imageUri]"))
        .unwrap_or_else(|| panic!("{}", ran.stdout));
    assert!(uri.contains(".vhd"), "{uri}");
    w.assert_nothing_left(&ran.template()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_template_that_cannot_be_deleted_is_named_and_exits_4() {
    let w = World::start(300).await;
    let faults = FaultConfig {
        routes: vec![FaultRule {
            listener: Some(ListenerKind::Arm),
            method: Some("DELETE".to_owned()),
            path_contains: Some("/imageTemplates/".to_owned()),
            rate_500: 1.0,
            ..FaultRule::default()
        }],
        ..FaultConfig::default()
    };
    w.control.set_faults(&faults).unwrap();
    let package = w.package(1_000);
    let mut args = w.build_args(&package);
    args.extend(["--distribute", "vhd"].map(String::from));
    let ran = w.run(&strs(&args)).await;
    w.control.clear_faults();
    assert_eq!(ran.code, Some(4), "{ran:?}");
    let name = ran.template();
    let left = format!("##[error]left behind: {}: ", w.template_path(&name));
    assert!(ran.stdout.lines().any(|l| l.starts_with(&left)), "{}", ran.stdout);
    // The build itself succeeded: its variables are printed, the package blob is deleted.
    assert!(
        ran.stdout.contains("##vso[task.setvariable variable=imageUri]"),
        "{}",
        ran.stdout
    );
    assert!(!w.package_left(&name).await, "the package blob is deleted");
    assert!(w.template(&name).await.is_some(), "the template is really left");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_of_a_succeeded_run_come_from_the_staging_account() {
    let w = World::start(300).await;
    let package = w.package(1_000);
    let mut args = w.build_args(&package);
    args.extend(["--distribute", "vhd", "--cleanup", "never"].map(String::from));
    let ran = w.run(&strs(&args)).await;
    assert_eq!(ran.code, Some(0), "{ran:?}");
    let name = ran.template();
    let template = w.template(&name).await.expect("the template is kept");
    assert_eq!(template["properties"]["lastRunStatus"]["runState"], "Succeeded");

    let logs = w.run(&["logs", "--resource-group", RG, "--name", &name]).await;
    assert_eq!(logs.code, Some(0), "{logs:?}");
    assert!(
        logs.stdout.contains("(telemetry) Starting provisioner shell"),
        "{}",
        logs.stdout
    );
    assert!(
        logs.stdout.contains("Provisioning with shell script: inline script"),
        "{}",
        logs.stdout
    );

    // A second run writes a newer log (a second later: Last-Modified counts seconds); `logs`
    // shows that one.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    w.start_run(&name).await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while w.run_state(&name).await.as_deref() != Some("Succeeded") {
        assert!(std::time::Instant::now() < deadline, "the second run did not end");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let again = w.run(&["logs", "--resource-group", RG, "--name", &name]).await;
    assert_eq!(again.code, Some(0), "{again:?}");
    assert_ne!(again.stdout, logs.stdout, "the newest log is the second run's");
}
