//! The fault matrix through the library: about 30% of ARM and Blob requests, of every method,
//! answered 429 (with `Retry-After`), 500 or 503, or their connection dropped, by the emulator
//! (Entra stays fault-free), `scheduleRun` among them (30% 503 or dropped); a build ends as it does
//! without faults, and exactly one run is made for it.
//!
//! The pipeline resends what is safe to resend (GET, PUT, DELETE, the read-only POSTs, Put Blob
//! and every request after a 429); a `scheduleRun` whose answer is lost is settled by reading
//! the runs ([`acr_agentpool::flow::RunControlOptions`]), never by a blind second POST.

mod e2e_support;

use acr_agentpool::DEFAULT_API_VERSION;
use acr_agentpool::flow::{BuildRequest, CreatePoolRequest};
use az_emulator::{FaultConfig, FaultRule, ListenerKind};
use e2e_support::{REGISTRY, World};

/// ~30% faults on ARM and Blob (7.5% each of 429, 500, 503 and dropped connections), seeded.
fn faults(seed: u64) -> FaultConfig {
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
        seed: Some(seed),
        retry_after_secs: 0,
        routes: vec![
            // scheduleRun itself, 30% lost answers (the ARM rule would give it 22.5%): the emulator faults a request before handling it,
            // so each of these is a lost answer that created nothing and must be sent again.
            FaultRule {
                path_contains: Some("/scheduleRun".to_owned()),
                rate_503: 0.15,
                rate_drop: 0.15,
                retry_after_secs: Some(0),
                seed: Some(seed + 3),
                ..FaultRule::default()
            },
            rule(ListenerKind::Arm, seed + 1),
            rule(ListenerKind::Blob, seed + 2),
        ],
        ..FaultConfig::default()
    }
}

/// `len` bytes that gzip cannot shrink (xorshift), so that the upload has several requests.
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn builds_through_30_percent_faults_end_as_without_with_one_run_each() {
    let w = World::start(20).await;
    let flow = w.flow(DEFAULT_API_VERSION);
    let pool = CreatePoolRequest {
        registry: w.registry(REGISTRY),
        name: "builders".to_owned(),
        tier: "S1".to_owned(),
        count: 1,
        os: "Linux".to_owned(),
        subnet_id: None,
        tags: Default::default(),
        skip_preflight: false,
    };
    flow.create_pool(&pool, |_| {}, |_| {}).await.unwrap();
    let build = |context| BuildRequest {
        registry: w.registry(REGISTRY),
        agent_pool: "builders".to_owned(),
        images: vec!["app:v1".to_owned()],
        file: None,
        build_args: Vec::new(),
        secret_build_args: Vec::new(),
        platform: None,
        timeout: None,
        no_push: false,
        no_logs: false,
        context,
    };
    let instructions = "FROM alpine\nCOPY . /src\nRUN echo built\n";
    let mut calm_lines = Vec::new();
    let calm = flow
        .build(
            &build(w.context(Some(instructions))),
            std::future::pending(),
            |l| calm_lines.push(l.to_owned()),
            |_| {},
        )
        .await
        .unwrap();
    assert!(calm.succeeded(), "{calm:?}");

    // Several seeds, so that scheduleRun itself meets a fault in some of them.
    let mut faulted_schedules = 0;
    for seed in [15, 16, 17, 18] {
        let runs_before = w.runs().await.len();
        let context = w.context(Some(instructions));
        std::fs::write(context.join("noise.bin"), noise(300 * 1024)).unwrap();
        let mark = w.journal_mark();
        w.control.set_faults(&faults(seed)).unwrap();
        let mut lines = Vec::new();
        let outcome = flow
            .build(
                &build(context),
                std::future::pending(),
                |l| lines.push(l.to_owned()),
                |_| {},
            )
            .await;
        w.control.clear_faults();
        let outcome = outcome.unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        assert!(outcome.succeeded(), "seed {seed}: {outcome:?}");
        assert_eq!(outcome.output_images.len(), calm.output_images.len(), "seed {seed}");
        let image = &outcome.output_images[0];
        assert_eq!((image.repository.as_str(), image.tag.as_deref()), ("app", Some("v1")));
        // The same steps were streamed (each line once, despite the faulted reads).
        let steps =
            |lines: &[String]| -> Vec<String> { lines.iter().filter(|l| l.starts_with("Step ")).cloned().collect() };
        assert_eq!(steps(&lines), steps(&calm_lines), "seed {seed}");
        // One run only.
        assert_eq!(w.runs().await.len(), runs_before + 1, "seed {seed}: one run");
        let journal: Vec<_> = w.control.journal().into_iter().filter(|e| e.seq > mark).collect();
        for listener in [ListenerKind::Arm, ListenerKind::Blob] {
            assert!(
                journal.iter().any(|e| e.listener == listener && e.fault.is_some()),
                "seed {seed}: no fault on {listener:?}"
            );
        }
        faulted_schedules += journal
            .iter()
            .filter(|e| e.path.ends_with("/scheduleRun") && e.fault.is_some())
            .count();
    }
    assert!(faulted_schedules > 0, "no scheduleRun met a fault");
    w.emulator.shutdown().await;
}
