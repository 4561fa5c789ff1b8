//! `BuildFlow::run` end to end on the az-emulator: artifacts packed and uploaded, a throw-away
//! template `t_<13 digits>` created and run through its phases, the outputs read, and cleanup as
//! the policy says; a scripted failure with its `customization.log`; a cancel while the build
//! customizes; user-delegation SAS access against identity access.

mod e2e_support;

use az_emulator::ImageBuildScript;
use e2e_support::{LATEST, RG, World, is_task_name};
use image_builder::artifacts::ArchiveFormat;
use image_builder::diagnostics::{failing_provisioner, fetch_log};
use image_builder::flow::{BuildEvent, BuildOutcome, BuildRequest, BuildStatus, CleanupPolicy};
use image_builder::model::{
    ManagedImageDistributor, PowerShellScript, RunSubState, SharedImageDistributor, TargetRegion, VhdDistributor,
};
use image_builder::task_variables;
use std::collections::BTreeSet;

/// Runs `request` with no cancellation; returns the outcome and the events seen.
async fn build(world: &World, request: BuildRequest) -> (BuildOutcome, Vec<BuildEvent>) {
    let mut events = Vec::new();
    let outcome = world
        .flow
        .run(request, std::future::pending(), |event| events.push(event))
        .await;
    (outcome, events)
}

/// The checks every successful build shares: the status, the task's variables, the phases
/// seen, and cleanup (template, staging group and artifact blob gone; nothing else in the group).
async fn assert_succeeded_and_clean(world: &World, outcome: &BuildOutcome, events: &[BuildEvent], source: [&str; 3]) {
    assert_eq!(outcome.status, BuildStatus::Succeeded, "{outcome:?}");
    assert!(outcome.error.is_none(), "{outcome:?}");
    assert!(is_task_name(&outcome.template_name), "{}", outcome.template_name);
    assert!(
        outcome.template_id.ends_with(&format!(
            "/providers/Microsoft.VirtualMachineImages/imageTemplates/{}",
            outcome.template_name
        )),
        "{}",
        outcome.template_id
    );
    let variables: Vec<(&str, String)> = outcome.variables();
    let expected = [
        (task_variables::TEMPLATE_NAME, outcome.template_name.clone()),
        (task_variables::TEMPLATE_ID, outcome.template_id.clone()),
        (task_variables::PIR_PUBLISHER, source[0].to_owned()),
        (task_variables::PIR_OFFER, source[1].to_owned()),
        (task_variables::PIR_SKU, source[2].to_owned()),
        (task_variables::PIR_VERSION, LATEST.to_owned()),
    ];
    for pair in expected {
        assert!(variables.contains(&pair), "{pair:?} in {variables:?}");
    }
    let image_uri = outcome.image_uri.clone().expect("imageUri");
    assert!(variables.contains(&(task_variables::IMAGE_URI, image_uri)));
    let phases: BTreeSet<String> = events
        .iter()
        .filter_map(|e| match e {
            BuildEvent::Run(run) => run.run_sub_state.as_ref().map(ToString::to_string),
            _ => None,
        })
        .collect();
    for phase in [
        RunSubState::Building,
        RunSubState::Customizing,
        RunSubState::Distributing,
    ] {
        assert!(phases.contains(&phase.to_string()), "{phase} in {phases:?}");
    }
    let uploaded = events
        .iter()
        .find_map(|e| match e {
            BuildEvent::Uploaded { blob, .. } => Some(blob.clone()),
            _ => None,
        })
        .expect("an Uploaded event");
    assert!(!uploaded.contains('?'), "no SAS in events: {uploaded}");
    assert!(outcome.cleanup.is_complete(), "{:?}", outcome.cleanup);
    assert!(outcome.cleanup.kept.is_empty(), "{:?}", outcome.cleanup);
    assert!(
        outcome.cleanup.removed.contains(&outcome.template_id),
        "{:?}",
        outcome.cleanup
    );
    assert!(outcome.cleanup.removed.contains(&uploaded), "{:?}", outcome.cleanup);
    world.assert_nothing_left(&outcome.template_name).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tar_gz_read_by_the_identity_becomes_a_managed_image() {
    let world = World::start().await;
    let image_id = world.id("Microsoft.Compute/images/app-image");
    let template = world.template(
        "Canonical:ubuntu-24_04-lts:server",
        ManagedImageDistributor {
            run_output_name: "image".into(),
            image_id: image_id.clone(),
            location: world.location.clone(),
            artifact_tags: None,
        },
    );
    let artifacts = world.artifacts(&world.folder("app"), ArchiveFormat::TarGz, false);
    let (outcome, events) = build(
        &world,
        world.request(template, Some(artifacts), CleanupPolicy::OnSuccess),
    )
    .await;
    assert_succeeded_and_clean(&world, &outcome, &events, ["Canonical", "ubuntu-24_04-lts", "server"]).await;
    assert!(
        outcome
            .image_uri
            .as_deref()
            .is_some_and(|uri| uri.eq_ignore_ascii_case(&image_id)),
        "{:?}",
        outcome.image_uri
    );
    assert!(
        world.get(&image_id, "2024-03-01").await.is_some(),
        "the managed image exists"
    );
    let uploaded = events.iter().find_map(|e| match e {
        BuildEvent::Uploaded { blob, bytes, sha256 } => Some((blob.clone(), *bytes, sha256.clone())),
        _ => None,
    });
    let (blob, bytes, sha256) = uploaded.expect("uploaded");
    assert!(
        blob.ends_with(&format!("/imagebuilder/{}/app.tar.gz", outcome.template_name)),
        "{blob}"
    );
    assert!(bytes > 0 && sha256.len() == 64, "{bytes} {sha256}");
    world.emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tar_gz_behind_a_user_delegation_sas_becomes_a_gallery_image_version() {
    let world = World::start().await;
    let image = world.gallery_image("gallery1", "app").await;
    let template = world.template(
        "Canonical:ubuntu-24_04-lts:server",
        SharedImageDistributor {
            run_output_name: "gallery".into(),
            gallery_image_id: image.clone(),
            target_regions: Some(vec![TargetRegion::new(world.location.clone())]),
            ..Default::default()
        },
    );
    let artifacts = world.artifacts(&world.folder("app"), ArchiveFormat::TarGz, true);
    let (outcome, events) = build(
        &world,
        world.request(template, Some(artifacts), CleanupPolicy::OnSuccess),
    )
    .await;
    assert_succeeded_and_clean(&world, &outcome, &events, ["Canonical", "ubuntu-24_04-lts", "server"]).await;
    let version = outcome.image_uri.clone().expect("imageUri");
    assert!(
        version
            .to_ascii_lowercase()
            .starts_with(&format!("{}/versions/", image.to_ascii_lowercase())),
        "{version}"
    );
    assert!(world.get(&version, "2024-03-03").await.is_some(), "the version exists");
    world.emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_zip_for_a_windows_source_becomes_a_vhd() {
    let world = World::start().await;
    let mut template = world.template(
        "MicrosoftWindowsServer:WindowsServer:2022-datacenter-azure-edition",
        VhdDistributor {
            run_output_name: "vhd".into(),
            ..Default::default()
        },
    );
    template.properties.customize = Some(vec![
        PowerShellScript::inline("install", ["Write-Output installing"]).into(),
    ]);
    let artifacts = world.artifacts(&world.folder("app"), ArchiveFormat::Zip, false);
    let (outcome, events) = build(
        &world,
        world.request(template, Some(artifacts), CleanupPolicy::OnSuccess),
    )
    .await;
    assert_succeeded_and_clean(
        &world,
        &outcome,
        &events,
        [
            "MicrosoftWindowsServer",
            "WindowsServer",
            "2022-datacenter-azure-edition",
        ],
    )
    .await;
    let vhd = outcome.image_uri.clone().expect("imageUri");
    assert!(vhd.starts_with("https://") && vhd.ends_with(".vhd"), "{vhd}");
    assert!(
        events
            .iter()
            .any(|e| matches!(e, BuildEvent::Uploaded { blob, .. } if blob.ends_with("/app.zip"))),
        "{events:?}"
    );
    world.emulator.shutdown().await;
}

/// The message the scripted failure prints in `customization.log`.
const FAILURE: &str = "Script exited with non-zero exit status: 3. Allowed exit codes are: [0]";

/// A VHD build with artifacts whose third customizer (the template's own Shell step, after the
/// File download and the unpack step) fails.
async fn failing_build(world: &World, cleanup: CleanupPolicy) -> (BuildOutcome, Vec<BuildEvent>) {
    world
        .emulator
        .control()
        .script_image_builds(ImageBuildScript {
            template: None,
            fail_in_customizer: Some(3),
            message: Some(FAILURE.to_owned()),
            stuck_canceling: false,
        })
        .expect("script");
    let template = world.template(
        "Canonical:ubuntu-24_04-lts:server",
        VhdDistributor {
            run_output_name: "vhd".into(),
            ..Default::default()
        },
    );
    let artifacts = world.artifacts(&world.folder("app"), ArchiveFormat::TarGz, false);
    build(world, world.request(template, Some(artifacts), cleanup)).await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_build_points_at_its_log_and_keeps_the_template_for_inspection() {
    let world = World::start().await;
    let (outcome, _) = failing_build(&world, CleanupPolicy::OnSuccess).await;
    assert_eq!(outcome.status, BuildStatus::Failed, "{outcome:?}");
    let error = outcome.error.as_ref().expect("the error").to_string();
    assert!(error.contains("customization.log"), "{error}");
    assert!(!error.contains('\n'), "one line: {error}");
    assert!(outcome.image_uri.is_none());
    // The log, from the location in the outcome, read with the caller's credential.
    let location = outcome.log_location.clone().expect("the log location");
    let log = fetch_log(&world.arm, &world.storage, world.credential.clone(), &location, None)
        .await
        .expect("the log");
    let section = failing_provisioner(&log).expect("the failing provisioner");
    assert_eq!(section.provisioner, "shell", "{section:?}");
    assert!(section.errors.iter().any(|l| l.contains(FAILURE)), "{section:?}");
    assert_eq!(section.index, 3, "the third step: {section:?}");
    assert!(
        section
            .lines
            .iter()
            .any(|l| l.contains("shell script: install (inline)")),
        "the template's own step: {section:?}"
    );
    assert!(!log.contains("sig="), "no SAS in the log");
    // On-success cleanup keeps the template, its staging group and the artifact.
    assert!(outcome.cleanup.removed.is_empty(), "{:?}", outcome.cleanup);
    assert!(
        outcome.cleanup.kept.contains(&outcome.template_id),
        "{:?}",
        outcome.cleanup
    );
    assert_eq!(
        outcome.cleanup.kept.len(),
        2,
        "template and artifact: {:?}",
        outcome.cleanup
    );
    let template = world
        .templates
        .get(RG, &outcome.template_name, None)
        .await
        .expect("the failed template is kept");
    let status = template.properties.last_run_status.expect("lastRunStatus");
    assert_eq!(status.run_state.map(|s| s.to_string()).as_deref(), Some("Failed"));
    assert_eq!(
        world.staging_groups(&outcome.template_name).await.len(),
        1,
        "staging group kept"
    );
    assert_eq!(world.artifact_blobs().await.len(), 1, "artifact kept");
    world.emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_build_with_cleanup_always_leaves_nothing() {
    let world = World::start().await;
    let (outcome, _) = failing_build(&world, CleanupPolicy::Always).await;
    assert_eq!(outcome.status, BuildStatus::Failed, "{outcome:?}");
    assert!(outcome.log_location.is_some(), "{outcome:?}");
    assert!(outcome.cleanup.is_complete(), "{:?}", outcome.cleanup);
    assert!(outcome.cleanup.kept.is_empty(), "{:?}", outcome.cleanup);
    assert_eq!(outcome.cleanup.removed.len(), 2, "{:?}", outcome.cleanup);
    world.assert_nothing_left(&outcome.template_name).await;
    world.emulator.shutdown().await;
}

/// Runs a build whose cancel future resolves once the run is seen `Customizing`.
async fn canceled_build(world: &World, cleanup: CleanupPolicy) -> (BuildOutcome, Vec<BuildEvent>) {
    let template = world.template(
        "Canonical:ubuntu-24_04-lts:server",
        VhdDistributor {
            run_output_name: "vhd".into(),
            ..Default::default()
        },
    );
    let artifacts = world.artifacts(&world.folder("app"), ArchiveFormat::TarGz, false);
    let (customizing, mut seen) = tokio::sync::watch::channel(false);
    let cancel = async move {
        let _ = seen.wait_for(|customizing| *customizing).await;
    };
    let mut events = Vec::new();
    let outcome = world
        .flow
        .run(world.request(template, Some(artifacts), cleanup), cancel, |event| {
            if let BuildEvent::Run(run) = &event
                && run.run_sub_state == Some(RunSubState::Customizing)
            {
                customizing.send_replace(true);
            }
            events.push(event);
        })
        .await;
    (outcome, events)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cancel_while_customizing_cancels_the_run_then_cleans_up_everything_under_always() {
    let world = World::start().await;
    let (outcome, events) = canceled_build(&world, CleanupPolicy::Always).await;
    assert_eq!(outcome.status, BuildStatus::Canceled, "{outcome:?}");
    assert!(
        events
            .iter()
            .any(|e| matches!(e, BuildEvent::Step(step) if step.starts_with("canceling the run"))),
        "{events:?}"
    );
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, BuildEvent::Run(run) if run.run_sub_state == Some(RunSubState::Distributing))),
        "canceled before distributing: {events:?}"
    );
    assert!(outcome.cleanup.is_complete(), "{:?}", outcome.cleanup);
    assert_eq!(outcome.cleanup.removed.len(), 2, "{:?}", outcome.cleanup);
    world.assert_nothing_left(&outcome.template_name).await;
    world.emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cancel_while_customizing_keeps_the_canceled_template_under_on_success() {
    let world = World::start().await;
    let (outcome, _) = canceled_build(&world, CleanupPolicy::OnSuccess).await;
    assert_eq!(outcome.status, BuildStatus::Canceled, "{outcome:?}");
    assert!(outcome.cleanup.removed.is_empty(), "{:?}", outcome.cleanup);
    assert_eq!(outcome.cleanup.kept.len(), 2, "{:?}", outcome.cleanup);
    let template = world
        .templates
        .get(RG, &outcome.template_name, None)
        .await
        .expect("the canceled template is kept");
    let state = template.properties.last_run_status.and_then(|s| s.run_state);
    assert_eq!(state.map(|s| s.to_string()).as_deref(), Some("Canceled"));
    world.emulator.shutdown().await;
}

/// The template's identity has no data role on the account: the build reaches the artifact only
/// through a user-delegation SAS, which the template carries (read-only, https-only, one blob);
/// without it Azure (and the emulator) refuses the template at creation.
#[tokio::test(flavor = "multi_thread")]
async fn a_user_delegation_sas_reaches_the_artifact_where_the_identity_cannot() {
    let world = World::start().await;
    let vhd = || VhdDistributor {
        run_output_name: "vhd".into(),
        ..Default::default()
    };
    let mut template = world.template("Canonical:ubuntu-24_04-lts:server", vhd());
    let stranger = world.id(&format!(
        "Microsoft.ManagedIdentity/userAssignedIdentities/{}",
        e2e_support::STRANGER
    ));
    template.identity = Some(image_builder::model::ImageTemplateIdentity::user_assigned(&stranger));

    let artifacts = world.artifacts(&world.folder("app"), ArchiveFormat::TarGz, true);
    let (outcome, _) = build(
        &world,
        world.request(template.clone(), Some(artifacts), CleanupPolicy::Never),
    )
    .await;
    assert_eq!(outcome.status, BuildStatus::Succeeded, "{outcome:?}");
    let kept = world
        .templates
        .get(RG, &outcome.template_name, None)
        .await
        .expect("kept under Never");
    let file = serde_json::to_value(&kept.properties.customize).unwrap()[0].clone();
    let source = file["sourceUri"].as_str().expect("sourceUri");
    let query: std::collections::HashMap<String, String> = url::Url::parse(source)
        .unwrap()
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    assert_eq!(
        (query["sp"].as_str(), query["sr"].as_str(), query["spr"].as_str()),
        ("r", "b", "https"),
        "{query:?}"
    );
    assert!(query.contains_key("skoid") && query.contains_key("sig"), "{query:?}");
    assert_eq!(file["sha256Checksum"].as_str().map(str::len), Some(64), "{file}");
    assert!(
        !format!("{outcome:?}").contains(&query["sig"]),
        "no signature in the outcome"
    );

    let artifacts = world.artifacts(&world.folder("app"), ArchiveFormat::TarGz, false);
    let (outcome, _) = build(&world, world.request(template, Some(artifacts), CleanupPolicy::Always)).await;
    assert_eq!(outcome.status, BuildStatus::Failed, "{outcome:?}");
    let error = outcome.error.as_ref().expect("why").to_string();
    assert!(error.contains("ended Failed"), "{error}");
    assert!(error.contains("AuthorizationPermissionMismatch"), "{error}");
    assert!(outcome.cleanup.is_complete(), "{:?}", outcome.cleanup);
    let template_path = world.id(&format!(
        "Microsoft.VirtualMachineImages/imageTemplates/{}",
        outcome.template_name
    ));
    assert!(
        world
            .get(&template_path, image_builder::DEFAULT_API_VERSION)
            .await
            .is_none()
    );
    world.emulator.shutdown().await;
}
