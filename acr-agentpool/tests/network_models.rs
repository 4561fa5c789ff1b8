//! The `Microsoft.Network` models against the official examples in
//! `fixtures/api-examples/network/`: every request and response body round-trips exactly,
//! example values land in typed fields, and every enum value of the examples is a variant.

use acr_agentpool::network::model::{
    NetworkSecurityGroup, NextHopType, ProvisioningState, RouteTable, SecurityRuleAccess, SecurityRuleDirection,
    SecurityRuleProtocol, ServiceTagsListResult, Subnet, VirtualNetwork,
};
use arm_core::test_support::examples::{ApiExamples, check_enum, round_trip};
use serde_json::{Value, json};

fn examples() -> ApiExamples {
    ApiExamples::new("network")
}

/// The request body parameter of an operation, and the model of its bodies.
fn round_trip_as(operation: &str, body: &Value, context: &str) {
    match operation {
        "Subnets_Get" | "Subnets_CreateOrUpdate" => drop(round_trip::<Subnet>(body, context)),
        "NetworkSecurityGroups_Get" | "NetworkSecurityGroups_CreateOrUpdate" => {
            drop(round_trip::<NetworkSecurityGroup>(body, context))
        }
        "RouteTables_Get" => drop(round_trip::<RouteTable>(body, context)),
        "ServiceTags_List" => drop(round_trip::<ServiceTagsListResult>(body, context)),
        other => panic!("{context}: operation {other} has no model"),
    }
}

/// The names of the body parameters of the PUT examples (the spec's `in: body` parameters).
const BODY_PARAMETERS: &[&str] = &["parameters", "subnetParameters"];

#[test]
fn every_example_body_round_trips_through_its_model() {
    let files = examples().files();
    assert!(files.len() >= 6, "expected the 6 examples, found {files:?}");
    let (mut requests, mut responses) = (0, 0);
    for file in &files {
        let example = examples().read(file);
        let operation = example["operationId"]
            .as_str()
            .unwrap_or_else(|| panic!("{file}: no operationId"));
        for name in BODY_PARAMETERS {
            if let Some(body) = example["parameters"].get(*name).filter(|body| body.is_object()) {
                round_trip_as(operation, body, &format!("{file} request {name}"));
                requests += 1;
            }
        }
        for (status, response) in example["responses"].as_object().into_iter().flatten() {
            if let Some(body) = response.get("body") {
                round_trip_as(operation, body, &format!("{file} response {status}"));
                responses += 1;
            }
        }
    }
    // Requests: the NSG and subnet PUTs. Responses: NSG PUT 200+201, NSG GET, route table GET,
    // service tags, subnet PUT 200+201, subnet GET.
    assert_eq!((requests, responses), (2, 8), "bodies checked");
}

#[test]
fn example_values_land_in_typed_fields() {
    let nsg: NetworkSecurityGroup =
        serde_json::from_value(examples().read("NetworkSecurityGroupGet.json")["responses"]["200"]["body"].clone())
            .unwrap();
    assert_eq!(nsg.location.as_deref(), Some("westus"));
    let rule = nsg.security_rules()[0].properties.as_ref().unwrap();
    assert_eq!(
        (
            &rule.access,
            &rule.direction,
            &rule.protocol,
            rule.priority,
            rule.destination_port_range.as_deref()
        ),
        (
            &Some(SecurityRuleAccess::Allow),
            &Some(SecurityRuleDirection::Inbound),
            &Some(SecurityRuleProtocol::Any),
            Some(130),
            Some("80")
        )
    );
    let defaults: Vec<&str> = nsg
        .default_security_rules()
        .iter()
        .map(|rule| rule.name.as_deref().unwrap())
        .collect();
    assert_eq!(
        defaults,
        [
            "AllowVnetInBound",
            "AllowAzureLoadBalancerInBound",
            "DenyAllInBound",
            "AllowVnetOutBound",
            "AllowInternetOutBound",
            "DenyAllOutBound"
        ]
    );

    let table: RouteTable =
        serde_json::from_value(examples().read("RouteTableGet.json")["responses"]["200"]["body"].clone()).unwrap();
    let route = table.routes()[0].properties.as_ref().unwrap();
    assert_eq!(route.address_prefix.as_deref(), Some("10.0.3.0/24"));
    assert_eq!(route.next_hop_type, Some(NextHopType::VirtualNetworkGateway));

    let subnet: Subnet =
        serde_json::from_value(examples().read("SubnetCreateWithDelegation.json")["responses"]["201"]["body"].clone())
            .unwrap();
    assert_eq!(subnet.address_prefixes(), ["10.0.0.0/16"]);
    let delegation = &subnet.properties.as_ref().unwrap().delegations.as_ref().unwrap()[0];
    assert_eq!(
        delegation.properties.as_ref().unwrap().service_name.as_deref(),
        Some("Microsoft.Provider/resourceType")
    );
    assert_eq!(subnet.network_security_group_id(), None);
    assert_eq!(subnet.route_table_id(), None);

    let tags: ServiceTagsListResult =
        serde_json::from_value(examples().read("ServiceTagsList.json")["responses"]["200"]["body"].clone()).unwrap();
    let regional = &tags.values.as_ref().unwrap()[1];
    assert_eq!(regional.name.as_deref(), Some("ApiManagement.AustraliaCentral"));
    assert_eq!(
        regional.properties.as_ref().unwrap().region.as_deref(),
        Some("australiacentral")
    );
}

#[test]
fn a_subnet_with_several_prefixes_and_references_reads_them() {
    let subnet: Subnet = round_trip(
        &json!({
            "id": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/agents",
            "name": "agents",
            "type": "Microsoft.Network/virtualNetworks/subnets",
            "etag": "W/\"1\"",
            "properties": {
                "addressPrefixes": ["10.0.1.0/24", "10.0.2.0/24"],
                "networkSecurityGroup": {"id": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/net/providers/Microsoft.Network/networkSecurityGroups/agents-nsg"},
                "routeTable": {"id": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/net/providers/Microsoft.Network/routeTables/agents-rt"},
                "serviceEndpoints": [{"service": "Microsoft.Storage", "locations": ["westus2", "westcentralus"], "provisioningState": "Succeeded"}],
                "ipConfigurations": [{"id": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/MC/providers/Microsoft.Network/networkInterfaces/nic/ipConfigurations/ip"}],
                "privateEndpointNetworkPolicies": "Disabled",
                "defaultOutboundAccess": false,
                "provisioningState": "Updating"
            }
        }),
        "subnet",
    );
    assert_eq!(subnet.address_prefixes(), ["10.0.1.0/24", "10.0.2.0/24"]);
    assert!(subnet.network_security_group_id().unwrap().ends_with("/agents-nsg"));
    assert!(subnet.route_table_id().unwrap().ends_with("/agents-rt"));
    assert_eq!(
        subnet.service_endpoints()[0].service.as_deref(),
        Some("Microsoft.Storage")
    );

    let vnet: VirtualNetwork = round_trip(
        &json!({
            "name": "vnet",
            "location": "westus2",
            "properties": {
                "addressSpace": {"addressPrefixes": ["10.0.0.0/16"]},
                "subnets": [{"name": "agents", "properties": {"addressPrefix": "10.0.1.0/24"}}],
                "provisioningState": "Succeeded"
            }
        }),
        "virtual network",
    );
    assert_eq!(
        vnet.properties.unwrap().subnets.unwrap()[0].address_prefixes(),
        ["10.0.1.0/24"]
    );
}

#[test]
fn every_enum_value_is_a_variant_and_unknown_ones_are_kept() {
    for value in ["Tcp", "Udp", "Icmp", "Esp", "*", "Ah"] {
        check_enum::<SecurityRuleProtocol>(value);
    }
    for value in ["Allow", "Deny"] {
        check_enum::<SecurityRuleAccess>(value);
    }
    for value in ["Inbound", "Outbound"] {
        check_enum::<SecurityRuleDirection>(value);
    }
    for value in [
        "VirtualNetworkGateway",
        "VnetLocal",
        "Internet",
        "VirtualAppliance",
        "None",
    ] {
        check_enum::<NextHopType>(value);
    }
    for value in ["Succeeded", "Updating", "Deleting", "Failed"] {
        check_enum::<ProvisioningState>(value);
    }
    assert_eq!(
        SecurityRuleProtocol::from("TCP"),
        SecurityRuleProtocol::Tcp,
        "case-insensitive"
    );
}
