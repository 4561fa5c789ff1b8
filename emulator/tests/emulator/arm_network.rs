//! `Microsoft.Network` over ARM: virtual networks with subnets (inline and as children, their
//! ranges, references and delegations), network security groups with security rules (inline and
//! as children, Network's default rules), route tables with routes; the official examples of
//! `fixtures/api-examples/network/` written and read back in their shape; the `subnets`
//! back-references; validation with Network's error codes; writes as long-running operations and
//! the drawn DELETE answers; the resource group cascade and the generic resource list.

use std::path::PathBuf;

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{Harness, RG_API, quick_config};

/// The Network api-version the tests use.
const API: &str = "2024-05-01";

/// The subscription the examples are written for.
const EXAMPLE_SUBSCRIPTION: &str = "00000000-0000-0000-0000-000000000000";

/// The folder of the official examples.
fn examples_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/api-examples/network")
}

/// The example `name`, with its subscription replaced by `subscription`.
fn example(name: &str, subscription: &str) -> Value {
    let path = examples_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text.replace(EXAMPLE_SUBSCRIPTION, subscription))
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `/subscriptions/{default}/resourceGroups/{rg}/providers/Microsoft.Network/{rest}?api-version=..`
fn path(h: &Harness, rg: &str, rest: &str) -> String {
    format!(
        "/subscriptions/{}/resourceGroups/{rg}/providers/Microsoft.Network/{rest}?api-version={API}",
        h.info().defaults.subscription_id
    )
}

/// The ARM id of `rest` in `rg`.
fn id(h: &Harness, rg: &str, rest: &str) -> String {
    path(h, rg, rest).split('?').next().unwrap().to_owned()
}

/// Creates resource group `name` in `location`.
async fn group(h: &Harness, token: &str, name: &str, location: &str) {
    let reply = h
        .arm(
            Method::PUT,
            &h.rg_path(name),
            token,
            Some(json!({ "location": location })),
        )
        .await;
    assert!(matches!(reply.status, 200 | 201), "{name}: {}", reply.text);
}

/// PUTs `body` at `rest` and expects 201 (new) with an `Azure-AsyncOperation` and `Updating`;
/// returns the body.
async fn create(h: &Harness, token: &str, rg: &str, rest: &str, body: Value) -> Value {
    let reply = h.arm(Method::PUT, &path(h, rg, rest), token, Some(body)).await;
    assert_eq!(reply.status, 201, "{rest}: {}", reply.text);
    assert!(reply.header("azure-asyncoperation").is_some(), "{rest}");
    assert_eq!(
        reply.json["properties"]["provisioningState"], "Updating",
        "{}",
        reply.text
    );
    reply.json
}

/// GET of `rest` once the writes have completed.
async fn settled(h: &Harness, token: &str, rg: &str, rest: &str) -> Value {
    h.advance_clock(1).await;
    let reply = h.arm(Method::GET, &path(h, rg, rest), token, None).await;
    assert_eq!(reply.status, 200, "{rest}: {}", reply.text);
    reply.json
}

/// The `(status, code)` of a request.
async fn outcome(h: &Harness, token: &str, method: Method, path: &str, body: Option<Value>) -> (u16, String) {
    let reply = h.arm(method, path, token, body).await;
    (reply.status, reply.arm_code().to_owned())
}

/// Asserts `actual` is the same JSON as `expected` (objects in any key order), listing the
/// differences.
fn assert_same(expected: &Value, actual: &Value, context: &str) {
    let mut differences = Vec::new();
    compare(expected, actual, "", &mut differences);
    assert!(
        differences.is_empty(),
        "{context}:\n  {}\nactual: {actual:#}",
        differences.join("\n  ")
    );
}

fn compare(expected: &Value, actual: &Value, at: &str, out: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for key in e.keys().chain(a.keys().filter(|k| !e.contains_key(*k))) {
                let here = format!("{at}/{key}");
                match (e.get(key), a.get(key)) {
                    (Some(e), Some(a)) => compare(e, a, &here, out),
                    (Some(e), None) => out.push(format!("{here}: lost (was {e})")),
                    (None, Some(a)) => out.push(format!("{here}: added ({a})")),
                    (None, None) => {}
                }
            }
        }
        (Value::Array(e), Value::Array(a)) if e.len() == a.len() => {
            for (i, (e, a)) in e.iter().zip(a).enumerate() {
                compare(e, a, &format!("{at}/{i}"), out);
            }
        }
        _ if expected == actual => {}
        _ => out.push(format!("{at}: {expected} became {actual}")),
    }
}

#[tokio::test]
async fn every_example_is_written_and_read_back_in_its_shape() {
    let h = Harness::start().await;
    let token = h.token().await;
    let subscription = h.info().defaults.subscription_id.clone();
    let mut files: Vec<String> = std::fs::read_dir(examples_dir())
        .expect("the examples folder")
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".json"))
        .collect();
    files.sort();
    assert!(files.len() >= 6, "{files:?}");
    for file in files {
        let example = example(&file, &subscription);
        let parameters = &example["parameters"];
        let rg = parameters["resourceGroupName"].as_str().unwrap_or_default().to_owned();
        let (rest, body, expected) = match example["operationId"].as_str().unwrap() {
            // The request's body; Network's answer after the operation is the example's 200.
            "NetworkSecurityGroups_CreateOrUpdate" => (
                format!(
                    "networkSecurityGroups/{}",
                    parameters["networkSecurityGroupName"].as_str().unwrap()
                ),
                parameters["parameters"].clone(),
                example["responses"]["200"]["body"].clone(),
            ),
            // A GET example: its answer, written back (Network ignores the read-only parts).
            "NetworkSecurityGroups_Get" => (
                format!(
                    "networkSecurityGroups/{}",
                    parameters["networkSecurityGroupName"].as_str().unwrap()
                ),
                example["responses"]["200"]["body"].clone(),
                example["responses"]["200"]["body"].clone(),
            ),
            "RouteTables_Get" => (
                format!("routeTables/{}", parameters["routeTableName"].as_str().unwrap()),
                example["responses"]["200"]["body"].clone(),
                example["responses"]["200"]["body"].clone(),
            ),
            // Subnets: in a virtual network whose space holds them. SubnetCreateWithDelegation's
            // request lacks the delegation its answer shows: its answer is written instead.
            "Subnets_Get" | "Subnets_CreateOrUpdate" => {
                let vnet = parameters["virtualNetworkName"].as_str().unwrap();
                group(&h, &token, &rg, "westus").await;
                let space = json!({ "location": "westus", "properties": { "addressSpace": { "addressPrefixes": ["10.0.0.0/8"] } } });
                let reply = h
                    .arm(
                        Method::PUT,
                        &path(&h, &rg, &format!("virtualNetworks/{vnet}")),
                        &token,
                        Some(space),
                    )
                    .await;
                assert!(matches!(reply.status, 200 | 201), "{file}: {}", reply.text);
                (
                    format!(
                        "virtualNetworks/{vnet}/subnets/{}",
                        parameters["subnetName"].as_str().unwrap()
                    ),
                    example["responses"]["200"]["body"].clone(),
                    example["responses"]["200"]["body"].clone(),
                )
            }
            // The service tags list is no resource the emulator serves (the preflight reads tags
            // from rules, not from this list).
            "ServiceTags_List" => continue,
            other => panic!("{file}: an example of {other}, which this test does not know yet"),
        };
        group(&h, &token, &rg, "westus").await;
        // Two examples may name one resource in different regions: each starts afresh.
        let deleted = h.arm(Method::DELETE, &path(&h, &rg, &rest), &token, None).await;
        assert!(matches!(deleted.status, 200 | 202 | 204), "{file}: {}", deleted.text);
        h.advance_clock(1).await;
        let written = h.arm(Method::PUT, &path(&h, &rg, &rest), &token, Some(body)).await;
        assert!(matches!(written.status, 200 | 201), "{file}: {}", written.text);
        let read = settled(&h, &token, &rg, &rest).await;
        assert_same(&expected, &read, &file);
    }
}

/// A security group allowing HTTPS out, with one inbound rule.
fn nsg_body(location: &str) -> Value {
    json!({
        "location": location,
        "properties": { "securityRules": [
            { "name": "https-out", "properties": {
                "protocol": "tcp", "access": "Allow", "direction": "Outbound", "priority": 100,
                "sourceAddressPrefix": "VirtualNetwork", "sourcePortRange": "*",
                "destinationAddressPrefixes": ["AzureKeyVault", "Storage.WestEurope"],
                "destinationPortRanges": ["443", "12000-12001"],
            } },
            { "name": "ssh-in", "properties": {
                "protocol": "Tcp", "access": "Deny", "direction": "Inbound", "priority": 200,
                "sourceAddressPrefix": "10.1.0.0/16", "sourcePortRange": "*",
                "destinationAddressPrefix": "*", "destinationPortRange": "22",
            } },
        ] },
    })
}

/// A route table sending everything to a firewall.
fn route_table_body(location: &str) -> Value {
    json!({
        "location": location,
        "properties": { "routes": [
            { "name": "default", "properties": {
                "addressPrefix": "0.0.0.0/0", "nextHopType": "virtualappliance", "nextHopIpAddress": "10.0.9.4",
            } },
        ] },
    })
}

/// A virtual network `10.0.0.0/16` with `subnets`.
fn vnet_body(subnets: Value) -> Value {
    json!({
        "location": "westeurope",
        "properties": { "addressSpace": { "addressPrefixes": ["10.0.0.0/16"] }, "subnets": subnets },
    })
}

#[tokio::test]
async fn subnets_inline_and_as_children_carry_their_references_and_are_referred_back() {
    let h = Harness::start().await;
    let token = h.token().await;
    let rg = "rg-emulator";
    create(&h, &token, rg, "networkSecurityGroups/nsg-pool", nsg_body("westeurope")).await;
    create(&h, &token, rg, "routeTables/rt-pool", route_table_body("westeurope")).await;
    let nsg_id = id(&h, rg, "networkSecurityGroups/nsg-pool");
    let rt_id = id(&h, rg, "routeTables/rt-pool");
    let inline = json!([{ "name": "default", "properties": {
        "addressPrefix": "10.0.0.0/24",
        "networkSecurityGroup": { "id": nsg_id.to_uppercase() },
    } }]);
    let created = create(&h, &token, rg, "virtualNetworks/vnet-pool", vnet_body(inline)).await;
    assert_eq!(
        created["properties"]["subnets"][0]["properties"]["networkSecurityGroup"]["id"],
        nsg_id
    );

    // A child subnet with a route table, a delegation and a service endpoint.
    let child = json!({ "properties": {
        "addressPrefixes": ["10.0.1.0/24"],
        "networkSecurityGroup": { "id": nsg_id },
        "routeTable": { "id": rt_id },
        "delegations": [{ "name": "aci", "properties": { "serviceName": "Microsoft.ContainerInstance/containerGroups" } }],
        "serviceEndpoints": [{ "service": "Microsoft.Storage" }],
    } });
    let subnet = create(&h, &token, rg, "virtualNetworks/vnet-pool/subnets/agents", child).await;
    let subnet_id = id(&h, rg, "virtualNetworks/vnet-pool/subnets/agents");
    assert_eq!(subnet["id"], subnet_id);

    let read = settled(&h, &token, rg, "virtualNetworks/vnet-pool/subnets/agents").await;
    let properties = &read["properties"];
    assert_eq!(properties["provisioningState"], "Succeeded");
    assert_eq!(properties["networkSecurityGroup"]["id"], nsg_id);
    assert_eq!(properties["routeTable"]["id"], rt_id);
    assert_eq!(properties["addressPrefixes"], json!(["10.0.1.0/24"]));
    let delegation = &properties["delegations"][0];
    assert_eq!(delegation["id"], format!("{subnet_id}/delegations/aci"));
    assert_eq!(
        delegation["properties"]["actions"],
        json!(["Microsoft.Network/virtualNetworks/subnets/action"])
    );
    assert_eq!(properties["serviceEndpoints"][0]["locations"], json!(["westeurope"]));

    let vnet = settled(&h, &token, rg, "virtualNetworks/vnet-pool").await;
    let names: Vec<&str> = vnet["properties"]["subnets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["default", "agents"]);
    let listed = settled(&h, &token, rg, "virtualNetworks/vnet-pool/subnets").await;
    assert_eq!(listed["value"].as_array().unwrap().len(), 2, "{listed}");

    let nsg = settled(&h, &token, rg, "networkSecurityGroups/nsg-pool").await;
    let default_id = id(&h, rg, "virtualNetworks/vnet-pool/subnets/default");
    assert_eq!(
        nsg["properties"]["subnets"],
        json!([{ "id": default_id }, { "id": subnet_id }])
    );
    assert_eq!(nsg["properties"]["defaultSecurityRules"].as_array().unwrap().len(), 6);
    assert_eq!(nsg["properties"]["securityRules"][0]["properties"]["protocol"], "Tcp");
    let rt = settled(&h, &token, rg, "routeTables/rt-pool").await;
    assert_eq!(rt["properties"]["subnets"], json!([{ "id": subnet_id }]));
    assert_eq!(
        rt["properties"]["routes"][0]["properties"]["nextHopType"],
        "VirtualAppliance"
    );
    assert_eq!(rt["properties"]["disableBgpRoutePropagation"], false);
    let default_rule = settled(
        &h,
        &token,
        rg,
        "networkSecurityGroups/nsg-pool/defaultSecurityRules/DenyAllOutBound",
    )
    .await;
    assert_eq!(default_rule["properties"]["priority"], 65500);

    // In use: neither the group nor the table can go.
    let nsg_path = path(&h, rg, "networkSecurityGroups/nsg-pool");
    let rt_path = path(&h, rg, "routeTables/rt-pool");
    assert_eq!(
        outcome(&h, &token, Method::DELETE, &nsg_path, None).await,
        (400, "InUseNetworkSecurityGroupCannotBeDeleted".into())
    );
    assert_eq!(
        outcome(&h, &token, Method::DELETE, &rt_path, None).await,
        (400, "InUseRouteTableCannotBeDeleted".into())
    );

    // A PUT of the virtual network is its whole state: the subnets it leaves out go.
    let updated = h
        .arm(
            Method::PUT,
            &path(&h, rg, "virtualNetworks/vnet-pool"),
            &token,
            Some(vnet_body(json!([]))),
        )
        .await;
    assert_eq!(updated.status, 200, "{}", updated.text);
    let nsg = settled(&h, &token, rg, "networkSecurityGroups/nsg-pool").await;
    assert!(nsg["properties"].get("subnets").is_none(), "{nsg}");
    let gone = h
        .arm(
            Method::GET,
            &path(&h, rg, "virtualNetworks/vnet-pool/subnets/agents"),
            &token,
            None,
        )
        .await;
    assert_eq!((gone.status, gone.arm_code()), (404, "NotFound"), "{}", gone.text);
    assert!(matches!(
        h.arm(Method::DELETE, &nsg_path, &token, None).await.status,
        200 | 202 | 204
    ));
    assert!(matches!(
        h.arm(Method::DELETE, &rt_path, &token, None).await.status,
        200 | 202 | 204
    ));
}

#[tokio::test]
async fn child_rules_and_routes_are_written_listed_and_deleted() {
    let h = Harness::start().await;
    let token = h.token().await;
    let rg = "rg-emulator";
    create(&h, &token, rg, "networkSecurityGroups/nsg", nsg_body("eastus")).await;
    create(&h, &token, rg, "routeTables/rt", route_table_body("eastus")).await;
    let monitor = json!({ "properties": {
        "protocol": "*", "access": "Allow", "direction": "Outbound", "priority": 110,
        "sourceAddressPrefix": "*", "sourcePortRange": "*",
        "destinationAddressPrefix": "AzureMonitor", "destinationPortRange": "12000",
    } });
    let rule = create(
        &h,
        &token,
        rg,
        "networkSecurityGroups/nsg/securityRules/monitor",
        monitor.clone(),
    )
    .await;
    assert_eq!(
        rule["id"],
        id(&h, rg, "networkSecurityGroups/nsg/securityRules/monitor")
    );
    let again = h
        .arm(
            Method::PUT,
            &path(&h, rg, "networkSecurityGroups/nsg/securityRules/monitor"),
            &token,
            Some(monitor),
        )
        .await;
    assert_eq!(again.status, 200, "a rewrite answers 200: {}", again.text);
    let rules = settled(&h, &token, rg, "networkSecurityGroups/nsg/securityRules").await;
    let names: Vec<&str> = rules["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["https-out", "ssh-in", "monitor"]);

    let local = json!({ "properties": { "addressPrefix": "AzureMonitor", "nextHopType": "Internet" } });
    create(&h, &token, rg, "routeTables/rt/routes/monitor", local).await;
    let routes = settled(&h, &token, rg, "routeTables/rt/routes").await;
    assert_eq!(routes["value"].as_array().unwrap().len(), 2, "{routes}");

    for rest in [
        "networkSecurityGroups/nsg/securityRules/monitor",
        "routeTables/rt/routes/monitor",
    ] {
        let at = path(&h, rg, rest);
        let deleted = h.arm(Method::DELETE, &at, &token, None).await;
        assert!(matches!(deleted.status, 200 | 202 | 204), "{rest}: {}", deleted.text);
        h.advance_clock(1).await;
        let after = h.arm(Method::GET, &at, &token, None).await;
        assert_eq!(
            (after.status, after.arm_code()),
            (404, "NotFound"),
            "{rest}: {}",
            after.text
        );
        assert_eq!(h.arm(Method::DELETE, &at, &token, None).await.status, 204, "{rest}");
    }
    let missing_parent = path(&h, rg, "routeTables/nope/routes/r");
    let body = json!({ "properties": { "addressPrefix": "10.0.0.0/8", "nextHopType": "None" } });
    assert_eq!(
        outcome(&h, &token, Method::PUT, &missing_parent, Some(body)).await,
        (404, "ResourceNotFound".into())
    );
}

/// A rule body with `change` merged into valid properties.
fn rule_with(change: Value) -> Value {
    let mut properties = json!({
        "protocol": "Tcp", "access": "Allow", "direction": "Outbound", "priority": 300,
        "sourceAddressPrefix": "*", "sourcePortRange": "*",
        "destinationAddressPrefix": "Storage", "destinationPortRange": "443",
    });
    for (key, value) in change.as_object().unwrap() {
        properties[key] = value.clone();
    }
    json!({ "properties": properties })
}

#[tokio::test]
async fn invalid_configurations_are_refused_with_networks_codes() {
    let h = Harness::start().await;
    let token = h.token().await;
    let rg = "rg-emulator";
    group(&h, &token, "rg-far", "eastus").await;
    create(&h, &token, rg, "networkSecurityGroups/nsg", nsg_body("westeurope")).await;
    create(
        &h,
        &token,
        "rg-far",
        "networkSecurityGroups/nsg-far",
        nsg_body("eastus"),
    )
    .await;
    create(
        &h,
        &token,
        rg,
        "virtualNetworks/vnet",
        vnet_body(json!([{ "name": "a", "properties": { "addressPrefix": "10.0.0.0/24" } }])),
    )
    .await;
    let subnet = |body: Value| (path(&h, rg, "virtualNetworks/vnet/subnets/b"), body);
    let nsg_id = id(&h, rg, "networkSecurityGroups/nsg");
    let far_id = id(&h, "rg-far", "networkSecurityGroups/nsg-far");
    let cases: Vec<(&str, (String, Value), &str)> = vec![
        (
            "a prefix that is no CIDR",
            subnet(json!({ "properties": { "addressPrefix": "10.0.1.0" } })),
            "InvalidAddressPrefixFormat",
        ),
        (
            "host bits set",
            subnet(json!({ "properties": { "addressPrefix": "10.0.1.5/24" } })),
            "InvalidCIDRNotation",
        ),
        (
            "outside the space",
            subnet(json!({ "properties": { "addressPrefix": "10.1.0.0/24" } })),
            "NetcfgSubnetRangeOutsideVnet",
        ),
        (
            "overlapping a",
            subnet(json!({ "properties": { "addressPrefix": "10.0.0.128/25" } })),
            "NetcfgSubnetRangesOverlap",
        ),
        (
            "no range",
            subnet(json!({ "properties": {} })),
            "NoAddressPrefixOrPoolProvided",
        ),
        (
            "a missing security group",
            subnet(
                json!({ "properties": { "addressPrefix": "10.0.1.0/24", "networkSecurityGroup": { "id": format!("{nsg_id}-nope") } } }),
            ),
            "InvalidResourceReference",
        ),
        (
            "a security group in another region",
            subnet(
                json!({ "properties": { "addressPrefix": "10.0.1.0/24", "networkSecurityGroup": { "id": far_id } } }),
            ),
            "InvalidResourceReference",
        ),
        (
            "a delegation to no resource type",
            subnet(
                json!({ "properties": { "addressPrefix": "10.0.1.0/24", "delegations": [{ "name": "d", "properties": { "serviceName": "Microsoft.Web" } }] } }),
            ),
            "InvalidServiceNameOnDelegation",
        ),
        (
            "a bad virtual network name",
            (path(&h, rg, "virtualNetworks/-vnet"), vnet_body(json!([]))),
            "InvalidResourceName",
        ),
        (
            "inline subnets that overlap",
            (
                path(&h, rg, "virtualNetworks/vnet2"),
                vnet_body(json!([
                    { "name": "x", "properties": { "addressPrefix": "10.0.0.0/23" } },
                    { "name": "y", "properties": { "addressPrefix": "10.0.1.0/24" } },
                ])),
            ),
            "NetcfgSubnetRangesOverlap",
        ),
    ];
    let rule = |change: Value| {
        (
            path(&h, rg, "networkSecurityGroups/nsg/securityRules/r"),
            rule_with(change),
        )
    };
    let more: Vec<(&str, (String, Value), &str)> = vec![
        (
            "priority 99",
            rule(json!({ "priority": 99 })),
            "SecurityRuleInvalidPriority",
        ),
        (
            "priority 4097",
            rule(json!({ "priority": 4097 })),
            "SecurityRuleInvalidPriority",
        ),
        (
            "port 70000",
            rule(json!({ "destinationPortRange": "70000" })),
            "SecurityRuleInvalidPortRange",
        ),
        (
            "ports 20-10",
            rule(json!({ "destinationPortRange": "20-10" })),
            "SecurityRuleInvalidPortRange",
        ),
        (
            "a list in one range",
            rule(json!({ "destinationPortRange": "80,443" })),
            "SecurityRuleInvalidPortRange",
        ),
        (
            "host bits in a rule prefix",
            rule(json!({ "destinationAddressPrefix": "20.20.20.20/16" })),
            "SecurityRuleInvalidAddressPrefix",
        ),
        (
            "a protocol Network lacks",
            rule(json!({ "protocol": "Sctp" })),
            "InvalidRequestFormat",
        ),
        (
            "no direction",
            rule(json!({ "direction": null })),
            "InvalidRequestFormat",
        ),
        (
            "the priority and direction of https-out",
            rule(json!({ "priority": 100 })),
            "SecurityRuleConflict",
        ),
        (
            "an appliance route without its address",
            (
                path(&h, rg, "routeTables/rt"),
                json!({ "location": "westeurope", "properties": { "routes": [{ "name": "r", "properties": { "addressPrefix": "0.0.0.0/0", "nextHopType": "VirtualAppliance" } }] } }),
            ),
            "InvalidNextHopIpAddress",
        ),
        (
            "a route to a bad prefix",
            (
                path(&h, rg, "routeTables/rt"),
                json!({ "location": "westeurope", "properties": { "routes": [{ "name": "r", "properties": { "addressPrefix": "10.0.0.0/40", "nextHopType": "None" } }] } }),
            ),
            "InvalidAddressPrefixFormat",
        ),
        (
            "a next hop type Network lacks",
            (
                path(&h, rg, "routeTables/rt"),
                json!({ "location": "westeurope", "properties": { "routes": [{ "name": "r", "properties": { "addressPrefix": "10.0.0.0/8", "nextHopType": "Firewall" } }] } }),
            ),
            "InvalidRequestFormat",
        ),
    ];
    for (what, (at, body), code) in cases.into_iter().chain(more) {
        let reply = h.arm(Method::PUT, &at, &token, Some(body)).await;
        assert_eq!((reply.status, reply.arm_code()), (400, code), "{what}: {}", reply.text);
        let message = reply.json["error"]["message"].as_str().unwrap_or_default();
        assert!(
            !message.is_empty() && !message.contains('\n'),
            "{what}: one line: {message}"
        );
    }
    // Nothing was written by a refused request.
    let subnets = settled(&h, &token, rg, "virtualNetworks/vnet/subnets").await;
    assert_eq!(subnets["value"].as_array().unwrap().len(), 1, "{subnets}");
    let rules = settled(&h, &token, rg, "networkSecurityGroups/nsg/securityRules").await;
    assert_eq!(rules["value"].as_array().unwrap().len(), 2, "{rules}");
}

/// DELETEs `at` until it is gone, following a 202's `Azure-AsyncOperation`; the status answered.
async fn delete_until_gone(h: &Harness, token: &str, at: &str) -> u16 {
    let deleted = h.arm(Method::DELETE, at, token, None).await;
    if deleted.status == 202 {
        let during = h.arm(Method::GET, at, token, None).await;
        assert_eq!(
            during.json["properties"]["provisioningState"], "Deleting",
            "{}",
            during.text
        );
        let again = h.arm(Method::DELETE, at, token, None).await;
        assert_eq!(
            again.header("azure-asyncoperation"),
            deleted.header("azure-asyncoperation")
        );
        let status = deleted.header("azure-asyncoperation").expect("Azure-AsyncOperation");
        let status = status.strip_prefix(&h.info().endpoints.arm).unwrap().to_owned();
        let polled = h.arm(Method::GET, &status, token, None).await;
        assert_eq!(polled.json["status"], "InProgress", "{}", polled.text);
        h.advance_clock(4).await;
        let polled = h.arm(Method::GET, &status, token, None).await;
        assert_eq!(polled.json["status"], "Succeeded", "{}", polled.text);
    } else {
        assert!(matches!(deleted.status, 200 | 204), "{at}: {}", deleted.text);
    }
    assert_eq!(h.arm(Method::GET, at, token, None).await.status, 404, "{at}");
    deleted.status
}

#[tokio::test]
async fn writes_are_operations_and_deletes_draw_200_202_and_204() {
    let mut seen = Vec::new();
    for seed in [1, 2, 3] {
        // Operations long enough to be seen in progress; the clock ends them.
        let mut config = quick_config();
        config.operation_duration_ms = 3000;
        config.responses.seed = Some(seed);
        let h = Harness::with(config).await;
        let token = h.token().await;
        for n in 0..3 {
            let created = h
                .arm(
                    Method::PUT,
                    &path(&h, "rg-emulator", &format!("virtualNetworks/v{n}")),
                    &token,
                    Some(vnet_body(json!([]))),
                )
                .await;
            assert_eq!(created.status, 201, "{}", created.text);
            let status = created.header("azure-asyncoperation").unwrap();
            let status = status.strip_prefix(&h.info().endpoints.arm).unwrap().to_owned();
            assert!(
                status.contains("/providers/Microsoft.Network/locations/westeurope/operations/"),
                "{status}"
            );
            let polled = h.arm(Method::GET, &status, &token, None).await;
            assert_eq!(polled.json["status"], "InProgress", "{}", polled.text);
            h.advance_clock(4).await;
            let polled = h.arm(Method::GET, &status, &token, None).await;
            assert_eq!(polled.json["status"], "Succeeded", "{}", polled.text);
            seen.push(delete_until_gone(&h, &token, &path(&h, "rg-emulator", &format!("virtualNetworks/v{n}"))).await);
        }
    }
    for status in [200, 202, 204] {
        assert!(seen.contains(&status), "{status} never drawn: {seen:?}");
    }
}

#[tokio::test]
async fn group_deletion_cascades_and_the_generic_list_shows_the_top_level_types() {
    let h = Harness::start().await;
    let token = h.token().await;
    let subscription = h.info().defaults.subscription_id.clone();
    group(&h, &token, "rg-net", "westeurope").await;
    create(
        &h,
        &token,
        "rg-net",
        "networkSecurityGroups/nsg",
        nsg_body("westeurope"),
    )
    .await;
    create(&h, &token, "rg-net", "routeTables/rt", route_table_body("westeurope")).await;
    let nsg_id = id(&h, "rg-net", "networkSecurityGroups/nsg");
    let inline = json!([{ "name": "s", "properties": { "addressPrefix": "10.0.0.0/24", "networkSecurityGroup": { "id": nsg_id } } }]);
    create(&h, &token, "rg-emulator", "virtualNetworks/vnet", vnet_body(inline)).await;

    let generic = format!("/subscriptions/{subscription}/resources?api-version={RG_API}");
    let listed = h.arm(Method::GET, &generic, &token, None).await;
    let mut types: Vec<&str> = listed.json["value"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["type"].as_str())
        .filter(|t| t.starts_with("Microsoft.Network/"))
        .collect();
    types.sort_unstable();
    assert_eq!(
        types,
        [
            "Microsoft.Network/networkSecurityGroups",
            "Microsoft.Network/routeTables",
            "Microsoft.Network/virtualNetworks"
        ],
        "{}",
        listed.text
    );
    let by_group = h
        .arm(Method::GET, &path(&h, "rg-net", "networkSecurityGroups"), &token, None)
        .await;
    assert_eq!(by_group.json["value"][0]["id"], nsg_id, "{}", by_group.text);
    let by_subscription =
        format!("/subscriptions/{subscription}/providers/Microsoft.Network/routeTables?api-version={API}");
    let tables = h.arm(Method::GET, &by_subscription, &token, None).await;
    assert_eq!(tables.json["value"].as_array().unwrap().len(), 1, "{}", tables.text);

    assert_eq!(
        h.arm(Method::DELETE, &h.rg_path("rg-net"), &token, None).await.status,
        202
    );
    h.advance_clock(1).await;
    let tables = h.arm(Method::GET, &by_subscription, &token, None).await;
    assert_eq!(tables.json["value"], json!([]), "{}", tables.text);
    // The subnet of the other group no longer refers to the deleted security group.
    let subnet = settled(&h, &token, "rg-emulator", "virtualNetworks/vnet/subnets/s").await;
    assert!(subnet["properties"].get("networkSecurityGroup").is_none(), "{subnet}");
}

#[tokio::test]
async fn every_published_api_version_is_accepted_and_others_refused() {
    let h = Harness::start().await;
    let token = h.token().await;
    let subscription = h.info().defaults.subscription_id.clone();
    for version in ["2015-06-15", "2019-11-01", "2024-05-01", "2025-09-01", "2026-07-01"] {
        let at =
            format!("/subscriptions/{subscription}/providers/Microsoft.Network/virtualNetworks?api-version={version}");
        assert_eq!(h.arm(Method::GET, &at, &token, None).await.status, 200, "{version}");
    }
    let at = format!(
        "/subscriptions/{subscription}/providers/Microsoft.Network/networkSecurityGroups?api-version=2099-01-01"
    );
    assert_eq!(
        outcome(&h, &token, Method::GET, &at, None).await,
        (400, "InvalidApiVersionParameter".into())
    );
}
