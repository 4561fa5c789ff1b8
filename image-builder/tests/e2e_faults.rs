//! The fault matrix: about 30% of ARM and Blob requests, of every method, answered 429
//! (with `Retry-After`), 500 or 503, or their connection dropped, by the emulator; and
//! `BuildFlow::run` ends as it does without faults, leaving nothing behind.
//!
//! The pipeline resends what is safe to resend (GET, HEAD, PUT, DELETE, Get User Delegation
//! Key, any request after a 429); the run and cancel POSTs, whose answers may be lost after
//! Azure acted, are settled by reading the template (`runs::start_run`, `runs::cancel_and_wait`).

mod e2e_support;

use az_emulator::{FaultConfig, FaultRule, ListenerKind};
use e2e_support::World;
use image_builder::artifacts::ArchiveFormat;
use image_builder::flow::{BuildEvent, BuildStatus, CleanupPolicy};
use image_builder::model::ManagedImageDistributor;

/// ~30% faults on ARM and Blob (7.5% each of 429, 500, 503 and dropped connections), seeded.
fn faults() -> FaultConfig {
    let routes = [ListenerKind::Arm, ListenerKind::Blob]
        .into_iter()
        .map(|listener| FaultRule {
            listener: Some(listener),
            rate_429: 0.075,
            rate_500: 0.075,
            rate_503: 0.075,
            rate_drop: 0.075,
            retry_after_secs: Some(0),
            ..FaultRule::default()
        })
        .collect();
    FaultConfig {
        seed: Some(14),
        retry_after_secs: 0,
        routes,
        ..FaultConfig::default()
    }
}

/// `len` bytes that gzip cannot shrink (xorshift).
fn noise(len: usize) -> Vec<u8> {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 56) as u8
        })
        .collect()
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
    // Incompressible data in small blocks: enough Blob requests for every kind of fault.
    let folder = world.folder("app");
    std::fs::write(folder.join("bin/noise.bin"), noise(400 * 1024)).unwrap();
    let mut artifacts = world.artifacts(&folder, ArchiveFormat::TarGz, true);
    artifacts.upload.block_size = 16 * 1024;
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
    // The faults really happened, on both services, dropped connections and POSTs among them.
    for listener in [ListenerKind::Arm, ListenerKind::Blob] {
        let faulted: Vec<_> = journal
            .iter()
            .filter(|e| e.listener == listener)
            .filter_map(|e| e.fault.as_deref())
            .collect();
        assert!(
            faulted.contains(&"drop"),
            "no dropped connection on {listener:?}: {faulted:?}"
        );
        assert!(
            faulted.iter().any(|f| f.starts_with('5')),
            "no 5xx on {listener:?}: {faulted:?}"
        );
    }
    assert!(
        journal.iter().any(|e| e.method == "POST" && e.fault.is_some()),
        "no faulted POST"
    );
    // Nothing leaked: no template, staging group or artifact blob.
    world.assert_nothing_left(&outcome.template_name).await;
    world.emulator.shutdown().await;
}
