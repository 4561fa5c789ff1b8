//! The preflight over a matrix of security rules and routes: the table's verdict and deciding
//! rule per case, exit 0 or 1; `create` in a blocking subnet refused before any write.

use super::world::{REGISTRY, World, rule};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_preflight_reads_rules_in_priority_order_and_routes() {
    let w = World::start(0).await;
    let tags = [
        "AzureKeyVault",
        "Storage",
        "EventHub",
        "AzureActiveDirectory",
        "AzureMonitor",
    ];
    let allow_all: Vec<_> = tags
        .iter()
        .enumerate()
        .map(|(i, tag)| rule(&format!("Allow{tag}"), 200 + i as u32, "Allow", tag, "443"))
        .chain([rule("AllowMonitor12000", 210, "Allow", "AzureMonitor", "12000")])
        .chain([rule("DenyInternet", 4000, "Deny", "Internet", "*")])
        .collect();
    let mut denied = allow_all.clone();
    denied.push(rule("DenyStorage", 100, "Deny", "Storage", "*"));
    let mut range_misses = allow_all.clone();
    range_misses[5] = rule("AllowMonitorRange", 210, "Allow", "AzureMonitor", "12001-12100");
    let appliance = json!([{ "name": "default", "properties": {
        "addressPrefix": "0.0.0.0/0", "nextHopType": "VirtualAppliance", "nextHopIpAddress": "10.0.0.4" } }]);
    // (name, rules, routes, exit code, expected in the table)
    let cases = [
        (
            "allowed",
            json!(allow_all),
            None,
            0,
            vec!["all 6 required destinations allowed"],
        ),
        (
            "denied",
            json!(denied),
            None,
            1,
            vec!["DENIED", "rule DenyStorage (100)"],
        ),
        ("defaults", json!([]), None, 0, vec!["AllowInternetOutBound"]),
        (
            "range",
            json!(range_misses),
            None,
            1,
            vec!["rule DenyInternet (4000)", "AzureMonitor:12000"],
        ),
        (
            "appliance",
            json!(allow_all),
            Some(appliance),
            0,
            vec!["through a firewall", "10.0.0.4"],
        ),
    ];
    for (name, rules, routes, code, expected) in cases {
        let subnet = w.subnet(name, rules, routes).await;
        let ran = w.run(&["preflight", "--subnet-id", &subnet]).await;
        assert_eq!(ran.code, Some(code), "{name}: {ran:?}");
        assert!(ran.stdout.contains("DECIDING RULE"), "{name}: {}", ran.stdout);
        for text in expected {
            assert!(ran.stdout.contains(text), "{name}: expected '{text}' in {}", ran.stdout);
        }
        if name == "denied" {
            // create in it: the table first, then the refusal, and no write.
            let mark = w.journal_mark();
            let ran = w
                .run(&["create", "-r", REGISTRY, "-n", "vnetpool", "--subnet-id", &subnet])
                .await;
            assert_eq!(ran.code, Some(2), "{ran:?}");
            assert!(ran.stdout.contains("rule DenyStorage (100)"), "{}", ran.stdout);
            assert!(ran.stderr.contains("refused (network)"), "{}", ran.stderr);
            w.assert_no_write_since(mark, "create in a blocking subnet");
        }
    }
}
