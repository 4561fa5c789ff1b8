//! `Microsoft.Compute` over ARM, as far as Image Builder's distributors need it: galleries, image
//! definitions, image versions and managed images (creation as an LRO, shapes, validation,
//! deletion rules, lists, the resource group cascade, api-versions), and the platform image
//! versions with `latest`, by default and narrowed by `[[platform_images]]`.

use az_emulator::EmulatorConfig;
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{Harness, quick_config};

/// The GalleryRP api-version the tests use.
const GALLERY_API: &str = "2024-03-03";

/// The ComputeRP api-version the tests use.
const COMPUTE_API: &str = "2024-07-01";

/// The provider prefix of resource group `rg` of the default subscription.
fn compute(h: &Harness, rg: &str) -> String {
    format!(
        "/subscriptions/{}/resourceGroups/{rg}/providers/Microsoft.Compute",
        h.info().defaults.subscription_id
    )
}

/// `{compute}/{rest}?api-version={api}`.
fn path(h: &Harness, rg: &str, rest: &str, api: &str) -> String {
    format!("{}/{rest}?api-version={api}", compute(h, rg))
}

/// A gallery body.
fn gallery_body() -> Value {
    json!({ "location": "West Europe", "properties": { "description": "images" } })
}

/// An image definition body.
fn definition_body() -> Value {
    json!({
        "location": "westeurope",
        "properties": {
            "osType": "Linux",
            "osState": "Generalized",
            "hyperVGeneration": "V2",
            "identifier": { "publisher": "contoso", "offer": "agents", "sku": "ubuntu" },
        },
    })
}

/// A managed image body from a VHD blob.
fn image_body() -> Value {
    json!({
        "location": "westeurope",
        "properties": {
            "hyperVGeneration": "V2",
            "storageProfile": {
                "osDisk": {
                    "osType": "Linux",
                    "osState": "Generalized",
                    "blobUri": "https://sto.blob.core.windows.net/vhds/agent.vhd",
                },
            },
        },
    })
}

/// A version body whose source is `source`.
fn version_body(source: &str) -> Value {
    json!({
        "location": "westeurope",
        "properties": {
            "publishingProfile": {
                "targetRegions": [
                    { "name": "West Europe" },
                    { "name": "eastus", "regionalReplicaCount": 2, "storageAccountType": "Standard_ZRS" },
                ],
                "replicaCount": 1,
            },
            "storageProfile": { "source": { "id": source } },
        },
    })
}

/// PUTs `body` at `rest` and expects 201 with an `Azure-AsyncOperation` and `Creating`.
async fn create(h: &Harness, token: &str, rest: &str, api: &str, body: Value) -> Value {
    let reply = h
        .arm(Method::PUT, &path(h, "rg-emulator", rest, api), token, Some(body))
        .await;
    assert_eq!(reply.status, 201, "{rest}: {}", reply.text);
    assert!(reply.header("azure-asyncoperation").is_some(), "{rest}");
    assert_eq!(
        reply.json["properties"]["provisioningState"], "Creating",
        "{}",
        reply.text
    );
    reply.json
}

/// The `(status, code)` of a request.
async fn outcome(h: &Harness, token: &str, method: Method, path: &str, body: Option<Value>) -> (u16, String) {
    let reply = h.arm(method, path, token, body).await;
    (reply.status, reply.arm_code().to_owned())
}

/// DELETEs `path` as a client of ARM's long-running operations does: after a 202 (with
/// `Location` and `Retry-After`, the resource reading `Deleting`), it polls the
/// `Azure-AsyncOperation` while moving the clock until the operation `Succeeded`; then the
/// resource is gone (404). Returns the DELETE's status: 200, 202 or 204.
async fn delete_until_gone(h: &Harness, token: &str, path: &str) -> u16 {
    let deleted = h.arm(Method::DELETE, path, token, None).await;
    match deleted.status {
        200 | 204 => assert!(deleted.text.is_empty(), "{path}: {}", deleted.text),
        202 => {
            assert!(deleted.header("location").is_some(), "{path}");
            assert!(deleted.header("retry-after").is_some(), "{path}");
            let during = h.arm(Method::GET, path, token, None).await;
            assert_eq!(
                during.json["properties"]["provisioningState"], "Deleting",
                "{path}: {}",
                during.text
            );
            let again = h.arm(Method::DELETE, path, token, None).await;
            assert_eq!(
                again.status, 202,
                "{path}: a DELETE during the operation repeats its 202"
            );
            assert_eq!(
                again.header("azure-asyncoperation"),
                deleted.header("azure-asyncoperation")
            );
            let status_url = deleted.header("azure-asyncoperation").expect("Azure-AsyncOperation");
            let status_path = status_url.strip_prefix(&h.info().endpoints.arm).expect("on ARM");
            let mut ended = false;
            for _ in 0..5 {
                h.advance_clock(1).await;
                let status = h.arm(Method::GET, status_path, token, None).await;
                if status.json["status"] == "Succeeded" {
                    ended = true;
                    break;
                }
                assert_eq!(status.json["status"], "InProgress", "{path}: {}", status.text);
            }
            assert!(ended, "{path}: the deletion never ended");
        }
        other => panic!("{path}: undocumented DELETE status {other}: {}", deleted.text),
    }
    let after = h.arm(Method::GET, path, token, None).await;
    assert_eq!(after.status, 404, "{path}: {}", after.text);
    deleted.status
}

#[tokio::test]
async fn deletes_draw_200_202_and_204_and_clients_following_202_see_the_resource_gone() {
    let kinds = ["version", "definition", "gallery", "image"];
    let mut seen: Vec<(&str, u16)> = Vec::new();
    for seed in [3, 5, 8] {
        let mut config = quick_config();
        config.responses.seed = Some(seed);
        let h = Harness::with(config).await;
        let token = h.token().await;
        let image = format!("{}/images/src", compute(&h, "rg-emulator"));
        create(&h, &token, "images/src", COMPUTE_API, image_body()).await;
        for g in 0..3 {
            let gallery = format!("galleries/gal{g}");
            let definition = format!("{gallery}/images/agent");
            let version = format!("{definition}/versions/1.0.{g}");
            let managed = format!("images/img{g}");
            create(&h, &token, &gallery, GALLERY_API, gallery_body()).await;
            create(&h, &token, &definition, GALLERY_API, definition_body()).await;
            create(&h, &token, &version, GALLERY_API, version_body(&image)).await;
            create(&h, &token, &managed, COMPUTE_API, image_body()).await;
            h.advance_clock(1).await;
            for (kind, rest, api) in [
                ("version", &version, GALLERY_API),
                ("definition", &definition, GALLERY_API),
                ("gallery", &gallery, GALLERY_API),
                ("image", &managed, COMPUTE_API),
            ] {
                let at = path(&h, "rg-emulator", rest, api);
                seen.push((kind, delete_until_gone(&h, &token, &at).await));
                assert_eq!(h.arm(Method::DELETE, &at, &token, None).await.status, 204, "{rest}");
            }
        }
    }
    for kind in kinds {
        for status in [200, 202, 204] {
            assert!(seen.contains(&(kind, status)), "{kind}: {status} never drawn: {seen:?}");
        }
    }
}

#[tokio::test]
async fn a_gallery_is_created_as_an_operation_updated_listed_and_deleted() {
    let h = Harness::start().await;
    let token = h.token().await;
    let subscription = h.info().defaults.subscription_id.clone();
    let created = create(&h, &token, "galleries/gal_1", GALLERY_API, gallery_body()).await;
    assert_eq!(created["type"], "Microsoft.Compute/galleries");
    assert_eq!(created["location"], "westeurope");
    assert_eq!(
        created["properties"]["identifier"]["uniqueName"],
        format!("{subscription}-GAL_1")
    );
    h.advance_clock(1).await;
    let item = path(&h, "rg-emulator", "galleries/gal_1", GALLERY_API);
    let got = h.arm(Method::GET, &item, &token, None).await;
    assert_eq!(got.json["properties"]["provisioningState"], "Succeeded", "{}", got.text);

    let mut update = gallery_body();
    update["properties"]["description"] = json!("renamed");
    update["tags"] = json!({ "team": "images" });
    let updated = h.arm(Method::PUT, &item, &token, Some(update)).await;
    assert_eq!(updated.status, 200, "{}", updated.text);
    assert_eq!(updated.json["properties"]["description"], "renamed");
    assert_eq!(updated.json["tags"]["team"], "images");
    let moved = outcome(&h, &token, Method::PUT, &item, Some(json!({ "location": "eastus" }))).await;
    assert_eq!(moved, (400, "InvalidResourceLocation".to_owned()));

    for list in [
        path(&h, "rg-emulator", "galleries", GALLERY_API),
        format!("/subscriptions/{subscription}/providers/Microsoft.Compute/galleries?api-version={GALLERY_API}"),
    ] {
        let listed = h.arm(Method::GET, &list, &token, None).await;
        assert_eq!(listed.json["value"][0]["name"], "gal_1", "{}", listed.text);
    }
    delete_until_gone(&h, &token, &item).await;
    assert_eq!(
        outcome(&h, &token, Method::GET, &item, None).await,
        (404, "ResourceNotFound".to_owned())
    );
    assert_eq!(h.arm(Method::DELETE, &item, &token, None).await.status, 204);
}

#[tokio::test]
async fn definitions_and_versions_follow_azures_rules() {
    let h = Harness::start().await;
    let token = h.token().await;
    create(&h, &token, "galleries/gal", GALLERY_API, gallery_body()).await;
    let definition = create(&h, &token, "galleries/gal/images/agent", GALLERY_API, definition_body()).await;
    assert_eq!(definition["type"], "Microsoft.Compute/galleries/images");
    assert_eq!(definition["properties"]["identifier"]["sku"], "ubuntu");
    assert_eq!(definition["properties"]["architecture"], "x64");
    let image = create(&h, &token, "images/agent-image", COMPUTE_API, image_body()).await;
    let image_id = image["id"].as_str().unwrap().to_owned();
    let version = create(
        &h,
        &token,
        "galleries/gal/images/agent/versions/1.0.0",
        GALLERY_API,
        version_body(&image_id),
    )
    .await;
    let publishing = &version["properties"]["publishingProfile"];
    assert_eq!(publishing["targetRegions"][0]["regionalReplicaCount"], 1);
    assert_eq!(publishing["targetRegions"][0]["storageAccountType"], "Standard_LRS");
    assert_eq!(publishing["targetRegions"][1]["storageAccountType"], "Standard_ZRS");
    assert_eq!(
        version["properties"]["storageProfile"]["source"]["id"],
        image_id.as_str()
    );

    let at = |rest: &str| path(&h, "rg-emulator", rest, GALLERY_API);
    let mut no_os = definition_body();
    no_os["properties"].as_object_mut().unwrap().remove("osType");
    let reply = h
        .arm(Method::PUT, &at("galleries/gal/images/other"), &token, Some(no_os))
        .await;
    assert_eq!(reply.arm_code(), "InvalidParameter");
    assert!(
        reply.json["error"]["message"].as_str().unwrap().contains("'osType'"),
        "{}",
        reply.text
    );
    let mut bad_state = definition_body();
    bad_state["properties"]["osState"] = json!("Frozen");
    let bad = outcome(
        &h,
        &token,
        Method::PUT,
        &at("galleries/gal/images/other"),
        Some(bad_state),
    )
    .await;
    assert_eq!(bad, (400, "InvalidRequestContent".to_owned()));
    for (rest, body, expected) in [
        (
            "galleries/gal/images/-bad",
            definition_body(),
            (400, "InvalidParameter"),
        ),
        ("galleries/gal-dash", gallery_body(), (400, "InvalidParameter")),
        (
            "galleries/nogal/images/agent",
            definition_body(),
            (404, "ParentResourceNotFound"),
        ),
        (
            "galleries/gal/images/agent/versions/1.0",
            version_body(&image_id),
            (400, "InvalidParameter"),
        ),
        (
            "galleries/gal/images/agent/versions/1.0.0.1",
            version_body(&image_id),
            (400, "InvalidParameter"),
        ),
        (
            "galleries/gal/images/none/versions/1.0.0",
            version_body(&image_id),
            (404, "ParentResourceNotFound"),
        ),
        (
            "galleries/gal/images/agent/versions/2.0.0",
            version_body(&format!("{image_id}-gone")),
            (400, "InvalidParameter"),
        ),
        (
            "galleries/gal/images/agent/versions/2.0.0",
            json!({ "location": "westeurope", "properties": {} }),
            (400, "InvalidParameter"),
        ),
    ] {
        let got = outcome(&h, &token, Method::PUT, &at(rest), Some(body)).await;
        assert_eq!((got.0, got.1.as_str()), expected, "{rest}");
    }
    let mut elsewhere = version_body(&image_id);
    elsewhere["properties"]["publishingProfile"]["targetRegions"] = json!([{ "name": "eastus" }]);
    let missing_home = outcome(
        &h,
        &token,
        Method::PUT,
        &at("galleries/gal/images/agent/versions/2.0.0"),
        Some(elsewhere),
    )
    .await;
    assert_eq!(missing_home, (400, "InvalidParameter".to_owned()));
    let mut windows = definition_body();
    windows["properties"]["osType"] = json!("Windows");
    let changed = outcome(
        &h,
        &token,
        Method::PUT,
        &at("galleries/gal/images/agent"),
        Some(windows),
    )
    .await;
    assert_eq!(changed, (409, "PropertyChangeNotAllowed".to_owned()));

    // Nothing is deleted while it holds children.
    let nested = (409, "CannotDeleteResource".to_owned());
    assert_eq!(
        outcome(&h, &token, Method::DELETE, &at("galleries/gal"), None).await,
        nested
    );
    assert_eq!(
        outcome(&h, &token, Method::DELETE, &at("galleries/gal/images/agent"), None).await,
        nested
    );
    let versions = h
        .arm(Method::GET, &at("galleries/gal/images/agent/versions"), &token, None)
        .await;
    assert_eq!(versions.json["value"][0]["name"], "1.0.0", "{}", versions.text);
    let listed = h.arm(Method::GET, &at("galleries/gal/images"), &token, None).await;
    assert_eq!(listed.json["value"][0]["name"], "agent", "{}", listed.text);
    for rest in [
        "galleries/gal/images/agent/versions/1.0.0",
        "galleries/gal/images/agent",
        "galleries/gal",
    ] {
        delete_until_gone(&h, &token, &at(rest)).await;
    }
}

#[tokio::test]
async fn managed_images_need_an_os_disk_and_no_vm_exists() {
    let h = Harness::start().await;
    let token = h.token().await;
    let created = create(&h, &token, "images/img_", COMPUTE_API, image_body()).await;
    let os_disk = &created["properties"]["storageProfile"]["osDisk"];
    assert_eq!(os_disk["blobUri"], "https://sto.blob.core.windows.net/vhds/agent.vhd");
    assert_eq!(created["properties"]["hyperVGeneration"], "V2");
    let at = |rest: &str| path(&h, "rg-emulator", rest, COMPUTE_API);
    let from_vm = json!({
        "location": "westeurope",
        "properties": { "sourceVirtualMachine": { "id": format!("{}/virtualMachines/vm1", compute(&h, "rg-emulator")) } },
    });
    assert_eq!(
        outcome(&h, &token, Method::PUT, &at("images/fromvm"), Some(from_vm)).await,
        (404, "ResourceNotFound".to_owned())
    );
    let mut no_source = image_body();
    no_source["properties"]["storageProfile"]["osDisk"]
        .as_object_mut()
        .unwrap()
        .remove("blobUri");
    assert_eq!(
        outcome(&h, &token, Method::PUT, &at("images/nosource"), Some(no_source)).await,
        (400, "InvalidParameter".to_owned())
    );
    assert_eq!(
        outcome(&h, &token, Method::PUT, &at("images/-x"), Some(image_body())).await,
        (400, "InvalidParameter".to_owned())
    );
    let listed = h.arm(Method::GET, &at("images"), &token, None).await;
    assert_eq!(listed.json["value"].as_array().unwrap().len(), 1, "{}", listed.text);
    delete_until_gone(&h, &token, &at("images/img_")).await;
    assert_eq!(
        h.arm(Method::DELETE, &at("images/img_"), &token, None).await.status,
        204
    );
}

/// The versions path of a platform image SKU in `location`.
fn versions_path(h: &Harness, location: &str, publisher: &str, offer: &str, sku: &str) -> String {
    format!(
        "/subscriptions/{}/providers/Microsoft.Compute/locations/{location}/publishers/{publisher}/artifacttypes/vmimage/offers/{offer}/skus/{sku}/versions",
        h.info().defaults.subscription_id
    )
}

/// The version names a list of platform image versions answers.
async fn platform_versions(h: &Harness, token: &str, versions: &str, query: &str) -> Vec<String> {
    let reply = h
        .arm(
            Method::GET,
            &format!("{versions}?api-version={COMPUTE_API}{query}"),
            token,
            None,
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply
        .json
        .as_array()
        .expect("an array")
        .iter()
        .map(|v| v["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn every_platform_image_exists_by_default_and_latest_is_the_newest() {
    let h = Harness::start().await;
    let token = h.token().await;
    let versions = versions_path(&h, "westeurope", "Canonical", "ubuntu-24_04-lts", "server");
    assert_eq!(
        platform_versions(&h, &token, &versions, "").await,
        ["2024.01.10", "2025.06.01", "2025.11.20"]
    );
    assert_eq!(
        platform_versions(&h, &token, &versions, "&$orderby=name%20desc&$top=1").await,
        ["2025.11.20"]
    );
    let latest = h
        .arm(
            Method::GET,
            &format!("{versions}/latest?api-version={COMPUTE_API}"),
            &token,
            None,
        )
        .await;
    assert_eq!(latest.json["name"], "2025.11.20", "{}", latest.text);
    assert_eq!(latest.json["location"], "westeurope");
    assert_eq!(latest.json["properties"]["osDiskImage"]["operatingSystem"], "Linux");
    assert!(
        latest.json["id"]
            .as_str()
            .unwrap()
            .ends_with("/Skus/server/Versions/2025.11.20")
    );
    let unknown = h
        .arm(
            Method::GET,
            &format!("{versions}/1.2.3?api-version={COMPUTE_API}"),
            &token,
            None,
        )
        .await;
    assert_eq!((unknown.status, unknown.arm_code()), (404, "NotFound"));
    assert_eq!(unknown.json["error"]["message"], "Artifact: VMImage was not found.");
    let bad_order = h
        .arm(
            Method::GET,
            &format!("{versions}?api-version={COMPUTE_API}&$orderby=date"),
            &token,
            None,
        )
        .await;
    assert_eq!((bad_order.status, bad_order.arm_code()), (400, "InvalidParameter"));
}

#[tokio::test]
async fn the_configuration_narrows_the_marketplace() {
    let config = EmulatorConfig {
        operation_duration_ms: quick_config().operation_duration_ms,
        ..EmulatorConfig::from_toml_str(
            r#"
[[platform_images]]
publisher = "Canonical"
offer = "ubuntu-24_04-lts"
sku = "server"
versions = ["24.04.202409120", "24.04.99", "24.04.202501010"]

[[platform_images]]
publisher = "Canonical"
offer = "ubuntu-24_04-lts"
sku = "server"
versions = ["24.10.1"]
locations = ["East US"]
"#,
        )
        .expect("parses")
    };
    let h = Harness::with(config).await;
    let token = h.token().await;
    let server = |location: &str| versions_path(&h, location, "canonical", "Ubuntu-24_04-LTS", "Server");
    assert_eq!(
        platform_versions(&h, &token, &server("westeurope"), "").await,
        ["24.04.99", "24.04.202409120", "24.04.202501010"]
    );
    assert_eq!(
        platform_versions(&h, &token, &server("eastus"), "&$orderby=name desc").await,
        ["24.10.1", "24.04.202501010", "24.04.202409120", "24.04.99"]
    );
    let other = versions_path(&h, "eastus", "Canonical", "ubuntu-24_04-lts", "minimal");
    assert!(platform_versions(&h, &token, &other, "").await.is_empty());
    let latest = h
        .arm(
            Method::GET,
            &format!("{}/latest?api-version={COMPUTE_API}", server("westeurope")),
            &token,
            None,
        )
        .await;
    assert_eq!(latest.json["name"], "24.04.202501010", "{}", latest.text);
    let default_version = h
        .arm(
            Method::GET,
            &format!("{}/2025.06.01?api-version={COMPUTE_API}", server("westeurope")),
            &token,
            None,
        )
        .await;
    assert_eq!(default_version.status, 404);

    let wrong = "[[platform_images]]\npublisher = \"p\"\noffer = \"o\"\nsku = \"s\"\nversions = [\"1.0\"]\n";
    let error = EmulatorConfig::from_toml_str(wrong).expect_err("refused").to_string();
    assert!(error.contains("platform_images[0].versions[0]"), "{error}");
}

#[tokio::test]
async fn deleting_the_resource_group_deletes_its_compute_resources() {
    let h = Harness::start().await;
    let token = h.token().await;
    let group = Some(json!({ "location": "westeurope" }));
    assert_eq!(
        h.arm(Method::PUT, &h.rg_path("rg-images"), &token, group.clone())
            .await
            .status,
        201
    );
    let at = |rest: &str, api: &str| path(&h, "rg-images", rest, api);
    let image = h
        .arm(Method::PUT, &at("images/img", COMPUTE_API), &token, Some(image_body()))
        .await;
    assert_eq!(image.status, 201, "{}", image.text);
    let image_id = image.json["id"].as_str().unwrap().to_owned();
    for (rest, body) in [
        ("galleries/gal", gallery_body()),
        ("galleries/gal/images/agent", definition_body()),
        ("galleries/gal/images/agent/versions/1.0.0", version_body(&image_id)),
    ] {
        assert_eq!(
            h.arm(Method::PUT, &at(rest, GALLERY_API), &token, Some(body))
                .await
                .status,
            201,
            "{rest}"
        );
    }
    let generic = format!(
        "{}?api-version=2021-04-01",
        h.rg_path("rg-images").split('?').next().unwrap().to_owned() + "/resources"
    );
    let resources = h.arm(Method::GET, &generic, &token, None).await;
    let mut types: Vec<&str> = resources.json["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["type"].as_str().unwrap())
        .collect();
    types.sort_unstable();
    assert_eq!(
        types,
        [
            "Microsoft.Compute/galleries",
            "Microsoft.Compute/galleries/images",
            "Microsoft.Compute/galleries/images/versions",
            "Microsoft.Compute/images",
        ],
        "{}",
        resources.text
    );

    assert_eq!(
        h.arm(Method::DELETE, &h.rg_path("rg-images"), &token, None)
            .await
            .status,
        202
    );
    h.advance_clock(1).await;
    assert_eq!(
        h.arm(Method::PUT, &h.rg_path("rg-images"), &token, group).await.status,
        201
    );
    for (rest, api) in [
        ("images/img", COMPUTE_API),
        ("galleries/gal", GALLERY_API),
        ("galleries/gal/images/agent/versions/1.0.0", GALLERY_API),
    ] {
        assert_eq!(
            h.arm(Method::GET, &at(rest, api), &token, None).await.status,
            404,
            "{rest}"
        );
    }
}

#[tokio::test]
async fn every_published_api_version_is_accepted_and_others_refused() {
    let h = Harness::start().await;
    let token = h.token().await;
    for api in ["2018-06-01", "2022-03-03", "2025-03-03"] {
        let galleries = path(&h, "rg-emulator", "galleries", api);
        assert_eq!(h.arm(Method::GET, &galleries, &token, None).await.status, 200, "{api}");
    }
    for api in ["2016-04-30-preview", "2021-07-01", "2025-04-01"] {
        let images = path(&h, "rg-emulator", "images", api);
        assert_eq!(h.arm(Method::GET, &images, &token, None).await.status, 200, "{api}");
    }
    let versions = versions_path(&h, "eastus", "p", "o", "s");
    assert_eq!(
        h.arm(Method::GET, &format!("{versions}?api-version=2015-06-15"), &token, None)
            .await
            .status,
        200
    );
    for wrong in [
        path(&h, "rg-emulator", "galleries", "2024-07-01"),
        path(&h, "rg-emulator", "images", "2024-03-03"),
        format!("{versions}?api-version=2030-01-01"),
    ] {
        let reply = h.arm(Method::GET, &wrong, &token, None).await;
        assert_eq!(
            (reply.status, reply.arm_code()),
            (400, "InvalidApiVersionParameter"),
            "{wrong}"
        );
    }
}
