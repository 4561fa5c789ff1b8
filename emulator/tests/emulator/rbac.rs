//! Azure RBAC over HTTP: role definitions and assignments written through ARM
//! (`Microsoft.Authorization`), and every ARM request decided by them.

use reqwest::Method;
use serde_json::{Value, json};

use crate::aci_support::{definition, group_path};
use crate::common::{ARM_SCOPE, Harness};

const AUTH_API: &str = "2022-04-01";
const READER: &str = "acdd72a7-3385-48ef-bd42-f606fba81ae7";
const CONTRIBUTOR: &str = "b24988ac-6180-42a0-ab88-20f7382dd24c";

/// A service principal without roles (seeded through the admin API): its object id and token.
async fn principal(h: &Harness, n: u8) -> (String, String) {
    let client_id = format!("7a7a7a7a-0000-4000-8000-0000000000{n:02x}");
    let object_id = format!("0b0b0b0b-0000-4000-8000-0000000000{n:02x}");
    let secret = format!("{client_id}-secret");
    let seed = json!({ "service_principals": [
        { "client_id": client_id, "client_secret": secret, "object_id": object_id }
    ] });
    h.seed(seed);
    let tenant = h.info().defaults.tenant_id.clone();
    let reply = h.secret_grant(&tenant, &client_id, &secret, ARM_SCOPE).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    (object_id, reply.json["access_token"].as_str().unwrap().to_owned())
}

fn sub(h: &Harness) -> String {
    format!("/subscriptions/{}", h.info().defaults.subscription_id)
}

fn rg(h: &Harness, name: &str) -> String {
    format!("{}/resourceGroups/{name}", sub(h))
}

fn assignment_path(scope: &str, name: &str) -> String {
    format!("{scope}/providers/Microsoft.Authorization/roleAssignments/{name}?api-version={AUTH_API}")
}

fn definition_path(scope: &str, guid: &str) -> String {
    format!("{scope}/providers/Microsoft.Authorization/roleDefinitions/{guid}?api-version={AUTH_API}")
}

fn role_id(h: &Harness, guid: &str) -> String {
    format!("{}/providers/Microsoft.Authorization/roleDefinitions/{guid}", sub(h))
}

fn assignment_body(h: &Harness, role: &str, principal: &str) -> Value {
    json!({ "properties": { "roleDefinitionId": role_id(h, role), "principalId": principal } })
}

fn custom_role(name: &str, scopes: &[String], permissions: Value) -> Value {
    json!({ "properties": {
        "roleName": name, "description": "test role", "type": "CustomRole",
        "assignableScopes": scopes, "permissions": [permissions],
    } })
}

async fn create_group(h: &Harness, owner: &str, name: &str) {
    let reply = h
        .arm(
            Method::PUT,
            &h.rg_path(name),
            owner,
            Some(json!({ "location": "eastus" })),
        )
        .await;
    assert!(matches!(reply.status, 200 | 201), "{}", reply.text);
}

async fn put(h: &Harness, token: &str, path: &str, body: Value) -> crate::common::Reply {
    h.arm(Method::PUT, path, token, Some(body)).await
}

fn rg_api(path: &str) -> String {
    format!("{path}?api-version=2021-04-01")
}

#[tokio::test]
async fn custom_roles_decide_with_wildcards_not_actions_and_scopes() {
    let h = Harness::start().await;
    let owner = h.token().await;
    create_group(&h, &owner, "rg1").await;
    create_group(&h, &owner, "rg10").await;
    let (oid, token) = principal(&h, 1).await;
    let role = "5c5c5c5c-0000-4000-8000-000000000001";
    let body = custom_role(
        "group-keeper",
        &[rg(&h, "rg1"), rg(&h, "rg10")],
        json!({
            "actions": ["Microsoft.Resources/subscriptions/resourceGroups/*"],
            "notActions": ["Microsoft.Resources/subscriptions/resourceGroups/delete"],
            "dataActions": ["Microsoft.Resources/subscriptions/resourceGroups/delete"],
        }),
    );
    let created = put(&h, &owner, &definition_path(&sub(&h), role), body).await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.json["properties"]["type"], "CustomRole");
    let name = "6d6d6d6d-0000-4000-8000-000000000001";
    let assigned = put(
        &h,
        &owner,
        &assignment_path(&rg(&h, "rg1"), name),
        assignment_body(&h, role, &oid),
    )
    .await;
    assert_eq!(assigned.status, 201, "{}", assigned.text);

    let rg1 = rg_api(&rg(&h, "rg1"));
    assert_eq!(h.arm(Method::GET, &rg1, &token, None).await.status, 200);
    let patch = h
        .arm(Method::PATCH, &rg1, &token, Some(json!({ "tags": { "a": "b" } })))
        .await;
    assert_eq!(patch.status, 200, "{}", patch.text);
    // notActions removes delete; the same action among dataActions grants nothing.
    let delete = h.arm(Method::DELETE, &rg1, &token, None).await;
    assert_eq!(delete.status, 403, "{}", delete.text);
    assert_eq!(
        delete.json,
        json!({ "error": { "code": "AuthorizationFailed", "message": format!(
            "The client '7a7a7a7a-0000-4000-8000-000000000001' with object id '{oid}' does not have authorization to perform action 'Microsoft.Resources/subscriptions/resourceGroups/delete' over scope '{}' or the scope is invalid. If access was recently granted, please refresh your credentials.",
            rg(&h, "rg1")
        ) } })
    );
    // An assignment on rg1 does not reach rg10, whose name starts with rg1.
    let rg10 = h.arm(Method::GET, &rg_api(&rg(&h, "rg10")), &token, None).await;
    assert_eq!((rg10.status, rg10.arm_code()), (403, "AuthorizationFailed"));
    assert!(rg10.text.contains("/resourceGroups/rg10'"), "{}", rg10.text);
    // Nothing of other types, and no role assignments.
    let write = put(
        &h,
        &token,
        &assignment_path(&rg(&h, "rg1"), "6d6d6d6d-0000-4000-8000-000000000002"),
        assignment_body(&h, READER, &oid),
    )
    .await;
    assert_eq!(write.status, 403, "{}", write.text);
    assert!(write.text.contains("'Microsoft.Authorization/roleAssignments/write'"));
    // A second assignment grants what the first role's notActions left out.
    let name2 = "6d6d6d6d-0000-4000-8000-000000000003";
    let second = put(
        &h,
        &owner,
        &assignment_path(&rg(&h, "rg1"), name2),
        assignment_body(&h, CONTRIBUTOR, &oid),
    )
    .await;
    assert_eq!(second.status, 201, "{}", second.text);
    assert_eq!(h.arm(Method::DELETE, &rg1, &token, None).await.status, 202);
}

#[tokio::test]
async fn data_actions_never_grant_control_actions() {
    let h = Harness::start().await;
    let owner = h.token().await;
    let (oid, token) = principal(&h, 2).await;
    let role = "5c5c5c5c-0000-4000-8000-000000000002";
    let scope = rg(&h, "rg-emulator");
    let body = custom_role(
        "data-only",
        std::slice::from_ref(&scope),
        json!({ "actions": [], "dataActions": ["*"] }),
    );
    assert_eq!(put(&h, &owner, &definition_path(&scope, role), body).await.status, 201);
    let name = "6d6d6d6d-0000-4000-8000-000000000010";
    let assigned = put(
        &h,
        &owner,
        &assignment_path(&scope, name),
        assignment_body(&h, role, &oid),
    )
    .await;
    assert_eq!(assigned.status, 201, "{}", assigned.text);
    let reply = h.arm(Method::GET, &rg_api(&scope), &token, None).await;
    assert_eq!((reply.status, reply.arm_code()), (403, "AuthorizationFailed"));
    assert!(
        reply
            .text
            .contains("'Microsoft.Resources/subscriptions/resourceGroups/read'")
    );
}

#[tokio::test]
async fn role_assignments_crud_with_azure_errors() {
    let h = Harness::start().await;
    let owner = h.token().await;
    let (oid, _) = principal(&h, 3).await;
    let scope = rg(&h, "rg-emulator");
    let name = "6d6d6d6d-0000-4000-8000-000000000020";
    let path = assignment_path(&scope, name);

    let cases = [
        (
            assignment_path(&scope, "not-a-guid"),
            assignment_body(&h, READER, &oid),
            400,
            "InvalidRoleAssignmentId",
        ),
        (
            path.clone(),
            assignment_body(&h, "00000000-0000-4000-8000-00000000dead", &oid),
            400,
            "RoleDefinitionDoesNotExist",
        ),
        (
            path.clone(),
            assignment_body(&h, READER, "not-a-guid"),
            400,
            "InvalidPrincipalId",
        ),
        (
            path.clone(),
            assignment_body(&h, READER, "0c0c0c0c-0000-4000-8000-000000000000"),
            400,
            "PrincipalNotFound",
        ),
        (path.clone(), json!({}), 400, "InvalidRequestContent"),
    ];
    for (path, body, status, code) in cases {
        let reply = put(&h, &owner, &path, body).await;
        assert_eq!((reply.status, reply.arm_code()), (status, code), "{}", reply.text);
    }

    let created = put(&h, &owner, &path, assignment_body(&h, READER, &oid)).await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.json["name"], name);
    assert_eq!(created.json["type"], "Microsoft.Authorization/roleAssignments");
    assert_eq!(created.json["properties"]["principalType"], "ServicePrincipal");
    assert_eq!(created.json["properties"]["scope"], scope);
    assert_eq!(created.json["properties"]["roleDefinitionId"], role_id(&h, READER));
    let again = put(&h, &owner, &path, assignment_body(&h, READER, &oid)).await;
    assert_eq!(again.status, 201, "{}", again.text);
    let changed = put(&h, &owner, &path, assignment_body(&h, CONTRIBUTOR, &oid)).await;
    assert_eq!(
        (changed.status, changed.arm_code()),
        (400, "RoleAssignmentUpdateNotPermitted"),
        "{}",
        changed.text
    );
    let duplicate = put(
        &h,
        &owner,
        &assignment_path(&scope, "6d6d6d6d-0000-4000-8000-000000000021"),
        assignment_body(&h, READER, &oid),
    )
    .await;
    assert_eq!(
        (duplicate.status, duplicate.arm_code()),
        (409, "RoleAssignmentExists"),
        "{}",
        duplicate.text
    );
    // Contributor may not write role assignments.
    let identity = h.identity_token().await;
    let denied = put(
        &h,
        &identity,
        &assignment_path(&scope, "6d6d6d6d-0000-4000-8000-000000000022"),
        assignment_body(&h, READER, &oid),
    )
    .await;
    assert_eq!((denied.status, denied.arm_code()), (403, "AuthorizationFailed"));

    let got = h.arm(Method::GET, &path, &owner, None).await;
    assert_eq!(got.status, 200, "{}", got.text);
    assert_eq!(got.json, created.json);

    let list = |filter: &str| {
        format!(
            "{}/providers/Microsoft.Authorization/roleAssignments?api-version={AUTH_API}{filter}",
            sub(&h)
        )
    };
    let names = |reply: &crate::common::Reply| -> Vec<String> {
        reply.json["value"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let all = h.arm(Method::GET, &list(""), &owner, None).await;
    assert_eq!(all.status, 200, "{}", all.text);
    assert!(names(&all).contains(&name.to_owned()), "below the scope: {}", all.text);
    let at_scope = h.arm(Method::GET, &list("&$filter=atScope()"), &owner, None).await;
    assert_eq!(at_scope.status, 200, "{}", at_scope.text);
    assert!(!names(&at_scope).contains(&name.to_owned()));
    let of_principal = h
        .arm(
            Method::GET,
            &list(&format!("&$filter=principalId%20eq%20'{oid}'")),
            &owner,
            None,
        )
        .await;
    assert_eq!(names(&of_principal), [name]);
    let assigned_to = h
        .arm(
            Method::GET,
            &list(&format!("&$filter=assignedTo('{oid}')")),
            &owner,
            None,
        )
        .await;
    assert_eq!(names(&assigned_to), [name]);
    let bad = h
        .arm(Method::GET, &list("&$filter=roleName%20eq%20'x'"), &owner, None)
        .await;
    assert_eq!((bad.status, bad.arm_code()), (400, "InvalidFilterInQueryString"));

    let deleted = h.arm(Method::DELETE, &path, &owner, None).await;
    assert_eq!(deleted.status, 200, "{}", deleted.text);
    assert_eq!(h.arm(Method::DELETE, &path, &owner, None).await.status, 204);
    let gone = h.arm(Method::GET, &path, &owner, None).await;
    assert_eq!((gone.status, gone.arm_code()), (404, "RoleAssignmentNotFound"));
    let absent_group = h
        .arm(Method::GET, &assignment_path(&rg(&h, "nowhere"), name), &owner, None)
        .await;
    assert_eq!(
        (absent_group.status, absent_group.arm_code()),
        (404, "ResourceGroupNotFound")
    );
    let absent_subscription = h
        .arm(
            Method::GET,
            &assignment_path("/subscriptions/00000000-0000-4000-8000-0000000000ff", name),
            &owner,
            None,
        )
        .await;
    assert_eq!(
        (absent_subscription.status, absent_subscription.arm_code()),
        (404, "SubscriptionNotFound")
    );
    let version = h
        .arm(
            Method::GET,
            &format!("{scope}/providers/Microsoft.Authorization/roleAssignments?api-version=2099-01-01"),
            &owner,
            None,
        )
        .await;
    assert_eq!(
        (version.status, version.arm_code()),
        (400, "InvalidApiVersionParameter")
    );
}

#[tokio::test]
async fn role_definitions_crud_with_azure_errors() {
    let h = Harness::start().await;
    let owner = h.token().await;
    let (oid, _) = principal(&h, 4).await;
    create_group(&h, &owner, "rg1").await;
    let scope = sub(&h);
    let guid = "5c5c5c5c-0000-4000-8000-000000000030";
    let path = definition_path(&scope, guid);
    let permissions = json!({ "actions": ["Microsoft.ContainerInstance/containerGroups/read"] });

    let reader = h.arm(Method::GET, &definition_path(&scope, READER), &owner, None).await;
    assert_eq!(reader.status, 200, "{}", reader.text);
    assert_eq!(reader.json["properties"]["roleName"], "Reader");
    assert_eq!(
        reader.json["properties"]["permissions"][0]["actions"],
        json!(["*/read"])
    );
    let missing = h
        .arm(
            Method::GET,
            &definition_path(&scope, "00000000-0000-4000-8000-00000000dead"),
            &owner,
            None,
        )
        .await;
    assert_eq!(
        (missing.status, missing.arm_code()),
        (404, "RoleDefinitionDoesNotExist")
    );

    let cases = [
        (
            custom_role("Reader", &[rg(&h, "rg1")], permissions.clone()),
            409,
            "RoleDefinitionWithSameNameExists",
        ),
        (
            custom_role("bad", &[rg(&h, "rg1")], json!({ "actions": ["not an action"] })),
            400,
            "InvalidActionOrNotAction",
        ),
        (
            custom_role("root", &["/".to_owned()], permissions.clone()),
            400,
            "InvalidRoleDefinition",
        ),
        (
            custom_role("none", &[], permissions.clone()),
            400,
            "InvalidRoleDefinition",
        ),
    ];
    for (body, status, code) in cases {
        let reply = put(&h, &owner, &path, body).await;
        assert_eq!((reply.status, reply.arm_code()), (status, code), "{}", reply.text);
    }
    let elsewhere = put(
        &h,
        &owner,
        &path,
        custom_role("elsewhere", &[rg(&h, "nowhere")], permissions.clone()),
    )
    .await;
    assert_eq!(
        (elsewhere.status, elsewhere.arm_code()),
        (403, "LinkedAuthorizationFailed")
    );

    let body = custom_role("reader-of-groups", &[rg(&h, "rg1")], permissions.clone());
    let created = put(&h, &owner, &path, body.clone()).await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.json["name"], guid);
    assert_eq!(created.json["properties"]["assignableScopes"], json!([rg(&h, "rg1")]));
    assert_eq!(put(&h, &owner, &path, body).await.status, 200);
    let other = put(
        &h,
        &owner,
        &definition_path(&scope, "5c5c5c5c-0000-4000-8000-000000000031"),
        custom_role("Reader-Of-Groups", &[rg(&h, "rg1")], permissions.clone()),
    )
    .await;
    assert_eq!(
        (other.status, other.arm_code()),
        (409, "RoleDefinitionWithSameNameExists")
    );

    let by_name = h
        .arm(
            Method::GET,
            &format!(
                "{scope}/providers/Microsoft.Authorization/roleDefinitions?api-version={AUTH_API}&$filter=roleName%20eq%20'reader-of-groups'"
            ),
            &owner,
            None,
        )
        .await;
    assert_eq!(by_name.status, 200, "{}", by_name.text);
    assert_eq!(by_name.json["value"].as_array().unwrap().len(), 1);
    assert_eq!(by_name.json["value"][0]["name"], guid);
    let all = h
        .arm(
            Method::GET,
            &format!("{scope}/providers/Microsoft.Authorization/roleDefinitions?api-version=2022-05-01-preview"),
            &owner,
            None,
        )
        .await;
    let names: Vec<&str> = all.json["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["properties"]["roleName"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"Owner") && names.contains(&"reader-of-groups"),
        "{names:?}"
    );

    // Assignable at rg1 only.
    let outside = put(
        &h,
        &owner,
        &assignment_path(&rg(&h, "rg-emulator"), "6d6d6d6d-0000-4000-8000-000000000030"),
        assignment_body(&h, guid, &oid),
    )
    .await;
    assert_eq!(
        (outside.status, outside.arm_code()),
        (400, "RoleAssignmentScopeNotAssignableToRoleDefinition"),
        "{}",
        outside.text
    );
    let assignment = assignment_path(&rg(&h, "rg1"), "6d6d6d6d-0000-4000-8000-000000000031");
    let inside = put(&h, &owner, &assignment, assignment_body(&h, guid, &oid)).await;
    assert_eq!(inside.status, 201, "{}", inside.text);
    let in_use = h.arm(Method::DELETE, &path, &owner, None).await;
    assert_eq!(in_use.arm_code(), "RoleDefinitionHasAssignments", "{}", in_use.text);
    assert_eq!(h.arm(Method::DELETE, &assignment, &owner, None).await.status, 200);
    assert_eq!(h.arm(Method::DELETE, &path, &owner, None).await.status, 200);
    assert_eq!(h.arm(Method::DELETE, &path, &owner, None).await.status, 204);
    // Contributor may not write role definitions.
    let identity = h.identity_token().await;
    let denied = put(
        &h,
        &identity,
        &definition_path(&rg(&h, "rg-emulator"), guid),
        custom_role("x", &[rg(&h, "rg-emulator")], permissions),
    )
    .await;
    assert_eq!((denied.status, denied.arm_code()), (403, "AuthorizationFailed"));
}

#[tokio::test]
async fn attaching_an_identity_needs_assign_on_it() {
    let h = Harness::with(crate::aci_support::aci_config()).await;
    let owner = h.token().await;
    let (oid, token) = principal(&h, 5).await;
    let scope = rg(&h, "rg-emulator");
    let role = "5c5c5c5c-0000-4000-8000-000000000050";
    let body = custom_role(
        "groups-only",
        std::slice::from_ref(&scope),
        json!({ "actions": ["Microsoft.ContainerInstance/containerGroups/*"] }),
    );
    assert_eq!(put(&h, &owner, &definition_path(&scope, role), body).await.status, 201);
    let name = "6d6d6d6d-0000-4000-8000-000000000050";
    let assigned = put(
        &h,
        &owner,
        &assignment_path(&scope, name),
        assignment_body(&h, role, &oid),
    )
    .await;
    assert_eq!(assigned.status, 201, "{}", assigned.text);
    let identity = h.info().defaults.identity_resource_id.clone();
    let mut group = definition("nginx", "Never");
    group["identity"] = json!({ "type": "UserAssigned", "userAssignedIdentities": { identity.clone(): {} } });
    let reply = put(&h, &token, &group_path(&h, "linked"), group.clone()).await;
    assert_eq!(
        (reply.status, reply.arm_code()),
        (403, "LinkedAuthorizationFailed"),
        "{}",
        reply.text
    );
    let message = reply.json["error"]["message"].as_str().unwrap();
    assert!(
        message.contains(&format!(
            "does not have permission to perform action(s) 'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action' on the linked scope(s) '{identity}'"
        )),
        "{message}"
    );
    let operator = put(
        &h,
        &owner,
        &assignment_path(&identity, "6d6d6d6d-0000-4000-8000-000000000051"),
        assignment_body(&h, "f1a07417-d97a-45cb-824c-7a7467783830", &oid),
    )
    .await;
    assert_eq!(operator.status, 201, "{}", operator.text);
    let reply = put(&h, &token, &group_path(&h, "linked"), group).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
}

#[tokio::test]
async fn seeded_roles_are_role_assignments_over_arm() {
    let h = Harness::start().await;
    let owner = h.token().await;
    let d = h.info().defaults.clone();
    let list = h
        .arm(
            Method::GET,
            &format!(
                "{}/providers/Microsoft.Authorization/roleAssignments?api-version={AUTH_API}",
                rg(&h, "rg-emulator")
            ),
            &owner,
            None,
        )
        .await;
    assert_eq!(list.status, 200, "{}", list.text);
    let grants: Vec<(String, String, String)> = list.json["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let p = &a["properties"];
            (
                p["principalId"].as_str().unwrap().to_owned(),
                p["roleDefinitionId"].as_str().unwrap().to_owned(),
                p["scope"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let owner_id = role_id(&h, "8e3af657-a8ff-443c-a75c-2fe8c4bcb635");
    let oid = crate::common::claims(&owner)["oid"].as_str().unwrap().to_owned();
    assert!(grants.contains(&(oid, owner_id, sub(&h))), "{grants:?}");
    assert!(
        grants.contains(&(
            d.identity_principal_id.clone(),
            role_id(&h, CONTRIBUTOR),
            rg(&h, "rg-emulator")
        )),
        "{grants:?}"
    );
}
