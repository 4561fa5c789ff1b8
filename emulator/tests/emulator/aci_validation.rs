//! Container group definitions are validated like ACI: each bad input gets one ARM error and
//! creates nothing.

use reqwest::Method;
use serde_json::{Value, json};

use crate::aci_support::{aci_config, definition, group_path, group_path_in};
use crate::common::Harness;

/// `definition("nginx")` changed by `edit`.
fn with(edit: impl FnOnce(&mut Value)) -> Value {
    let mut body = definition("nginx", "Never");
    edit(&mut body);
    body
}

fn container(body: &mut Value) -> &mut Value {
    &mut body["properties"]["containers"][0]
}

#[tokio::test]
async fn invalid_definitions_are_refused_with_arm_errors() {
    let h = Harness::with(aci_config()).await;
    let token = h.token().await;
    // In the caller's subscription, where it holds Owner (joining a subnet is checked on it).
    let subnet = format!(
        "/subscriptions/{}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/n",
        h.info().defaults.subscription_id
    );
    let subnet = subnet.as_str();
    let cases: Vec<(&str, Value, u16, &str)> = vec![
        (
            "Bad_Name",
            definition("nginx", "Never"),
            400,
            "ContainerGroupNameInvalid",
        ),
        ("-lead", definition("nginx", "Never"), 400, "ContainerGroupNameInvalid"),
        (
            "ok",
            with(|b| drop(b.as_object_mut().unwrap().remove("location"))),
            400,
            "LocationRequired",
        ),
        (
            "ok",
            with(|b| b["location"] = json!("atlantis")),
            400,
            "LocationNotAvailableForResourceType",
        ),
        (
            "ok",
            with(|b| b["properties"]["containers"] = json!([])),
            400,
            "MissingContainers",
        ),
        (
            "ok",
            with(|b| drop(b["properties"].as_object_mut().unwrap().remove("osType"))),
            400,
            "InvalidRequestContent",
        ),
        (
            "ok",
            with(|b| b["properties"]["restartPolicy"] = json!("Sometimes")),
            400,
            "InvalidRequestContent",
        ),
        (
            "ok",
            with(|b| container(b)["name"] = json!("Main")),
            400,
            "InvalidContainerName",
        ),
        (
            "ok",
            with(|b| {
                let twin = container(b).clone();
                b["properties"]["containers"].as_array_mut().unwrap().push(twin);
            }),
            400,
            "DuplicateContainerName",
        ),
        (
            "ok",
            with(|b| drop(container(b)["properties"].as_object_mut().unwrap().remove("image"))),
            400,
            "InvalidRequestContent",
        ),
        (
            "ok",
            with(|b| container(b)["properties"]["image"] = json!("two words")),
            400,
            "InvalidImageName",
        ),
        (
            "ok",
            with(|b| container(b)["properties"]["resources"]["requests"]["cpu"] = json!(0)),
            400,
            "InvalidResourceRequests",
        ),
        (
            "ok",
            with(|b| {
                let requests = container(b)["properties"]["resources"]["requests"]
                    .as_object_mut()
                    .unwrap();
                requests.remove("memoryInGB");
            }),
            400,
            "InvalidRequestContent",
        ),
        (
            "ok",
            with(|b| {
                container(b)["properties"]["environmentVariables"] =
                    json!([{ "name": "A", "value": "1" }, { "name": "A", "secureValue": "2" }]);
            }),
            400,
            "DuplicateEnvironmentVariables",
        ),
        (
            "ok",
            with(|b| container(b)["properties"]["environmentVariables"] = json!([{ "value": "1" }])),
            400,
            "InvalidRequestContent",
        ),
        (
            "ok",
            with(|b| b["properties"]["subnetIds"] = json!([{ "id": "/subscriptions/s/resourceGroups/rg/subnets/n" }])),
            400,
            "InvalidSubnetId",
        ),
        (
            "ok",
            with(|b| b["properties"]["ipAddress"] = json!({ "type": "Private", "ports": [{ "port": 80 }] })),
            400,
            "PrivateIpAddressWithoutSubnet",
        ),
        (
            "ok",
            with(|b| {
                b["identity"] = json!({ "type": "UserAssigned", "userAssignedIdentities": {
                    "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/nobody": {}
                } });
            }),
            400,
            "FailedIdentityOperation",
        ),
        ("ok", json!([1, 2]), 400, "InvalidRequestContent"),
    ];
    for (name, body, status, code) in cases {
        let reply = h
            .arm(Method::PUT, &group_path(&h, name), &token, Some(body.clone()))
            .await;
        assert_eq!(
            (reply.status, reply.arm_code()),
            (status, code),
            "{name} {body}: {}",
            reply.text
        );
        assert!(reply.json["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
        let absent = h.arm(Method::GET, &group_path(&h, "ok"), &token, None).await;
        assert_eq!(absent.status, 404, "{body}");
    }

    let private = with(|b| {
        b["properties"]["subnetIds"] = json!([{ "id": subnet }]);
        b["properties"]["ipAddress"] = json!({ "type": "Private", "ports": [{ "port": 80 }] });
    });
    let reply = h
        .arm(Method::PUT, &group_path(&h, "private"), &token, Some(private))
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    assert_eq!(reply.json["properties"]["ipAddress"]["ip"], "10.0.0.4");

    let reply = h
        .arm(
            Method::PUT,
            &group_path_in(&h, "rg-absent", "ok"),
            &token,
            Some(definition("nginx", "Never")),
        )
        .await;
    assert_eq!((reply.status, reply.arm_code()), (404, "ResourceGroupNotFound"));
    let reply = h
        .arm(
            Method::PUT,
            &group_path(&h, "ok").replace("2023-05-01", "2023-03-01-preview"),
            &token,
            Some(definition("nginx", "Never")),
        )
        .await;
    assert_eq!((reply.status, reply.arm_code()), (400, "InvalidApiVersionParameter"));
    let moved = h
        .arm(
            Method::PUT,
            &group_path(&h, "private"),
            &token,
            Some(with(|b| b["location"] = json!("westus"))),
        )
        .await;
    assert_eq!((moved.status, moved.arm_code()), (400, "InvalidResourceLocation"));
}
