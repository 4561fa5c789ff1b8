//! `Microsoft.ManagedIdentity/userAssignedIdentities` over ARM: seeded identities as resources,
//! PUT (fresh ids, a principal the token endpoints serve), GET, PATCH, lists, DELETE, validation,
//! the resource group cascade, and use by a container group.

use reqwest::Method;
use serde_json::{Value, json};

use crate::aci_support::{definition, group_path};
use crate::common::{Harness, RG_API, claims};

/// The api-version the tests use.
const MSI_API: &str = "2023-01-31";

/// The resource type.
const MSI: &str = "Microsoft.ManagedIdentity/userAssignedIdentities";

/// The path of identity `name` in `rg` of the default subscription.
fn identity_path(h: &Harness, rg: &str, name: &str) -> String {
    format!(
        "/subscriptions/{}/resourceGroups/{rg}/providers/{MSI}/{name}?api-version={MSI_API}",
        h.info().defaults.subscription_id
    )
}

/// The id ARM answers for identity `name` in `rg` (the service spells `resourcegroups`).
fn answered_id(h: &Harness, rg: &str, name: &str) -> String {
    format!(
        "/subscriptions/{}/resourcegroups/{rg}/providers/{MSI}/{name}",
        h.info().defaults.subscription_id
    )
}

/// The names of a list answer, following `nextLink` to the end.
async fn listed(h: &Harness, token: &str, path_and_query: &str) -> Vec<String> {
    let mut path = path_and_query.to_owned();
    let mut names = Vec::new();
    loop {
        let page = h.arm(Method::GET, &path, token, None).await;
        assert_eq!(page.status, 200, "{path}: {}", page.text);
        for item in page.json["value"].as_array().unwrap() {
            names.push(item["name"].as_str().unwrap().to_owned());
        }
        match page.json["nextLink"].as_str() {
            Some(next) => path = next.strip_prefix(&h.info().endpoints.arm).unwrap().to_owned(),
            None => return names,
        }
    }
}

/// An IMDS token request naming the identity by `client_id`.
async fn imds_token(h: &Harness, client_id: &str) -> crate::common::Reply {
    let url = format!(
        "{}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://management.azure.com/&client_id={client_id}",
        h.info().endpoints.imds
    );
    h.send(Method::GET, &url, &[("Metadata", "true")], None).await
}

/// Whether `id` is a hyphenated GUID.
fn is_guid(id: &Value) -> bool {
    id.as_str()
        .is_some_and(|id| uuid::Uuid::try_parse(id).is_ok() && id.len() == 36)
}

#[tokio::test]
async fn seeded_identities_are_arm_resources() {
    let h = Harness::start().await;
    let token = h.token().await;
    let d = h.info().defaults.clone();
    let got = h
        .arm(
            Method::GET,
            &identity_path(&h, "RG-EMULATOR", "ID-EMULATOR"),
            &token,
            None,
        )
        .await;
    assert_eq!(got.status, 200, "{}", got.text);
    assert_eq!(
        got.json,
        json!({
            "id": answered_id(&h, "rg-emulator", "id-emulator"),
            "name": "id-emulator",
            "type": MSI,
            "location": "eastus",
            "properties": {
                "tenantId": d.tenant_id,
                "principalId": d.identity_principal_id,
                "clientId": d.identity_client_id,
                "isolationScope": "None",
            },
        })
    );
    assert!(
        got.json["id"]
            .as_str()
            .unwrap()
            .eq_ignore_ascii_case(&d.identity_resource_id)
    );

    h.seed(json!({ "managed_identities": [ { "name": "id-seeded" } ] }));
    let by_group = format!(
        "/subscriptions/{}/resourceGroups/rg-emulator/providers/{MSI}?api-version={MSI_API}",
        d.subscription_id
    );
    assert_eq!(listed(&h, &token, &by_group).await, ["id-emulator", "id-seeded"]);
}

#[tokio::test]
async fn put_get_patch_list_and_delete() {
    let h = Harness::start().await;
    let token = h.token().await;
    let d = h.info().defaults.clone();
    let path = identity_path(&h, "rg-emulator", "id-build");
    let body = json!({ "location": "West Europe", "tags": { "team": "build" } });
    let created = h.arm(Method::PUT, &path, &token, Some(body)).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let properties = created.json["properties"].clone();
    assert_eq!(created.json["id"], answered_id(&h, "rg-emulator", "id-build"));
    assert_eq!(created.json["location"], "westeurope");
    assert_eq!(created.json["tags"], json!({ "team": "build" }));
    assert_eq!(properties["tenantId"], d.tenant_id);
    assert!(is_guid(&properties["clientId"]) && is_guid(&properties["principalId"]));
    assert_ne!(properties["clientId"], d.identity_client_id);
    assert_ne!(properties["clientId"], properties["principalId"]);

    let updated = h
        .arm(
            Method::PUT,
            &path,
            &token,
            Some(json!({ "location": "westeurope", "properties": { "isolationScope": "Regional" } })),
        )
        .await;
    assert_eq!(updated.status, 200, "{}", updated.text);
    assert_eq!(updated.json["properties"]["clientId"], properties["clientId"]);
    assert_eq!(updated.json["properties"]["isolationScope"], "Regional");
    assert!(updated.json.get("tags").is_none());
    let moved = h
        .arm(Method::PUT, &path, &token, Some(json!({ "location": "eastus" })))
        .await;
    assert_eq!((moved.status, moved.arm_code()), (400, "InvalidResourceLocation"));

    let patched = h
        .arm(Method::PATCH, &path, &token, Some(json!({ "tags": { "a": "b" } })))
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    assert_eq!(patched.json["tags"], json!({ "a": "b" }));
    let got = h.arm(Method::GET, &path, &token, None).await;
    assert_eq!(got.json, patched.json);

    let by_subscription = format!(
        "/subscriptions/{}/providers/{MSI}?api-version={MSI_API}",
        d.subscription_id
    );
    assert_eq!(listed(&h, &token, &by_subscription).await, ["id-build", "id-emulator"]);

    let client_id = properties["clientId"].as_str().unwrap();
    let issued = imds_token(&h, client_id).await;
    assert_eq!(issued.status, 200, "{}", issued.text);
    let token_claims = claims(issued.json["access_token"].as_str().unwrap());
    assert_eq!(token_claims["oid"], properties["principalId"]);
    assert_eq!(token_claims["tid"], d.tenant_id);

    let deleted = h.arm(Method::DELETE, &path, &token, None).await;
    assert_eq!(deleted.status, 200, "{}", deleted.text);
    assert!(deleted.text.is_empty());
    let gone = h.arm(Method::GET, &path, &token, None).await;
    assert_eq!(
        gone.json,
        json!({"error":{"code":"ResourceNotFound","message":format!("The Resource '{MSI}/id-build' under resource group 'rg-emulator' was not found.")}})
    );
    assert_eq!(h.arm(Method::DELETE, &path, &token, None).await.status, 204);
    assert_eq!(imds_token(&h, client_id).await.status, 400, "its principal is gone too");
    assert_eq!(listed(&h, &token, &by_subscription).await, ["id-emulator"]);
}

#[tokio::test]
async fn put_is_validated_like_arm() {
    let h = Harness::start().await;
    let token = h.token().await;
    let cases = [
        (
            identity_path(&h, "rg-emulator", "ok-name"),
            json!({ "tags": {} }),
            400,
            "LocationRequired",
        ),
        (
            identity_path(&h, "rg-emulator", "ok-name"),
            json!({ "location": "atlantis" }),
            400,
            "LocationNotAvailableForResourceType",
        ),
        (
            identity_path(&h, "rg-emulator", "ok-name"),
            json!({ "location": "eastus", "properties": { "isolationScope": "Global" } }),
            400,
            "InvalidRequestContent",
        ),
        (
            identity_path(&h, "rg-emulator", "ok-name"),
            json!({ "location": "eastus", "tags": { "a/b": "x" } }),
            400,
            "InvalidTagNameCharacters",
        ),
        (
            identity_path(&h, "rg-emulator", "x"),
            json!({ "location": "eastus" }),
            400,
            "InvalidResourceName",
        ),
        (
            identity_path(&h, "rg-emulator", "-dash"),
            json!({ "location": "eastus" }),
            400,
            "InvalidResourceName",
        ),
        (
            identity_path(&h, "rg-absent", "ok-name"),
            json!({ "location": "eastus" }),
            404,
            "ResourceGroupNotFound",
        ),
    ];
    for (path, body, status, code) in cases {
        let reply = h.arm(Method::PUT, &path, &token, Some(body.clone())).await;
        assert_eq!(
            (reply.status, reply.arm_code()),
            (status, code),
            "{body}: {}",
            reply.text
        );
    }
    let missing = h
        .arm(
            Method::PATCH,
            &identity_path(&h, "rg-emulator", "nobody"),
            &token,
            Some(json!({ "tags": {} })),
        )
        .await;
    assert_eq!((missing.status, missing.arm_code()), (404, "ResourceNotFound"));
}

#[tokio::test]
async fn deleting_the_resource_group_deletes_its_identities() {
    let h = Harness::start().await;
    let token = h.token().await;
    let created = h
        .arm(
            Method::PUT,
            &h.rg_path("rg-ids"),
            &token,
            Some(json!({ "location": "eastus" })),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let mut client_ids = Vec::new();
    for name in ["id-one", "id-two"] {
        let reply = h
            .arm(
                Method::PUT,
                &identity_path(&h, "rg-ids", name),
                &token,
                Some(json!({ "location": "eastus" })),
            )
            .await;
        assert_eq!(reply.status, 201, "{}", reply.text);
        client_ids.push(reply.json["properties"]["clientId"].as_str().unwrap().to_owned());
    }
    let sub = h.info().defaults.subscription_id.clone();
    let generic = format!("/subscriptions/{sub}/resources?api-version={RG_API}&$filter=resourceType eq '{MSI}'");
    assert_eq!(listed(&h, &token, &generic).await, ["id-emulator", "id-one", "id-two"]);

    let accepted = h.arm(Method::DELETE, &h.rg_path("rg-ids"), &token, None).await;
    assert_eq!(accepted.status, 202, "{}", accepted.text);
    let during = h
        .arm(Method::GET, &identity_path(&h, "rg-ids", "id-one"), &token, None)
        .await;
    assert_eq!((during.status, during.arm_code()), (404, "ResourceNotFound"));
    for client_id in &client_ids {
        assert_eq!(imds_token(&h, client_id).await.status, 400, "{client_id}");
    }
    assert_eq!(listed(&h, &token, &generic).await, ["id-emulator"]);
    h.advance_clock(1).await;
    let after = h
        .arm(Method::GET, &identity_path(&h, "rg-ids", "id-one"), &token, None)
        .await;
    assert_eq!((after.status, after.arm_code()), (404, "ResourceGroupNotFound"));
    let kept = h
        .arm(
            Method::GET,
            &identity_path(&h, "rg-emulator", "id-emulator"),
            &token,
            None,
        )
        .await;
    assert_eq!(kept.status, 200);
}

#[tokio::test]
async fn a_container_group_uses_an_identity_created_over_arm() {
    let h = Harness::start().await;
    let token = h.token().await;
    let created = h
        .arm(
            Method::PUT,
            &identity_path(&h, "rg-emulator", "id-aci"),
            &token,
            Some(json!({ "location": "eastus" })),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.json["id"].as_str().unwrap().to_owned();
    let mut identities = serde_json::Map::new();
    identities.insert(id.clone(), json!({}));
    let mut body = definition("nginx", "Never");
    body["identity"] = json!({ "type": "UserAssigned", "userAssignedIdentities": identities });
    let group = h
        .arm(Method::PUT, &group_path(&h, "with-identity"), &token, Some(body))
        .await;
    assert_eq!(group.status, 201, "{}", group.text);
    assert_eq!(
        group.json["identity"]["userAssignedIdentities"][&id],
        json!({
            "principalId": created.json["properties"]["principalId"],
            "clientId": created.json["properties"]["clientId"],
        })
    );
}
