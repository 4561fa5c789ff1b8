//! The generic resource list (`GET /subscriptions/{sub}/resources`, and by resource group): every
//! registered provider's resources without `properties`, `$filter`, `$top` and `nextLink` paging
//! to the end, role-based visibility.

use reqwest::Method;
use serde_json::{Value, json};

use crate::aci_support::{definition, group_path_in};
use crate::common::{Harness, RG_API};

/// The resource type of container groups.
const ACI: &str = "Microsoft.ContainerInstance/containerGroups";
/// The resource type of user-assigned identities.
const MSI: &str = "Microsoft.ManagedIdentity/userAssignedIdentities";

/// Creates container groups `rg-emulator/a`, `rg-emulator/b` (tagged `team=build`),
/// `rg-other/c` (tagged `team=web`) and the group `rg-other`.
async fn populate(h: &Harness, token: &str) {
    let created = h
        .arm(
            Method::PUT,
            &h.rg_path("rg-other"),
            token,
            Some(json!({ "location": "westeurope" })),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    for (rg, name, tags) in [
        ("rg-emulator", "a", json!({})),
        ("rg-emulator", "b", json!({ "team": "build" })),
        ("rg-other", "c", json!({ "Team": "web" })),
    ] {
        let mut body = definition("nginx", "Never");
        body["tags"] = tags;
        let reply = h.arm(Method::PUT, &group_path_in(h, rg, name), token, Some(body)).await;
        assert_eq!(reply.status, 201, "{}", reply.text);
    }
}

/// Follows `nextLink` from `path_and_query` to the end; returns every page's items.
async fn pages(h: &Harness, token: &str, path_and_query: &str) -> Vec<Vec<Value>> {
    let arm = h.info().endpoints.arm.clone();
    let mut path = path_and_query.to_owned();
    let mut pages = Vec::new();
    loop {
        let page = h.arm(Method::GET, &path, token, None).await;
        assert_eq!(page.status, 200, "{path}: {}", page.text);
        pages.push(page.json["value"].as_array().expect("value").clone());
        match page.json["nextLink"].as_str() {
            Some(next) => path = next.strip_prefix(&arm).expect("an ARM URL").to_owned(),
            None => return pages,
        }
    }
}

/// The names of the container groups in `items`, in order.
fn group_names(items: &[Value]) -> Vec<&str> {
    items
        .iter()
        .filter(|item| item["type"] == ACI)
        .map(|item| item["name"].as_str().unwrap())
        .collect()
}

/// `{path}?api-version=...&$filter=...` (and `$top` when given).
fn query(path: &str, filter: Option<&str>, top: Option<&str>) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query.append_pair("api-version", RG_API);
    if let Some(filter) = filter {
        query.append_pair("$filter", filter);
    }
    if let Some(top) = top {
        query.append_pair("$top", top);
    }
    format!("{path}?{}", query.finish())
}

#[tokio::test]
async fn resources_of_every_provider_are_listed_without_properties() {
    let h = Harness::start().await;
    let token = h.token().await;
    populate(&h, &token).await;
    let sub = h.info().defaults.subscription_id.clone();
    let all = pages(
        &h,
        &token,
        &query(&format!("/subscriptions/{sub}/resources"), None, None),
    )
    .await;
    assert_eq!(all.len(), 1);
    assert_eq!(group_names(&all[0]), ["a", "b", "c"]);
    let b = all[0].iter().find(|item| item["name"] == "b").unwrap();
    assert_eq!(
        b,
        &json!({
            "id": format!("/subscriptions/{sub}/resourceGroups/rg-emulator/providers/{ACI}/b"),
            "name": "b",
            "type": ACI,
            "location": "eastus",
            "tags": { "team": "build" },
        })
    );
    assert!(all[0].iter().all(|item| item.get("properties").is_none()));
    let identity = all[0]
        .iter()
        .find(|item| item["type"] == MSI)
        .expect("the seeded identity");
    assert_eq!(identity["name"], "id-emulator");

    let by_group = pages(
        &h,
        &token,
        &query(
            &format!("/subscriptions/{sub}/resourceGroups/RG-OTHER/resources"),
            None,
            None,
        ),
    )
    .await;
    assert_eq!(group_names(&by_group[0]), ["c"]);
    let missing = h
        .arm(
            Method::GET,
            &query(
                &format!("/subscriptions/{sub}/resourceGroups/rg-absent/resources"),
                None,
                None,
            ),
            &token,
            None,
        )
        .await;
    assert_eq!((missing.status, missing.arm_code()), (404, "ResourceGroupNotFound"));
}

#[tokio::test]
async fn filters_select_by_type_group_name_location_and_tags() {
    let h = Harness::start().await;
    let token = h.token().await;
    populate(&h, &token).await;
    let sub = h.info().defaults.subscription_id.clone();
    let path = format!("/subscriptions/{sub}/resources");
    let cases = [
        (format!("resourceType eq '{}'", ACI.to_uppercase()), vec!["a", "b", "c"]),
        ("resourceGroup eq 'Rg-Other'".to_owned(), vec!["c"]),
        (format!("resourceType eq '{ACI}' and name eq 'B'"), vec!["b"]),
        (
            format!("resourceType eq '{ACI}' and location eq 'EastUS' and resourceGroup eq 'rg-emulator'"),
            vec!["a", "b"],
        ),
        ("tagName eq 'TEAM'".to_owned(), vec!["b", "c"]),
        ("tagName eq 'team' and tagValue eq 'web'".to_owned(), vec!["c"]),
        ("resourceType eq 'Microsoft.Storage/storageAccounts'".to_owned(), vec![]),
    ];
    for (filter, expected) in cases {
        let items: Vec<Value> = pages(&h, &token, &query(&path, Some(&filter), None)).await.concat();
        assert_eq!(group_names(&items), expected, "{filter}");
        assert_eq!(items.len(), expected.len(), "{filter}: only container groups match");
    }
    for filter in ["kind eq 'x'", "resourceType eq 'x' or name eq 'y'", "name eq 'unclosed"] {
        let reply = h
            .arm(Method::GET, &query(&path, Some(filter), None), &token, None)
            .await;
        assert_eq!(reply.status, 400, "{filter}");
        assert_eq!(
            reply.json,
            json!({"error":{"code":"InvalidFilterInQueryString","message":format!("Invalid $filter '{filter}' specified in the query string.")}})
        );
    }
}

#[tokio::test]
async fn top_pages_through_next_links_to_the_end() {
    let h = Harness::start().await;
    let token = h.token().await;
    populate(&h, &token).await;
    let sub = h.info().defaults.subscription_id.clone();
    let path = format!("/subscriptions/{sub}/resources");
    let filter = format!("resourceType eq '{ACI}'");
    let paged = pages(&h, &token, &query(&path, Some(&filter), Some("1"))).await;
    let names: Vec<Vec<&str>> = paged.iter().map(|page| group_names(page)).collect();
    assert_eq!(names, [vec!["a"], vec!["b"], vec!["c"]]);

    let everything = pages(&h, &token, &query(&path, None, None)).await.concat();
    let two_by_two = pages(&h, &token, &query(&path, None, Some("2"))).await;
    assert!(two_by_two.iter().all(|page| page.len() <= 2));
    assert_eq!(two_by_two.concat(), everything);

    for top in ["0", "1001", "x"] {
        let reply = h.arm(Method::GET, &query(&path, None, Some(top)), &token, None).await;
        assert_eq!(
            (reply.status, reply.arm_code()),
            (400, "InvalidQueryParameterValue"),
            "{top}"
        );
    }
}

#[tokio::test]
async fn only_what_the_caller_may_read_is_listed() {
    let h = Harness::start().await;
    let token = h.token().await;
    populate(&h, &token).await;
    let sub = h.info().defaults.subscription_id.clone();
    let identity = h.identity_token().await;
    let items = pages(
        &h,
        &identity,
        &query(&format!("/subscriptions/{sub}/resources"), None, None),
    )
    .await
    .concat();
    assert_eq!(group_names(&items), ["a", "b"], "the identity reads rg-emulator only");
    let other = h
        .arm(
            Method::GET,
            &query(
                &format!("/subscriptions/{sub}/resourceGroups/rg-other/resources"),
                None,
                None,
            ),
            &identity,
            None,
        )
        .await;
    assert_eq!((other.status, other.arm_code()), (403, "AuthorizationFailed"));
}
