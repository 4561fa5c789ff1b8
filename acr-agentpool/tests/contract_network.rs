//! Contract tests of `NetworkClient` against wiremock: method, path and api-version of the
//! subnet, network security group and route table reads, the preflight reading the three and
//! evaluating them, a missing subnet refused in one line, and malformed ids refused before any
//! request.

use acr_agentpool::Error;
use acr_agentpool::network::{
    DEFAULT_NETWORK_API_VERSION, NetworkClient, NetworkClientOptions, PreflightOptions, Verdict,
};
use arm_core::test_support::examples::ApiExamples;
use arm_core::test_support::{arm_error, mock_arm_client};
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const GROUP: &str =
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.Network";
const SUBNET: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.Network/virtualNetworks/vnet/subnets/agents";
const NSG: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.Network/networkSecurityGroups/testnsg";
const TABLE: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.Network/routeTables/testrt";

fn client(server: &MockServer, api_version: Option<&str>) -> NetworkClient {
    let arm = mock_arm_client(&server.uri(), None).unwrap();
    let options = api_version.map(|api_version| NetworkClientOptions {
        api_version: api_version.to_owned(),
    });
    NetworkClient::new(arm, options)
}

/// The 200 body of an official example (`fixtures/api-examples/network/`).
fn example(name: &str) -> Value {
    ApiExamples::new("network").read(name)["responses"]["200"]["body"].clone()
}

async fn answer(server: &MockServer, at: &str, api_version: &str, body: Value) {
    Mock::given(method("GET"))
        .and(path(at))
        .and(query_param("api-version", api_version))
        .and(header("authorization", "Bearer test-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .mount(server)
        .await;
}

fn subnet_with_references() -> Value {
    let mut subnet = example("SubnetGet.json");
    subnet["id"] = json!(SUBNET);
    subnet["properties"]["networkSecurityGroup"] = json!({"id": NSG});
    subnet["properties"]["routeTable"] = json!({"id": TABLE});
    subnet
}

#[tokio::test]
async fn the_three_reads_send_get_to_the_id_with_the_api_version() {
    let server = MockServer::start().await;
    answer(&server, SUBNET, DEFAULT_NETWORK_API_VERSION, subnet_with_references()).await;
    answer(
        &server,
        NSG,
        DEFAULT_NETWORK_API_VERSION,
        example("NetworkSecurityGroupGet.json"),
    )
    .await;
    answer(
        &server,
        TABLE,
        DEFAULT_NETWORK_API_VERSION,
        example("RouteTableGet.json"),
    )
    .await;
    let network = client(&server, None);
    assert_eq!(network.api_version(), "2024-05-01");

    let subnet = network.get_subnet(SUBNET, None).await.unwrap();
    assert_eq!(subnet.network_security_group_id(), Some(NSG));
    let nsg = network.get_network_security_group(NSG, None).await.unwrap();
    assert_eq!(nsg.default_security_rules().len(), 6);
    let table = network.get_route_table(TABLE, None).await.unwrap();
    assert_eq!(table.routes()[0].name.as_deref(), Some("route1"));
}

#[tokio::test]
async fn preflight_reads_the_subnet_its_group_and_its_table_with_the_chosen_api_version() {
    let server = MockServer::start().await;
    let api = "2026-07-01";
    let mut table = example("RouteTableGet.json");
    table["properties"]["routes"].as_array_mut().unwrap().push(
        json!({"name": "to-firewall", "properties": {"addressPrefix": "0.0.0.0/0",
            "nextHopType": "VirtualAppliance", "nextHopIpAddress": "10.0.0.4"}}),
    );
    answer(&server, SUBNET, api, subnet_with_references()).await;
    answer(&server, NSG, api, example("NetworkSecurityGroupGet.json")).await;
    answer(&server, TABLE, api, table).await;

    let report = client(&server, Some(api)).preflight(SUBNET, None).await.unwrap();
    assert!(
        report.rows.iter().all(|row| row.verdict
            == Verdict::ThroughFirewall {
                next_hop: "10.0.0.4".to_owned()
            }),
        "{report}"
    );
    assert!(!report.is_blocking());
}

#[tokio::test]
async fn preflight_of_a_subnet_without_group_or_table_reads_only_the_subnet() {
    let server = MockServer::start().await;
    let mut subnet = example("SubnetGet.json");
    subnet["id"] = json!(SUBNET);
    answer(&server, SUBNET, DEFAULT_NETWORK_API_VERSION, subnet).await;
    let options = PreflightOptions {
        region: Some("westus2".to_owned()),
        ..PreflightOptions::default()
    };
    let report = client(&server, None).preflight(SUBNET, Some(options)).await.unwrap();
    assert_eq!(report.summary(), "all 6 required destinations allowed");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_missing_subnet_is_refused_in_one_line_naming_it() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(SUBNET))
        .respond_with(arm_error(
            404,
            "NotFound",
            "Resource /subscriptions/.../subnets/agents not found.",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let error = client(&server, None).preflight(SUBNET, None).await.unwrap_err();
    let Error::Refused { check, message } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(check, "network");
    assert!(
        message.contains(SUBNET) && message.contains("does not exist"),
        "{message}"
    );
    assert!(!error.to_string().contains('\n'), "{error}");
}

#[tokio::test]
async fn malformed_ids_are_refused_before_any_request() {
    let server = MockServer::start().await;
    let network = client(&server, None);
    let cases = [
        (
            format!("{GROUP}/virtualNetworks/vnet"),
            "its type is Microsoft.Network/virtualNetworks",
        ),
        ("agents".to_owned(), "it must start with '/subscriptions/'"),
        (
            SUBNET.replace("00000000-0000-0000-0000-000000000000", "my-sub"),
            "subscription 'my-sub' is not a GUID",
        ),
        (
            "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Network/virtualNetworks/v/subnets/s"
                .to_owned(),
            "no resource group",
        ),
        (format!("{SUBNET}/"), "a trailing '/'"),
    ];
    for (id, reason) in cases {
        let error = network.preflight(&id, None).await.unwrap_err();
        let Error::InvalidInput { field, message } = &error else {
            panic!("{id}: {error:?}")
        };
        assert_eq!(field, "subnet id");
        assert!(message.contains(reason), "{id}: {message}");
        assert!(
            message.contains("expected /subscriptions/<subscription id>/resourceGroups/<group>/providers/Microsoft.Network/virtualNetworks/<vnet>/subnets/<subnet>"),
            "{message}"
        );
    }
    let error = network.get_route_table(NSG, None).await.unwrap_err();
    assert!(error.to_string().starts_with("invalid route table id: "), "{error}");
    let error = network.get_network_security_group(TABLE, None).await.unwrap_err();
    assert!(
        error.to_string().contains("is not a network security group id"),
        "{error}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}
