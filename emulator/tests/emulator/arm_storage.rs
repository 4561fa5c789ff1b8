//! `Microsoft.Storage` over ARM, against the official examples in
//! `fixtures/api-examples/storage/`: account creation as a long-running operation, GET and list
//! shapes, keys, containers, public access, naming rules, cascades and api-versions.

use std::path::PathBuf;

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{Harness, Reply};

/// The api-version of the examples.
const API: &str = "2026-09-01";

/// The account resource type.
const ACCOUNTS: &str = "Microsoft.Storage/storageAccounts";

/// What the emulator leaves out of an account's JSON: the endpoints of the services it does not
/// serve, and the secondary region of geo-redundant SKUs.
const NOT_EMULATED: &[&str] = &[
    "properties.primaryEndpoints.dfs",
    "properties.primaryEndpoints.file",
    "properties.primaryEndpoints.queue",
    "properties.primaryEndpoints.table",
    "properties.primaryEndpoints.web",
    "properties.primaryEndpoints.internetEndpoints",
    "properties.primaryEndpoints.microsoftEndpoints",
    "properties.secondaryLocation",
    "properties.statusOfSecondary",
];

/// An example of `fixtures/api-examples/storage/`.
fn example(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/api-examples/storage")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The paths of the keys of `expected` that `actual` lacks (objects recursively, arrays by their
/// first item), `NOT_EMULATED` excepted.
fn missing_keys(expected: &Value, actual: &Value, path: &str, missing: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(expected), Value::Object(actual)) => {
            for (key, value) in expected {
                let at = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                match actual.get(key) {
                    Some(found) => missing_keys(value, found, &at, missing),
                    None if NOT_EMULATED.iter().any(|omitted| at.ends_with(omitted)) => {}
                    None => missing.push(at),
                }
            }
        }
        (Value::Array(expected), Value::Array(actual)) => {
            if let (Some(first), Some(found)) = (expected.first(), actual.first()) {
                missing_keys(first, found, &format!("{path}[0]"), missing);
            }
        }
        _ => {}
    }
}

/// Asserts that `actual` has every key of `expected` (see [`missing_keys`]).
fn assert_shape(expected: &Value, actual: &Value) {
    let mut missing = Vec::new();
    missing_keys(expected, actual, "", &mut missing);
    assert!(missing.is_empty(), "missing {missing:?} in {actual:#}");
}

/// The path of account `name` in `rg` of the default subscription, with `api`.
fn account_path_at(h: &Harness, rg: &str, name: &str, api: &str) -> String {
    format!(
        "/subscriptions/{}/resourceGroups/{rg}/providers/{ACCOUNTS}/{name}",
        h.info().defaults.subscription_id
    ) + &format!("?api-version={api}")
}

/// The path of account `name` in `rg`.
fn account_path(h: &Harness, rg: &str, name: &str) -> String {
    account_path_at(h, rg, name, API)
}

/// The path of `action` (`listKeys`, `regenerateKey`) on account `name` in `rg`.
fn action_path(h: &Harness, rg: &str, name: &str, action: &str) -> String {
    account_path(h, rg, name).replace("?api-version", &format!("/{action}?api-version"))
}

/// The path of container `container` of account `name` in `rg` (the list when empty).
fn container_path(h: &Harness, rg: &str, name: &str, container: &str) -> String {
    let containers = if container.is_empty() {
        String::new()
    } else {
        format!("/{container}")
    };
    account_path(h, rg, name).replace(
        "?api-version",
        &format!("/blobServices/default/containers{containers}?api-version"),
    )
}

/// The path of `checkNameAvailability` in the default subscription.
fn check_name_path(h: &Harness) -> String {
    format!(
        "/subscriptions/{}/providers/Microsoft.Storage/checkNameAvailability?api-version={API}",
        h.info().defaults.subscription_id
    )
}

/// The path and query of an absolute ARM URL.
fn relative(h: &Harness, url: &str) -> String {
    url.strip_prefix(&h.info().endpoints.arm)
        .expect("an ARM URL")
        .to_owned()
}

/// Creates account `name` in `rg` with `body`, completes its creation and returns the account.
async fn create(h: &Harness, token: &str, rg: &str, name: &str, body: Value) -> Value {
    let accepted = h.arm(Method::PUT, &account_path(h, rg, name), token, Some(body)).await;
    assert_eq!(accepted.status, 202, "{}", accepted.text);
    let location = relative(h, accepted.header("location").expect("a Location"));
    h.advance_clock(1).await;
    let done = h.arm(Method::GET, &location, token, None).await;
    assert_eq!(done.status, 200, "{}", done.text);
    done.json
}

/// A minimal account body.
fn minimal() -> Value {
    json!({ "location": "eastus", "kind": "StorageV2", "sku": { "name": "Standard_LRS" } })
}

/// The `keys` of a listKeys answer, as (name, value).
fn keys(reply: &Reply) -> Vec<(String, String)> {
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.json["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|key| {
            assert_eq!(key["permissions"], "FULL");
            assert!(key["creationTime"].is_string());
            (
                key["keyName"].as_str().unwrap().to_owned(),
                key["value"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_example_account_is_created_as_a_long_running_operation() {
    let h = Harness::start().await;
    let token = h.token().await;
    let create_example = example("StorageAccountCreate.json");
    let path = account_path(&h, "rg-emulator", "sto4445");
    let accepted = h
        .arm(
            Method::PUT,
            &path,
            &token,
            Some(create_example["parameters"]["parameters"].clone()),
        )
        .await;
    assert_eq!((accepted.status, accepted.text.as_str()), (202, ""));
    assert!(accepted.header("retry-after").is_some());
    let location = relative(&h, accepted.header("location").expect("a Location"));
    assert!(
        location.contains("/providers/Microsoft.Storage/locations/eastus/asyncoperations/"),
        "{location}"
    );

    let creating = h.arm(Method::GET, &path, &token, None).await;
    assert_eq!(creating.json["properties"]["provisioningState"], "Creating");
    let polled = h.arm(Method::GET, &location, &token, None).await;
    assert_eq!(polled.status, 202);
    assert!(
        polled
            .header("location")
            .is_some_and(|again| again.ends_with(&location))
    );

    h.advance_clock(1).await;
    let done = h.arm(Method::GET, &location, &token, None).await;
    assert_eq!(done.status, 200, "{}", done.text);
    let got = h.arm(Method::GET, &path, &token, None).await;
    assert_eq!(got.status, 200, "{}", got.text);
    assert_eq!(done.json, got.json);
    let expected = &create_example["responses"]["200"]["body"];
    assert_shape(expected, &got.json);
    assert_shape(
        &example("StorageAccountGetProperties.json")["responses"]["200"]["body"]["sku"],
        &got.json["sku"],
    );
    let account = &got.json;
    for key in ["name", "type", "kind", "location", "sku", "tags", "extendedLocation"] {
        assert_eq!(account[key], expected[key], "{key}");
    }
    let properties = &account["properties"];
    assert_eq!(properties["provisioningState"], "Succeeded");
    assert_eq!(properties["allowBlobPublicAccess"], false);
    assert_eq!(properties["allowSharedKeyAccess"], true);
    assert_eq!(properties["minimumTlsVersion"], "TLS1_2");
    assert_eq!(properties["publicNetworkAccess"], "Enabled");
    assert_eq!(properties["supportsHttpsTrafficOnly"], true);
    assert_eq!(properties["statusOfPrimary"], "available");
    assert_eq!(properties["primaryLocation"], "eastus");
    assert_eq!(properties["keyPolicy"], expected["properties"]["keyPolicy"]);
    assert_eq!(
        properties["primaryEndpoints"]["blob"],
        format!("{}/sto4445/", h.info().endpoints.blob.trim_end_matches('/'))
    );
    assert!(
        account["id"]
            .as_str()
            .unwrap()
            .ends_with("/resourceGroups/rg-emulator/providers/Microsoft.Storage/storageAccounts/sto4445")
    );

    // A PUT of the existing account updates it at once.
    let mut update = minimal();
    update["properties"] = json!({ "allowSharedKeyAccess": false });
    let updated = h.arm(Method::PUT, &path, &token, Some(update)).await;
    assert_eq!(updated.status, 200, "{}", updated.text);
    assert_eq!(updated.json["properties"]["allowSharedKeyAccess"], false);
    assert_eq!(updated.json["sku"]["name"], "Standard_LRS");
}

#[tokio::test]
async fn accounts_are_listed_patched_and_deleted() {
    let h = Harness::start().await;
    let token = h.token().await;
    let list_example = example("StorageAccountListByResourceGroup.json");
    let mut expected_item = list_example["responses"]["200"]["body"]["value"][0].clone();
    let mut body = minimal();
    body["tags"] = expected_item["tags"].clone();
    body["properties"] = json!({ "isHnsEnabled": expected_item["properties"]["isHnsEnabled"] });
    let created = create(&h, &token, "rg-emulator", "sto4036", body).await;
    assert_eq!(created["properties"]["accessTier"], "Hot");
    assert!(created["properties"].get("allowSharedKeyAccess").is_none());
    let by_group = account_path(&h, "rg-emulator", "").replace("/?api-version", "?api-version");
    let listed = h.arm(Method::GET, &by_group, &token, None).await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    expected_item["name"] = json!("sto4036");
    assert_shape(&json!({ "value": [expected_item] }), &listed.json);
    assert_eq!(listed.json["value"].as_array().unwrap().len(), 1);
    let sub = h.info().defaults.subscription_id.clone();
    let by_subscription = format!("/subscriptions/{sub}/providers/{ACCOUNTS}?api-version={API}");
    let all = h.arm(Method::GET, &by_subscription, &token, None).await;
    assert_eq!(all.json["value"][0]["name"], "sto4036");

    let path = account_path(&h, "rg-emulator", "sto4036");
    let patch = json!({ "tags": { "team": "build" }, "properties": { "allowBlobPublicAccess": true } });
    let patched = h.arm(Method::PATCH, &path, &token, Some(patch)).await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    assert_eq!(patched.json["tags"], json!({ "team": "build" }));
    assert_eq!(patched.json["properties"]["allowBlobPublicAccess"], true);

    let delete_example = example("StorageAccountDelete.json");
    assert!(delete_example["responses"].get("200").is_some() && delete_example["responses"].get("204").is_some());
    assert_eq!(h.arm(Method::DELETE, &path, &token, None).await.status, 200);
    assert_eq!(h.arm(Method::DELETE, &path, &token, None).await.status, 204);
    let gone = h.arm(Method::GET, &path, &token, None).await;
    assert_eq!((gone.status, gone.arm_code()), (404, "ResourceNotFound"));
}

#[tokio::test]
async fn keys_are_listed_and_regenerated_one_at_a_time() {
    let h = Harness::start().await;
    let token = h.token().await;
    create(&h, &token, "rg-emulator", "sto2220", minimal()).await;
    let list = action_path(&h, "rg-emulator", "sto2220", "listKeys");
    let listed = h.arm(Method::POST, &list, &token, None).await;
    assert_shape(
        &example("StorageAccountListKeys.json")["responses"]["200"]["body"],
        &listed.json,
    );
    let before = keys(&listed);
    assert_eq!(
        before.iter().map(|(name, _)| name.as_str()).collect::<Vec<_>>(),
        ["key1", "key2"]
    );
    assert!(before.iter().all(|(_, value)| value.len() == 88), "base64 of 64 bytes");
    assert_ne!(before[0].1, before[1].1);

    let regenerate = action_path(&h, "rg-emulator", "sto2220", "regenerateKey");
    let regenerated = h
        .arm(Method::POST, &regenerate, &token, Some(json!({ "keyName": "key1" })))
        .await;
    let after = keys(&regenerated);
    assert_ne!(after[0].1, before[0].1, "key1 changes");
    assert_eq!(after[1], before[1], "key2 stays");
    assert_eq!(keys(&h.arm(Method::POST, &list, &token, None).await), after);

    let wrong = h
        .arm(Method::POST, &regenerate, &token, Some(json!({ "keyName": "key3" })))
        .await;
    assert_eq!(
        (wrong.status, wrong.arm_code()),
        (400, "InvalidValuesForRequestParameters")
    );
    let missing = action_path(&h, "rg-emulator", "nosuchaccount", "listKeys");
    assert_eq!(h.arm(Method::POST, &missing, &token, None).await.status, 404);
}

#[tokio::test]
async fn containers_are_created_listed_and_deleted() {
    let h = Harness::start().await;
    let token = h.token().await;
    create(&h, &token, "rg-emulator", "sto328", minimal()).await;
    let put_example = example("BlobContainersPut.json");
    let path = container_path(&h, "rg-emulator", "sto328", "container6185");
    let body = put_example["parameters"]["blobContainer"].clone();
    let created = h.arm(Method::PUT, &path, &token, Some(body.clone())).await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_shape(&put_example["responses"]["201"]["body"], &created.json);
    assert_eq!(created.json["name"], "container6185");
    assert_eq!(
        created.json["type"],
        "Microsoft.Storage/storageAccounts/blobServices/containers"
    );
    assert!(
        created.json["id"]
            .as_str()
            .unwrap()
            .ends_with("/storageAccounts/sto328/blobServices/default/containers/container6185")
    );
    assert_eq!(created.json["properties"]["publicAccess"], "None");
    let again = h
        .arm(
            Method::PUT,
            &path,
            &token,
            Some(json!({ "properties": { "metadata": { "a": "1" } } })),
        )
        .await;
    assert_eq!(again.status, 200, "{}", again.text);
    assert_shape(&put_example["responses"]["200"]["body"], &again.json);
    assert_ne!(again.json["etag"], created.json["etag"]);
    let got = h.arm(Method::GET, &path, &token, None).await;
    assert_eq!(got.json, again.json);
    assert_eq!(got.json["properties"]["metadata"], json!({ "a": "1" }));

    let other = container_path(&h, "rg-emulator", "sto328", "a-first");
    assert_eq!(h.arm(Method::PUT, &other, &token, Some(json!({}))).await.status, 201);
    let list = h
        .arm(
            Method::GET,
            &container_path(&h, "rg-emulator", "sto328", ""),
            &token,
            None,
        )
        .await;
    assert_eq!(list.status, 200, "{}", list.text);
    let names: Vec<&str> = list.json["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["a-first", "container6185"]);

    let delete_example = example("BlobContainersDelete.json");
    assert!(delete_example["responses"].get("200").is_some() && delete_example["responses"].get("204").is_some());
    assert_eq!(h.arm(Method::DELETE, &path, &token, None).await.status, 200);
    assert_eq!(h.arm(Method::DELETE, &path, &token, None).await.status, 204);
    let gone = h.arm(Method::GET, &path, &token, None).await;
    assert_eq!((gone.status, gone.arm_code()), (404, "ContainerNotFound"));

    // A container of a deleted account goes with it: the re-created account has none.
    let account = account_path(&h, "rg-emulator", "sto328");
    assert_eq!(h.arm(Method::DELETE, &account, &token, None).await.status, 200);
    create(&h, &token, "rg-emulator", "sto328", minimal()).await;
    let empty = h
        .arm(
            Method::GET,
            &container_path(&h, "rg-emulator", "sto328", ""),
            &token,
            None,
        )
        .await;
    assert_eq!(empty.json["value"], json!([]));
}

#[tokio::test]
async fn public_access_needs_the_account_to_allow_it() {
    let h = Harness::start().await;
    let token = h.token().await;
    create(&h, &token, "rg-emulator", "stopublic", minimal()).await;
    let path = container_path(&h, "rg-emulator", "stopublic", "web");
    let public = json!({ "properties": { "publicAccess": "Blob" } });
    let refused = h.arm(Method::PUT, &path, &token, Some(public.clone())).await;
    assert_eq!((refused.status, refused.arm_code()), (409, "PublicAccessNotPermitted"));
    assert_eq!(h.arm(Method::GET, &path, &token, None).await.status, 404);

    let account = account_path(&h, "rg-emulator", "stopublic");
    let allow = json!({ "properties": { "allowBlobPublicAccess": true } });
    assert_eq!(h.arm(Method::PATCH, &account, &token, Some(allow)).await.status, 200);
    let created = h.arm(Method::PUT, &path, &token, Some(public)).await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.json["properties"]["publicAccess"], "Blob");
}

#[tokio::test]
async fn names_and_bodies_are_validated() {
    let h = Harness::start().await;
    let token = h.token().await;
    for bad in ["ab", "Upper1", "with-dash", "abcdefghijklmnopqrstuvwxy"] {
        let reply = h
            .arm(
                Method::PUT,
                &account_path(&h, "rg-emulator", bad),
                &token,
                Some(minimal()),
            )
            .await;
        assert_eq!((reply.status, reply.arm_code()), (400, "AccountNameInvalid"), "{bad}");
    }
    let path = account_path(&h, "rg-emulator", "stovalid");
    let cases = [
        (
            json!({ "location": "eastus", "kind": "StorageV2" }),
            "InvalidRequestContent",
        ),
        (
            json!({ "location": "eastus", "sku": { "name": "Standard_LRS" } }),
            "InvalidRequestContent",
        ),
        (
            json!({ "kind": "StorageV2", "sku": { "name": "Standard_LRS" } }),
            "LocationRequired",
        ),
        (
            json!({ "location": "eastus", "kind": "StorageV2", "sku": { "name": "Gold_LRS" } }),
            "InvalidValuesForRequestParameters",
        ),
        (
            json!({ "location": "eastus", "kind": "Tape", "sku": { "name": "Standard_LRS" } }),
            "InvalidValuesForRequestParameters",
        ),
    ];
    for (body, code) in cases {
        let reply = h.arm(Method::PUT, &path, &token, Some(body.clone())).await;
        assert_eq!((reply.status, reply.arm_code()), (400, code), "{body}");
    }

    let check = |name: &str| json!({ "name": name, "type": ACCOUNTS });
    let free = h
        .arm(Method::POST, &check_name_path(&h), &token, Some(check("stovalid")))
        .await;
    assert_eq!(free.json, json!({ "nameAvailable": true }), "{}", free.text);
    create(&h, &token, "rg-emulator", "stovalid", minimal()).await;
    let taken = h
        .arm(Method::POST, &check_name_path(&h), &token, Some(check("stovalid")))
        .await;
    assert_eq!(taken.json["nameAvailable"], false);
    assert_eq!(taken.json["reason"], "AlreadyExists");
    let invalid = h
        .arm(Method::POST, &check_name_path(&h), &token, Some(check("No")))
        .await;
    assert_eq!(invalid.json["reason"], "AccountNameInvalid");

    let group = h
        .arm(
            Method::PUT,
            &h.rg_path("rg-other"),
            &token,
            Some(json!({ "location": "eastus" })),
        )
        .await;
    assert_eq!(group.status, 201, "{}", group.text);
    let elsewhere = h
        .arm(
            Method::PUT,
            &account_path(&h, "rg-other", "stovalid"),
            &token,
            Some(minimal()),
        )
        .await;
    assert_eq!(
        (elsewhere.status, elsewhere.arm_code()),
        (409, "StorageAccountAlreadyExists")
    );

    for bad in ["ab", "a--b", "-ab", "Abc", "a_b"] {
        let reply = h
            .arm(
                Method::PUT,
                &container_path(&h, "rg-emulator", "stovalid", bad),
                &token,
                Some(json!({})),
            )
            .await;
        assert_eq!(reply.status, 400, "{bad}: {}", reply.text);
    }
}

#[tokio::test]
async fn deleting_the_resource_group_deletes_its_accounts_and_containers() {
    let h = Harness::start().await;
    let token = h.token().await;
    let group = h
        .arm(
            Method::PUT,
            &h.rg_path("rg-storage"),
            &token,
            Some(json!({ "location": "eastus" })),
        )
        .await;
    assert_eq!(group.status, 201, "{}", group.text);
    create(&h, &token, "rg-storage", "stocascade", minimal()).await;
    let container = container_path(&h, "rg-storage", "stocascade", "logs");
    assert_eq!(
        h.arm(Method::PUT, &container, &token, Some(json!({}))).await.status,
        201
    );

    assert_eq!(
        h.arm(Method::DELETE, &h.rg_path("rg-storage"), &token, None)
            .await
            .status,
        202
    );
    h.advance_clock(1).await;
    let gone = h
        .arm(Method::GET, &account_path(&h, "rg-storage", "stocascade"), &token, None)
        .await;
    assert_eq!((gone.status, gone.arm_code()), (404, "ResourceGroupNotFound"));
    let check = json!({ "name": "stocascade", "type": ACCOUNTS });
    let free = h.arm(Method::POST, &check_name_path(&h), &token, Some(check)).await;
    assert_eq!(free.json["nameAvailable"], true, "{}", free.text);

    // The name is free again, and the new account has no containers.
    create(&h, &token, "rg-emulator", "stocascade", minimal()).await;
    let listed = h
        .arm(
            Method::GET,
            &container_path(&h, "rg-emulator", "stocascade", ""),
            &token,
            None,
        )
        .await;
    assert_eq!(listed.json["value"], json!([]), "{}", listed.text);
}

#[tokio::test]
async fn every_published_api_version_is_accepted_and_others_refused() {
    let h = Harness::start().await;
    let token = h.token().await;
    create(&h, &token, "rg-emulator", "stoversions", minimal()).await;
    let wrong = h
        .arm(
            Method::GET,
            &account_path_at(&h, "rg-emulator", "stoversions", "2014-01-01"),
            &token,
            None,
        )
        .await;
    assert_eq!((wrong.status, wrong.arm_code()), (400, "InvalidApiVersionParameter"));
    let message = wrong.json["error"]["message"].as_str().unwrap();
    let supported = message
        .split("The supported versions are '")
        .nth(1)
        .and_then(|rest| rest.strip_suffix("'."))
        .expect("the list of versions");
    let versions: Vec<&str> = supported.split(',').collect();
    for published in [
        "2015-06-15",
        "2018-03-01-preview",
        "2023-01-01",
        "2025-08-01",
        "2026-09-01",
    ] {
        assert!(versions.contains(&published), "{published} in {versions:?}");
    }
    for version in &versions {
        let got = h
            .arm(
                Method::GET,
                &account_path_at(&h, "rg-emulator", "stoversions", version),
                &token,
                None,
            )
            .await;
        assert_eq!(got.status, 200, "{version}: {}", got.text);
    }

    let containers = container_path(&h, "rg-emulator", "stoversions", "");
    let old = h
        .arm(Method::GET, &containers.replace(API, "2017-10-01"), &token, None)
        .await;
    assert_eq!(
        old.arm_code(),
        "InvalidApiVersionParameter",
        "containers came with 2018-02-01"
    );
    for version in ["2018-02-01", "2025-08-01", API] {
        let listed = h
            .arm(Method::GET, &containers.replace(API, version), &token, None)
            .await;
        assert_eq!(listed.status, 200, "{version}: {}", listed.text);
    }
}
