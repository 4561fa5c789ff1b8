//! The VNet preflight's evaluation over a matrix of security rule sets and route tables: each
//! case names the verdict and the deciding rule of the destinations it is about.

use acr_agentpool::network::model::{NetworkSecurityGroup, RouteTable, Subnet};
use acr_agentpool::network::{PreflightReport, REQUIRED_OUTBOUND, Verdict, evaluate, evaluate_in_region};
use arm_core::test_support::examples::ApiExamples;
use serde_json::{Value, json};

const ALL: &str = "*";

/// An outbound rule from `VirtualNetwork`, any source port.
fn outbound(name: &str, priority: u32, access: &str, protocol: &str, destination: &str, ports: &str) -> Value {
    json!({"name": name, "properties": {
        "access": access, "direction": "Outbound", "priority": priority, "protocol": protocol,
        "sourceAddressPrefix": "VirtualNetwork", "sourcePortRange": "*",
        "destinationAddressPrefix": destination, "destinationPortRange": ports,
    }})
}

fn deny_internet() -> Value {
    outbound("DenyInternet", 4096, "Deny", ALL, "Internet", "*")
}

fn nsg(location: Option<&str>, rules: Vec<Value>) -> NetworkSecurityGroup {
    let mut body = json!({"name": "agents-nsg", "properties": {"securityRules": rules}});
    if let Some(location) = location {
        body["location"] = json!(location);
    }
    serde_json::from_value(body).unwrap()
}

fn route(name: &str, prefix: &str, hop: &str, address: Option<&str>) -> Value {
    let mut properties = json!({"addressPrefix": prefix, "nextHopType": hop});
    if let Some(address) = address {
        properties["nextHopIpAddress"] = json!(address);
    }
    json!({"name": name, "properties": properties})
}

fn route_table(routes: Vec<Value>) -> RouteTable {
    serde_json::from_value(json!({"name": "agents-rt", "properties": {"routes": routes}})).unwrap()
}

fn subnet() -> Subnet {
    serde_json::from_value(json!({"name": "agents", "properties": {"addressPrefix": "10.0.1.0/24"}})).unwrap()
}

/// What a case expects of one destination: the verdict and a part of the deciding text.
struct Expect {
    tag: &'static str,
    port: u16,
    verdict: Verdict,
    deciding: &'static str,
}

fn expect(tag: &'static str, port: u16, verdict: Verdict, deciding: &'static str) -> Expect {
    Expect {
        tag,
        port,
        verdict,
        deciding,
    }
}

fn firewall(next_hop: &str) -> Verdict {
    Verdict::ThroughFirewall {
        next_hop: next_hop.to_owned(),
    }
}

struct Case {
    name: &'static str,
    subnet: Subnet,
    nsg: Option<NetworkSecurityGroup>,
    routes: Option<RouteTable>,
    expects: Vec<Expect>,
}

fn check(case: &Case, report: &PreflightReport) {
    assert_eq!(report.rows.len(), REQUIRED_OUTBOUND.len(), "{}", case.name);
    for expected in &case.expects {
        let row = report
            .rows
            .iter()
            .find(|row| row.destination == expected.tag && row.port == expected.port)
            .unwrap_or_else(|| panic!("{}: no row {}:{}", case.name, expected.tag, expected.port));
        assert_eq!(
            row.verdict, expected.verdict,
            "{}: {}:{} ({})\n{report}",
            case.name, expected.tag, expected.port, row.deciding
        );
        assert!(
            row.deciding.contains(expected.deciding),
            "{}: {}:{} decided by {:?}, expected {:?}",
            case.name,
            expected.tag,
            expected.port,
            row.deciding,
            expected.deciding
        );
    }
}

fn cases() -> Vec<Case> {
    use Verdict::{Allowed, Denied, Unknown};
    let explicit_allows = vec![
        outbound("AllowKeyVault", 100, "Allow", "Tcp", "AzureKeyVault", "443"),
        outbound("AllowStorage", 110, "Allow", "Tcp", "Storage", "443"),
        deny_internet(),
    ];
    vec![
        Case {
            name: "allowed by an explicit rule, the others denied by a deny-all-internet at 4096",
            subnet: subnet(),
            nsg: Some(nsg(Some("westus2"), explicit_allows)),
            routes: None,
            expects: vec![
                expect("AzureKeyVault", 443, Allowed, "rule AllowKeyVault (100)"),
                expect("Storage", 443, Allowed, "rule AllowStorage (110)"),
                expect("EventHub", 443, Denied, "rule DenyInternet (4096)"),
                expect("AzureActiveDirectory", 443, Denied, "rule DenyInternet (4096)"),
                expect("AzureMonitor", 443, Denied, "rule DenyInternet (4096)"),
                expect("AzureMonitor", 12000, Denied, "rule DenyInternet (4096)"),
            ],
        },
        Case {
            name: "denied by a higher-priority deny",
            subnet: subnet(),
            nsg: Some(nsg(
                Some("westus2"),
                vec![
                    outbound("AllowStorage", 200, "Allow", "Tcp", "Storage", "443"),
                    outbound("DenyStorage", 150, "Deny", ALL, "Storage", "*"),
                ],
            )),
            routes: None,
            expects: vec![
                expect("Storage", 443, Denied, "rule DenyStorage (150)"),
                expect("EventHub", 443, Allowed, "default rule AllowInternetOutBound (65001)"),
            ],
        },
        Case {
            name: "only the default rules (Azure's, the body has none)",
            subnet: subnet(),
            nsg: Some(nsg(Some("westus2"), vec![])),
            routes: None,
            expects: REQUIRED_OUTBOUND
                .iter()
                .map(|r| {
                    expect(
                        r.service_tag,
                        r.port,
                        Allowed,
                        "default rule AllowInternetOutBound (65001)",
                    )
                })
                .collect(),
        },
        Case {
            name: "a port range 400-500 misses 12000",
            subnet: subnet(),
            nsg: Some(nsg(
                Some("westus2"),
                vec![
                    outbound("AllowMonitor", 100, "Allow", "Tcp", "AzureMonitor", "400-500"),
                    deny_internet(),
                ],
            )),
            routes: None,
            expects: vec![
                expect("AzureMonitor", 443, Allowed, "rule AllowMonitor (100)"),
                expect("AzureMonitor", 12000, Denied, "rule DenyInternet (4096)"),
            ],
        },
        Case {
            name: "a UDP-only rule does not count",
            subnet: subnet(),
            nsg: Some(nsg(
                Some("westus2"),
                vec![
                    outbound("AllowMonitorUdp", 100, "Allow", "Udp", "AzureMonitor", "*"),
                    deny_internet(),
                ],
            )),
            routes: None,
            expects: vec![expect("AzureMonitor", 12000, Denied, "rule DenyInternet (4096)")],
        },
        Case {
            name: "a * port and a port list",
            subnet: subnet(),
            nsg: Some(nsg(
                Some("westus2"),
                vec![
                    outbound("AllowMonitorAll", 100, "Allow", ALL, "AzureMonitor", "*"),
                    json!({"name": "AllowList", "properties": {
                        "access": "Allow", "direction": "Outbound", "priority": 110, "protocol": "Tcp",
                        "sourceAddressPrefix": "*", "sourcePortRange": "*",
                        "destinationAddressPrefixes": ["EventHub", "AzureActiveDirectory"],
                        "destinationPortRanges": ["80", "443"]}}),
                    deny_internet(),
                ],
            )),
            routes: None,
            expects: vec![
                expect("AzureMonitor", 12000, Allowed, "rule AllowMonitorAll (100)"),
                expect("AzureMonitor", 443, Allowed, "rule AllowMonitorAll (100)"),
                expect("EventHub", 443, Allowed, "rule AllowList (110)"),
                expect("AzureActiveDirectory", 443, Allowed, "rule AllowList (110)"),
                expect("Storage", 443, Denied, "rule DenyInternet (4096)"),
            ],
        },
        Case {
            name: "a regional tag of the pool's region (the group's location)",
            subnet: subnet(),
            nsg: Some(nsg(
                Some("westus2"),
                vec![
                    outbound("AllowStorageRegion", 100, "Allow", "Tcp", "Storage.WestUS2", "443"),
                    deny_internet(),
                ],
            )),
            routes: None,
            expects: vec![expect(
                "Storage",
                443,
                Allowed,
                "rule AllowStorageRegion (100), regional tag Storage.WestUS2: only westus2",
            )],
        },
        Case {
            name: "a regional tag of another region",
            subnet: subnet(),
            nsg: Some(nsg(
                Some("eastus"),
                vec![
                    outbound("AllowStorageRegion", 100, "Allow", "Tcp", "Storage.WestUS2", "443"),
                    deny_internet(),
                ],
            )),
            routes: None,
            expects: vec![expect("Storage", 443, Denied, "rule DenyInternet (4096)")],
        },
        Case {
            name: "a regional tag with no known region",
            subnet: subnet(),
            nsg: Some(nsg(
                None,
                vec![
                    outbound("AllowStorageRegion", 100, "Allow", "Tcp", "Storage.WestUS2", "443"),
                    deny_internet(),
                ],
            )),
            routes: None,
            expects: vec![expect(
                "Storage",
                443,
                Unknown,
                "regional tag Storage.WestUS2: only that region, and the pool's region is unknown; otherwise rule DenyInternet (4096) denies",
            )],
        },
        Case {
            name: "a default route to a virtual appliance",
            subnet: subnet(),
            nsg: Some(nsg(Some("westus2"), vec![])),
            routes: Some(route_table(vec![route(
                "to-firewall",
                "0.0.0.0/0",
                "VirtualAppliance",
                Some("10.0.0.4"),
            )])),
            expects: REQUIRED_OUTBOUND
                .iter()
                .map(|r| {
                    expect(
                        r.service_tag,
                        r.port,
                        firewall("10.0.0.4"),
                        "route to-firewall (0.0.0.0/0 → VirtualAppliance 10.0.0.4)",
                    )
                })
                .collect(),
        },
        Case {
            name: "a default route to None drops everything",
            subnet: subnet(),
            nsg: None,
            routes: Some(route_table(vec![route("blackhole", "0.0.0.0/0", "None", None)])),
            expects: vec![expect(
                "Storage",
                443,
                Denied,
                "route blackhole (0.0.0.0/0 → None): dropped",
            )],
        },
        Case {
            name: "a service tag route to the internet beside a default route to an appliance",
            subnet: subnet(),
            nsg: None,
            routes: Some(route_table(vec![
                route("to-firewall", "0.0.0.0/0", "VirtualAppliance", Some("10.0.0.4")),
                route("storage-direct", "Storage", "Internet", None),
                route("monitor-direct", "AzureMonitor.WestUS2", "Internet", None),
            ])),
            expects: vec![
                expect("Storage", 443, Allowed, "route storage-direct (Storage → Internet)"),
                expect("EventHub", 443, firewall("10.0.0.4"), "route to-firewall"),
                // No region known: a regional route cannot be placed.
                expect("AzureMonitor", 443, Unknown, "route monitor-direct"),
            ],
        },
        Case {
            name: "an IP-prefix deny above the allows",
            subnet: subnet(),
            nsg: Some(nsg(
                Some("westus2"),
                vec![outbound("DenyRange", 100, "Deny", "Tcp", "20.0.0.0/8", "443")],
            )),
            routes: None,
            expects: vec![
                expect(
                    "Storage",
                    443,
                    Unknown,
                    "rule DenyRange (100): IP prefix 20.0.0.0/8 is not compared with the Storage ranges; otherwise default rule AllowInternetOutBound (65001) allows",
                ),
                expect(
                    "AzureMonitor",
                    12000,
                    Allowed,
                    "default rule AllowInternetOutBound (65001)",
                ),
            ],
        },
        Case {
            name: "no network security group",
            subnet: subnet(),
            nsg: None,
            routes: None,
            expects: REQUIRED_OUTBOUND
                .iter()
                .map(|r| expect(r.service_tag, r.port, Allowed, "no network security group"))
                .collect(),
        },
        Case {
            name: "a source prefix outside the subnet does not apply",
            subnet: subnet(),
            nsg: Some(nsg(
                Some("westus2"),
                vec![
                    json!({"name": "OtherSubnet", "properties": {
                        "access": "Allow", "direction": "Outbound", "priority": 100, "protocol": "Tcp",
                        "sourceAddressPrefix": "10.0.9.0/24", "sourcePortRange": "*",
                        "destinationAddressPrefix": "Storage", "destinationPortRange": "443"}}),
                    json!({"name": "WholeVnet", "properties": {
                        "access": "Allow", "direction": "Outbound", "priority": 110, "protocol": "Tcp",
                        "sourceAddressPrefix": "10.0.0.0/16", "sourcePortRange": "*",
                        "destinationAddressPrefix": "AzureCloud", "destinationPortRange": "443"}}),
                    deny_internet(),
                ],
            )),
            routes: None,
            expects: vec![
                expect("Storage", 443, Allowed, "rule WholeVnet (110)"),
                expect("AzureMonitor", 12000, Denied, "rule DenyInternet (4096)"),
            ],
        },
        Case {
            name: "a service endpoint goes around the appliance",
            subnet: serde_json::from_value(json!({"properties": {"addressPrefix": "10.0.1.0/24",
                "serviceEndpoints": [{"service": "Microsoft.Storage", "locations": ["westus2"]}]}}))
            .unwrap(),
            nsg: None,
            routes: Some(route_table(vec![route(
                "to-firewall",
                "0.0.0.0/0",
                "VirtualAppliance",
                Some("10.0.0.4"),
            )])),
            expects: vec![
                expect("Storage", 443, Allowed, "service endpoint Microsoft.Storage"),
                expect("AzureKeyVault", 443, firewall("10.0.0.4"), "route to-firewall"),
            ],
        },
        Case {
            name: "VirtualNetwork holds a user-defined default route",
            subnet: subnet(),
            nsg: Some(nsg(
                Some("westus2"),
                vec![
                    outbound("AllowVnet", 100, "Allow", ALL, "VirtualNetwork", "*"),
                    outbound("DenyAll", 4000, "Deny", ALL, "*", "*"),
                ],
            )),
            routes: Some(route_table(vec![route(
                "to-firewall",
                "0.0.0.0/0",
                "VirtualAppliance",
                Some("10.0.0.4"),
            )])),
            expects: vec![expect(
                "Storage",
                443,
                firewall("10.0.0.4"),
                "rule AllowVnet (100), VirtualNetwork holds the user-defined 0.0.0.0/0 route",
            )],
        },
    ]
}

#[test]
fn the_matrix_of_rule_sets_and_routes() {
    for case in cases() {
        let report = evaluate(&case.subnet, case.nsg.as_ref(), case.routes.as_ref());
        check(&case, &report);
    }
}

#[test]
fn the_official_security_group_example_is_its_default_rules_outbound() {
    let example = ApiExamples::new("network").read("NetworkSecurityGroupGet.json");
    let nsg: NetworkSecurityGroup = serde_json::from_value(example["responses"]["200"]["body"].clone()).unwrap();
    let report = evaluate(&subnet(), Some(&nsg), None);
    assert!(
        report
            .rows
            .iter()
            .all(|row| row.verdict == Verdict::Allowed && row.deciding == "default rule AllowInternetOutBound (65001)"),
        "{report}"
    );
    assert!(!report.is_blocking());
    assert_eq!(report.summary(), "all 6 required destinations allowed");
}

#[test]
fn a_given_region_places_regional_tags() {
    let group = nsg(
        None,
        vec![
            outbound("AllowStorageRegion", 100, "Allow", "Tcp", "Storage.WestUS2", "443"),
            deny_internet(),
        ],
    );
    let report = evaluate_in_region(&subnet(), Some(&group), None, Some("West US 2"));
    assert_eq!(report.rows[1].verdict, Verdict::Allowed, "{report}");
    let report = evaluate_in_region(&subnet(), Some(&group), None, Some("eastus"));
    assert_eq!(report.rows[1].verdict, Verdict::Denied, "{report}");
}

#[test]
fn the_table_is_aligned_and_ends_with_the_summary() {
    let group = nsg(
        Some("westus2"),
        vec![
            outbound("AllowStorage", 110, "Allow", "Tcp", "Storage", "443"),
            deny_internet(),
        ],
    );
    let report = evaluate(
        &subnet(),
        Some(&group),
        Some(&route_table(vec![route(
            "to-firewall",
            "0.0.0.0/0",
            "VirtualAppliance",
            Some("10.0.0.4"),
        )])),
    );
    assert!(report.is_blocking());
    let text = report.to_string();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1 + REQUIRED_OUTBOUND.len() + 1, "{text}");
    let header = lines[0];
    for title in ["PORT", "VERDICT", "DECIDING RULE"] {
        let column = header.find(title).unwrap();
        for line in &lines[1..=REQUIRED_OUTBOUND.len()] {
            assert_eq!(line.chars().nth(column - 1), Some(' '), "{title} column in {line:?}");
            assert_ne!(line.chars().nth(column), Some(' '), "{title} column in {line:?}");
        }
    }
    assert!(
        lines[2].contains("through a firewall (next hop 10.0.0.4): allow Storage:443 there"),
        "{text}"
    );
    assert_eq!(
        lines.last().unwrap(),
        &"5 denied (AzureKeyVault:443, EventHub:443, AzureActiveDirectory:443, AzureMonitor:443, AzureMonitor:12000), 1 through a firewall, to allow there (Storage:443)"
    );
}
