//! Pools through the library on the emulator: the lifecycle with both api-versions (create →
//! `Succeeded`, show with the queue, scale, scale to 0 with its warning, delete), the VNet
//! preflight through the emulator's security groups (a blocking rule set refused before any
//! write, the fixed one passing and the pool created in the subnet), and the quota, Premium and
//! region refusals with no write in the journal.

mod e2e_support;

use acr_agentpool::flow::{CreatePoolRequest, FlowEvent};
use acr_agentpool::model::ProvisioningState;
use acr_agentpool::network::Verdict;
use acr_agentpool::{DEFAULT_API_VERSION, Error, LEGACY_API_VERSION};
use e2e_support::{BASIC, ELSEWHERE, REGISTRY, World, allowing_rules, rule};
use std::collections::HashMap;

fn create(w: &World, registry: &str, name: &str, tier: &str, count: i64, subnet: Option<String>) -> CreatePoolRequest {
    CreatePoolRequest {
        registry: w.registry(registry),
        name: name.to_owned(),
        tier: tier.to_owned(),
        count,
        os: "Linux".to_owned(),
        subnet_id: subnet,
        tags: HashMap::from([("team".to_owned(), "build".to_owned())]),
        skip_preflight: false,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pool_lives_and_dies_with_both_api_versions() {
    let w = World::start(0).await;
    for (api_version, name) in [(DEFAULT_API_VERSION, "pool-2025"), (LEGACY_API_VERSION, "pool-2019")] {
        let flow = w.flow(api_version);
        let registry = w.registry(REGISTRY);
        let mut steps = Vec::new();
        let pool = flow
            .create_pool(&create(&w, REGISTRY, name, "s1", 1, None), |e| steps.push(e), |_| {})
            .await
            .unwrap_or_else(|e| panic!("{api_version}: {e}"));
        let properties = pool.properties.as_ref().unwrap();
        assert_eq!(
            properties.provisioning_state,
            Some(ProvisioningState::Succeeded),
            "{api_version}"
        );
        assert_eq!((properties.tier.as_deref(), properties.count), (Some("S1"), Some(1)));
        assert!(
            steps
                .iter()
                .any(|e| matches!(e, FlowEvent::Step(s) if s.contains("creating pool"))),
            "{steps:?}"
        );
        // Every request of this flow used its api-version.
        let mark = w.journal_mark();
        let shown = flow.show_pool(&registry, name).await.unwrap();
        assert_eq!(shown.queued_runs, 0);
        assert_eq!(shown.pool.name.as_deref(), Some(name));
        let queries: Vec<String> = w
            .control
            .journal()
            .into_iter()
            .filter(|e| e.seq > mark && e.path.contains("/agentPools/"))
            .map(|e| e.query)
            .collect();
        assert!(
            !queries.is_empty() && queries.iter().all(|q| q.contains(api_version)),
            "{queries:?}"
        );

        let scaled = flow.scale_pool(&registry, name, 2, |_| {}).await.unwrap();
        assert_eq!(scaled.properties.unwrap().count, Some(2), "{api_version}");
        let mut warnings = Vec::new();
        let zero = flow.scale_pool(&registry, name, 0, |e| warnings.push(e)).await.unwrap();
        assert_eq!(zero.properties.unwrap().count, Some(0));
        assert!(
            warnings.iter().any(
                |e| matches!(e, FlowEvent::Step(s) if s.starts_with("warning: pool") && s.contains("stay Queued"))
            ),
            "{warnings:?}"
        );
        flow.delete_pool(&registry, name).await.unwrap();
        let gone = flow.show_pool(&registry, name).await.unwrap_err();
        assert!(matches!(&gone, Error::Arm(e) if e.is_not_found()), "{gone}");
        // Deleting a pool already gone is not an error.
        flow.delete_pool(&registry, name).await.unwrap();
    }
    w.emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subnet_that_blocks_a_destination_is_refused_and_the_fixed_one_gets_the_pool() {
    let w = World::start(0).await;
    let flow = w.flow(DEFAULT_API_VERSION);
    // AzureMonitor:12000 is left to the deny-all at 4000.
    let mut blocking = allowing_rules();
    blocking.retain(|r| r["name"] != "AllowMonitor12000");
    let subnet = w.subnet("blocked", serde_json::Value::Array(blocking)).await;
    let mark = w.journal_mark();
    let mut reports = Vec::new();
    let error = flow
        .create_pool(
            &create(&w, REGISTRY, "vnetpool", "S1", 1, Some(subnet.clone())),
            |_| {},
            |report| reports.push(report.clone()),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Refused { check, .. } if check == "network"),
        "{error}"
    );
    assert!(error.to_string().contains("AzureMonitor"), "{error}");
    assert_eq!(w.writes_since(mark), Vec::<String>::new(), "a blocking subnet");
    let report = reports.pop().expect("the preflight report");
    let denied: Vec<_> = report.rows.iter().filter(|r| r.verdict == Verdict::Denied).collect();
    assert_eq!(denied.len(), 1, "{report:?}");
    assert_eq!(denied[0].port, 12000, "{report:?}");

    // The rule added: the same subnet passes and the pool is created in it.
    w.subnet("blocked", serde_json::Value::Array(allowing_rules())).await;
    let pool = flow
        .create_pool(
            &create(&w, REGISTRY, "vnetpool", "S1", 1, Some(subnet.clone())),
            |_| {},
            |report| reports.push(report.clone()),
        )
        .await
        .unwrap();
    assert!(!reports.pop().expect("the preflight report").is_blocking());
    let properties = pool.properties.unwrap();
    assert_eq!(properties.provisioning_state, Some(ProvisioningState::Succeeded));
    assert!(
        properties
            .virtual_network_subnet_resource_id
            .is_some_and(|id| id.eq_ignore_ascii_case(&subnet))
    );
    // The preflight also runs on its own, with a deny rule of higher priority winning.
    let mut denied_rules = allowing_rules();
    denied_rules.push(rule("DenyStorage", 100, "Deny", "Storage", "*"));
    let denied_subnet = w.subnet("denied", serde_json::Value::Array(denied_rules)).await;
    let report = acr_agentpool::network::NetworkClient::new(w.arm.clone(), None)
        .preflight(&denied_subnet, None)
        .await
        .unwrap();
    assert!(report.is_blocking());
    assert!(report.to_string().contains("DenyStorage"), "{report}");
    w.emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quota_premium_and_region_refusals_write_nothing() {
    let w = World::start(0).await;
    let flow = w.flow(DEFAULT_API_VERSION);
    flow.create_pool(&create(&w, REGISTRY, "big", "S3", 1, None), |_| {}, |_| {})
        .await
        .unwrap();
    for (request, check, words) in [
        // 8 vCPU of S3 + 2 x 8 = 24 > 16.
        (create(&w, REGISTRY, "bigger", "S3", 2, None), "quota", vec!["16"]),
        (create(&w, REGISTRY, "isolated", "I6", 1, None), "quota", vec!["I6"]),
        (create(&w, BASIC, "pool1", "S1", 1, None), "sku", vec!["Premium"]),
        (create(&w, ELSEWHERE, "pool1", "S1", 1, None), "region", vec!["westus"]),
        (
            create(&w, REGISTRY, "big", "S1", 1, None),
            "agent pool",
            vec!["already exists"],
        ),
    ] {
        let mark = w.journal_mark();
        let error = flow.create_pool(&request, |_| {}, |_| {}).await.unwrap_err();
        assert!(
            matches!(&error, Error::Refused { check: c, .. } if c == check),
            "{check}: {error}"
        );
        let text = error.to_string();
        assert!(!text.contains('\n'), "one line: {text}");
        for word in words {
            assert!(text.contains(word), "{check}: '{word}' in {text}");
        }
        assert_eq!(w.writes_since(mark), Vec::<String>::new(), "{check}");
    }
    // Scaling past the quota is refused the same way.
    let mark = w.journal_mark();
    let error = flow
        .scale_pool(&w.registry(REGISTRY), "big", 3, |_| {})
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Refused { check, .. } if check == "quota"),
        "{error}"
    );
    assert_eq!(w.writes_since(mark), Vec::<String>::new(), "scale past the quota");
    w.emulator.shutdown().await;
}
