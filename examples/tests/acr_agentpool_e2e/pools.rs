//! Pools: the lifecycle with both api-versions, and the refusals (quota, Premium, region, a
//! pool scaled to 0) before any write.

use super::world::{API, API_2019, BASIC, ELSEWHERE, REGISTRY, RG, World};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pool_is_created_shown_scaled_listed_and_deleted_with_both_api_versions() {
    let w = World::start(0).await;
    for (api, pool, group) in [(API, "pool2025", None), (API_2019, "pool2019", Some(RG))] {
        let mut common = vec!["-r", REGISTRY, "--api-version", api];
        if let Some(group) = group {
            common.extend(["-g", group]);
        }
        let with =
            |args: &[&'static str]| -> Vec<&str> { args.iter().copied().chain(common.iter().copied()).collect() };
        let mark = w.journal_mark();
        let created = w
            .run(&with(&["create", "-n", pool, "--tier", "S2", "--count", "1"]))
            .await;
        assert_eq!(created.code, Some(0), "{api}: {created:?}");
        assert!(
            created.stdout.contains(&format!("pool {pool} created")),
            "{}",
            created.stdout
        );
        assert!(created.stdout.contains("Succeeded"), "{}", created.stdout);
        let puts: Vec<_> = w
            .journal_since(mark)
            .into_iter()
            .filter(|e| e.method == "PUT" && e.path.ends_with(&format!("/agentPools/{pool}")))
            .collect();
        assert_eq!(puts.len(), 1, "{puts:?}");
        assert!(puts[0].query.contains(&format!("api-version={api}")), "{puts:?}");

        let shown = w.run(&with(&["show", "-n", pool])).await;
        assert_eq!(shown.code, Some(0), "{shown:?}");
        assert!(shown.stdout.contains("queued runs: 0"), "{}", shown.stdout);
        assert!(shown.stdout.contains("S2"), "{}", shown.stdout);

        let scaled = w.run(&with(&["update", "-n", pool, "--count", "2"])).await;
        assert_eq!(scaled.code, Some(0), "{scaled:?}");
        let row = scaled
            .stdout
            .lines()
            .find(|l| l.starts_with(pool))
            .expect(&scaled.stdout);
        assert_eq!(row.split_whitespace().nth(2), Some("2"), "{row}");

        let listed = w.run(&with(&["list"])).await;
        assert_eq!(listed.code, Some(0), "{listed:?}");
        assert!(listed.stdout.lines().any(|l| l.starts_with(pool)), "{}", listed.stdout);

        let deleted = w.run(&with(&["delete", "-n", pool])).await;
        assert_eq!(deleted.code, Some(0), "{deleted:?}");
        let listed = w.run(&with(&["list"])).await;
        assert!(!listed.stdout.lines().any(|l| l.starts_with(pool)), "{}", listed.stdout);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quota_premium_region_and_scale_to_0_are_refused_before_any_write() {
    let w = World::start(0).await;
    w.pool("big", "S3", 1).await;
    w.pool("idle", "S1", 0).await;
    let context = w.context(Some("FROM alpine\n")).display().to_string();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["create", "-r", REGISTRY, "-n", "more", "--tier", "S3", "--count", "2"],
            "quota",
        ),
        (vec!["create", "-r", REGISTRY, "-n", "iso", "--tier", "I6"], "quota"),
        (vec!["update", "-r", REGISTRY, "-n", "big", "--count", "3"], "quota"),
        (vec!["create", "-r", BASIC, "-n", "pool1"], "Premium"),
        (vec!["create", "-r", ELSEWHERE, "-n", "pool1"], "westus"),
        (
            vec![
                "build",
                "-r",
                REGISTRY,
                "--agent-pool",
                "idle",
                "-t",
                "app:v1",
                &context,
            ],
            "idle",
        ),
        (
            vec!["run", "-r", REGISTRY, "--agent-pool", "idle", "--cmd", "local/echo:1 x"],
            "idle",
        ),
    ];
    for (args, expected) in &cases {
        let mark = w.journal_mark();
        let ran = w.run(args).await;
        assert_eq!(ran.code, Some(2), "{args:?}: {ran:?}");
        assert_eq!(ran.stderr.lines().count(), 1, "{args:?}: {}", ran.stderr);
        assert!(ran.stderr.contains("refused"), "{args:?}: {}", ran.stderr);
        assert!(
            ran.stderr.contains(expected),
            "{args:?}: expected '{expected}' in {}",
            ran.stderr
        );
        w.assert_no_write_since(mark, &format!("{args:?}"));
    }
    // A raised quota passes the check; the emulator holds the default quota, so Azure's own
    // refusal comes back, as it is.
    let ran = w
        .run(&[
            "create", "-r", REGISTRY, "-n", "more", "--tier", "S3", "--count", "2", "--quota", "32",
        ])
        .await;
    assert_eq!(ran.code, Some(1), "{ran:?}");
    assert!(ran.stderr.contains("QuotaExceeded"), "{}", ran.stderr);
    // A longer region list passes.
    let ran = w
        .run(&["create", "-r", ELSEWHERE, "-n", "pool1", "--regions", "eastus,westus"])
        .await;
    assert_eq!(ran.code, Some(0), "{ran:?}");
}
