//! The fault matrix: about 30% of ARM and Blob requests answered 429, 500 or 503 by the
//! emulator, and `BuildFlow::run` ends as it does without faults, leaving nothing behind.
//!
//! 429 is injected on every method (ARM and Storage refuse such a request unprocessed, so every
//! one is retried); 500 and 503 only on the idempotent methods (GET, HEAD, PUT, DELETE), because
//! arm-core does not resend a POST (run, cancel, Get User Delegation Key) the service may have
//! acted on (ARCHITECTURE.md: idempotency-aware retries).

mod e2e_support;

use az_emulator::{FaultConfig, FaultRule, ListenerKind};
use e2e_support::World;
use image_builder::artifacts::ArchiveFormat;
use image_builder::flow::{BuildEvent, BuildStatus, CleanupPolicy};
use image_builder::model::ManagedImageDistributor;

/// ~30% 429/500/503 on ARM and Blob, seeded.
fn faults() -> FaultConfig {
    let mut routes = Vec::new();
    for (index, listener) in [ListenerKind::Arm, ListenerKind::Blob].into_iter().enumerate() {
        for method in ["GET", "HEAD", "PUT", "DELETE"] {
            routes.push(FaultRule {
                listener: Some(listener),
                method: Some(method.to_owned()),
                rate_429: 0.1,
                rate_500: 0.1,
                rate_503: 0.1,
                retry_after_secs: Some(0),
                ..FaultRule::default()
            });
        }
        routes.push(FaultRule {
            listener: Some(listener),
            method: Some("POST".to_owned()),
            rate_429: 0.3,
            retry_after_secs: Some(0),
            seed: Some(100 + index as u64),
            ..FaultRule::default()
        });
    }
    FaultConfig {
        seed: Some(14),
        retry_after_secs: 0,
        routes,
        ..FaultConfig::default()
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_build_through_30_percent_faults_ends_the_same_and_leaks_nothing() {
    let world = World::start().await;
    let control = world.emulator.control();
    control.set_faults(&faults()).expect("faults");
    control.clear_journal();
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
    let artifacts = world.artifacts(&world.folder("app"), ArchiveFormat::TarGz, true);
    let mut events = Vec::new();
    let outcome = world
        .flow
        .run(
            world.request(template, Some(artifacts), CleanupPolicy::OnSuccess),
            std::future::pending(),
            |event| events.push(event),
        )
        .await;
    let journal = control.journal();
    control.clear_faults();
    assert_eq!(outcome.status, BuildStatus::Succeeded, "{outcome:?}");
    assert!(outcome.cleanup.is_complete(), "{:?}", outcome.cleanup);
    assert!(outcome.cleanup.kept.is_empty(), "{:?}", outcome.cleanup);
    assert!(
        outcome
            .image_uri
            .as_deref()
            .is_some_and(|uri| uri.eq_ignore_ascii_case(&image_id)),
        "{outcome:?}"
    );
    assert!(events.iter().any(|e| matches!(e, BuildEvent::Uploaded { .. })));
    // The faults really happened, on both services.
    for listener in [ListenerKind::Arm, ListenerKind::Blob] {
        let faulted = journal
            .iter()
            .filter(|e| e.listener == listener && e.fault.is_some())
            .count();
        assert!(faulted > 0, "no fault on {listener:?}");
    }
    // Nothing leaked: no template, staging group or artifact blob.
    world.assert_nothing_left(&outcome.template_name).await;
    world.emulator.shutdown().await;
}
