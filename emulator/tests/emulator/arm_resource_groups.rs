//! Resource groups over ARM: create, update, get, head, patch, list with paging, delete as a
//! long-running operation.

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{Harness, RG_API};

#[tokio::test]
async fn create_get_update_and_head() {
    let h = Harness::start().await;
    let token = h.token().await;
    let sub = h.info().defaults.subscription_id.clone();
    let path = h.rg_path("Build-RG");

    let created = h
        .arm(
            Method::PUT,
            &path,
            &token,
            Some(json!({ "location": "West Europe", "tags": { "owner": "ci" } })),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(
        created.json,
        json!({
            "id": format!("/subscriptions/{sub}/resourceGroups/Build-RG"),
            "name": "Build-RG",
            "type": "Microsoft.Resources/resourceGroups",
            "location": "westeurope",
            "tags": { "owner": "ci" },
            "properties": { "provisioningState": "Succeeded" }
        })
    );
    assert_eq!(created.header("content-type"), Some("application/json; charset=utf-8"));

    let updated = h
        .arm(
            Method::PUT,
            &h.rg_path("build-rg"),
            &token,
            Some(json!({ "location": "westeurope" })),
        )
        .await;
    assert_eq!(updated.status, 200, "{}", updated.text);
    assert_eq!(updated.json["name"], "Build-RG");
    assert!(updated.json.get("tags").is_none());

    let upper = format!("/SUBSCRIPTIONS/{sub}/RESOURCEGROUPS/BUILD-RG?api-version={RG_API}");
    let got = h.arm(Method::GET, &upper, &token, None).await;
    assert_eq!(got.status, 200, "{}", got.text);
    assert_eq!(got.json["id"], format!("/subscriptions/{sub}/resourceGroups/Build-RG"));

    let patched = h
        .arm(Method::PATCH, &path, &token, Some(json!({ "tags": { "a": "b" } })))
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    assert_eq!(patched.json["tags"], json!({ "a": "b" }));

    let head = h.arm(Method::HEAD, &path, &token, None).await;
    assert_eq!(head.status, 204);
    let head = h.arm(Method::HEAD, &h.rg_path("absent"), &token, None).await;
    assert_eq!(head.status, 404);

    let moved = h
        .arm(Method::PUT, &path, &token, Some(json!({ "location": "eastus" })))
        .await;
    assert_eq!(moved.status, 409);
    assert_eq!(moved.arm_code(), "InvalidResourceGroupLocation");
}

#[tokio::test]
async fn put_is_validated_like_arm() {
    let h = Harness::start().await;
    let token = h.token().await;
    let reply = h
        .arm(Method::PUT, &h.rg_path("ok-name"), &token, Some(json!({ "tags": {} })))
        .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.arm_code(), "LocationRequired");
    assert_eq!(
        reply.json["error"]["message"],
        "The location property is required for this definition."
    );

    let reply = h
        .arm(
            Method::PUT,
            &h.rg_path("bad%21name"),
            &token,
            Some(json!({ "location": "eastus" })),
        )
        .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.arm_code(), "InvalidResourceGroup");
    assert!(
        reply.json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("has these invalid characters: '!'")
    );

    let reply = h
        .arm(
            Method::PUT,
            &h.rg_path("trailing."),
            &token,
            Some(json!({ "location": "eastus" })),
        )
        .await;
    assert_eq!(reply.arm_code(), "InvalidResourceGroup");

    let long = "a".repeat(91);
    let reply = h
        .arm(
            Method::PUT,
            &h.rg_path(&long),
            &token,
            Some(json!({ "location": "eastus" })),
        )
        .await;
    assert_eq!(reply.arm_code(), "InvalidResourceGroup");

    for location in [
        "atlantis",
        "global",
        "Asia",
        "unitedstates",
        "eastusstage",
        "eastus2euap",
    ] {
        let reply = h
            .arm(
                Method::PUT,
                &h.rg_path("ok-name"),
                &token,
                Some(json!({ "location": location })),
            )
            .await;
        assert_eq!(reply.status, 400, "{location}");
        assert_eq!(reply.arm_code(), "LocationNotAvailableForResourceGroup", "{location}");
        let message = reply.json["error"]["message"].as_str().unwrap();
        assert!(
            message.starts_with(&format!(
                "The provided location '{location}' is not available for resource group. List of available regions is 'australiacentral,"
            )),
            "{message}"
        );
        assert!(!message.contains("global") || location == "global", "{message}");
    }

    let url = format!("{}{}", h.info().endpoints.arm, h.rg_path("ok-name"));
    let auth = format!("Bearer {token}");
    let reply = h
        .send(Method::PUT, &url, &[("authorization", &auth)], Some("{not json".into()))
        .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.arm_code(), "InvalidRequestContent");
}

#[tokio::test]
async fn get_of_a_missing_group_is_resource_group_not_found() {
    let h = Harness::start().await;
    let token = h.token().await;
    let reply = h.arm(Method::GET, &h.rg_path("nope"), &token, None).await;
    assert_eq!(reply.status, 404);
    assert_eq!(
        reply.json,
        json!({"error":{"code":"ResourceGroupNotFound","message":"Resource group 'nope' could not be found."}})
    );
    let reply = h.arm(Method::DELETE, &h.rg_path("nope"), &token, None).await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.arm_code(), "ResourceGroupNotFound");
}

#[tokio::test]
async fn delete_is_a_long_running_operation_followed_through_location() {
    let h = Harness::with(az_emulator::EmulatorConfig {
        operation_duration_ms: 60_000,
        ..az_emulator::EmulatorConfig::default()
    })
    .await;
    let token = h.token().await;
    let path = h.rg_path("doomed");
    let created = h
        .arm(Method::PUT, &path, &token, Some(json!({ "location": "eastus" })))
        .await;
    assert_eq!(created.status, 201);

    let accepted = h.arm(Method::DELETE, &path, &token, None).await;
    assert_eq!(accepted.status, 202, "{}", accepted.text);
    assert_eq!(accepted.header("retry-after"), Some("1"));
    let location = accepted.header("location").unwrap().to_owned();
    let prefix = format!(
        "{}/subscriptions/{}/operationresults/",
        h.info().endpoints.arm,
        h.info().defaults.subscription_id
    );
    assert!(location.starts_with(&prefix), "{location}");
    assert!(location.ends_with(&format!("?api-version={RG_API}")), "{location}");

    let during = h.arm(Method::GET, &path, &token, None).await;
    assert_eq!(during.status, 200);
    assert_eq!(during.json["properties"]["provisioningState"], "Deleting");
    let again = h
        .arm(Method::PUT, &path, &token, Some(json!({ "location": "eastus" })))
        .await;
    assert_eq!(again.status, 409);
    assert_eq!(again.arm_code(), "ResourceGroupBeingDeleted");

    let operation_path = location.strip_prefix(&h.info().endpoints.arm).unwrap();
    let running = h.arm(Method::GET, operation_path, &token, None).await;
    assert_eq!(running.status, 202, "{}", running.text);
    assert_eq!(running.header("retry-after"), Some("1"));
    assert_eq!(running.header("location"), Some(location.as_str()));

    h.advance_clock(30).await;
    assert_eq!(h.arm(Method::GET, operation_path, &token, None).await.status, 202);
    assert_eq!(
        h.arm(Method::GET, &path, &token, None).await.json["properties"]["provisioningState"],
        "Deleting"
    );
    h.advance_clock(30).await;
    let done = h.arm(Method::GET, operation_path, &token, None).await;
    assert_eq!(done.status, 200, "{}", done.text);
    assert!(done.text.is_empty());

    let after = h.arm(Method::GET, &path, &token, None).await;
    assert_eq!(after.status, 404);
    assert_eq!(after.arm_code(), "ResourceGroupNotFound");

    let recreated = h
        .arm(Method::PUT, &path, &token, Some(json!({ "location": "eastus" })))
        .await;
    assert_eq!(recreated.status, 201);
}

#[tokio::test]
async fn list_pages_with_top_and_next_link() {
    let h = Harness::start().await;
    let token = h.token().await;
    for name in ["rg-a", "rg-b", "rg-c", "rg-d"] {
        let reply = h
            .arm(
                Method::PUT,
                &h.rg_path(name),
                &token,
                Some(json!({ "location": "eastus" })),
            )
            .await;
        assert_eq!(reply.status, 201);
    }
    let sub = h.info().defaults.subscription_id.clone();
    let arm = h.info().endpoints.arm.clone();
    let mut url = format!("{arm}/subscriptions/{sub}/resourcegroups?api-version={RG_API}&%24top=2");
    let mut pages = Vec::new();
    loop {
        let path = url.strip_prefix(&arm).unwrap().to_owned();
        let page = h.arm(Method::GET, &path, &token, None).await;
        assert_eq!(page.status, 200, "{}", page.text);
        let names: Vec<String> = page.json["value"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["name"].as_str().unwrap().to_owned())
            .collect();
        assert!(names.len() <= 2);
        pages.push(names);
        match page.json["nextLink"].as_str() {
            Some(next) => url = next.to_owned(),
            None => break,
        }
    }
    assert_eq!(
        pages,
        vec![
            vec!["rg-a".to_owned(), "rg-b".to_owned()],
            vec!["rg-c".to_owned(), "rg-d".to_owned()],
            vec!["rg-emulator".to_owned()],
        ]
    );
    let all = h
        .arm(
            Method::GET,
            &format!("/subscriptions/{sub}/resourceGroups?api-version={RG_API}"),
            &token,
            None,
        )
        .await;
    assert_eq!(all.json["value"].as_array().unwrap().len(), 5);
    assert!(all.json.get("nextLink").is_none());
}

#[tokio::test]
async fn subscriptions_are_listed_and_read() {
    let h = Harness::start().await;
    let token = h.token().await;
    let d = h.info().defaults.clone();
    let list = h
        .arm(Method::GET, "/subscriptions?api-version=2022-12-01", &token, None)
        .await;
    assert_eq!(list.status, 200, "{}", list.text);
    let value = list.json["value"].as_array().unwrap();
    assert_eq!(value.len(), 1);
    assert_eq!(value[0]["subscriptionId"], d.subscription_id);
    assert_eq!(value[0]["tenantId"], d.tenant_id);
    assert_eq!(value[0]["state"], "Enabled");

    let one = h
        .arm(
            Method::GET,
            &format!("/subscriptions/{}?api-version=2020-01-01", d.subscription_id),
            &token,
            None,
        )
        .await;
    assert_eq!(one.status, 200);
    assert_eq!(one.json["id"], format!("/subscriptions/{}", d.subscription_id));

    let missing = "99999999-9999-4999-8999-999999999999";
    let reply = h
        .arm(
            Method::GET,
            &format!("/subscriptions/{missing}?api-version=2020-01-01"),
            &token,
            None,
        )
        .await;
    assert_eq!(reply.status, 404);
    assert_eq!(
        reply.json,
        json!({"error":{"code":"SubscriptionNotFound","message":format!("The subscription '{missing}' could not be found.")}})
    );
}

/// Creates `name` with `tags` in the default subscription.
async fn create_tagged(h: &Harness, token: &str, name: &str, tags: Value) {
    let reply = h
        .arm(
            Method::PUT,
            &h.rg_path(name),
            token,
            Some(json!({ "location": "eastus", "tags": tags })),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
}

#[tokio::test]
async fn list_filters_by_tag_name_and_value() {
    let h = Harness::start().await;
    let token = h.token().await;
    create_tagged(&h, &token, "rg-ci-1", json!({ "Team": "build", "env": "ci" })).await;
    create_tagged(&h, &token, "rg-ci-2", json!({ "team": "Build" })).await;
    create_tagged(&h, &token, "rg-other", json!({ "owner": "someone" })).await;
    let sub = h.info().defaults.subscription_id.clone();
    let names = |filter: &'static str| {
        let h = &h;
        let token = token.clone();
        let sub = sub.clone();
        async move {
            let query = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("api-version", RG_API)
                .append_pair("$filter", filter)
                .append_pair("$top", "1")
                .finish();
            let mut path = format!("/subscriptions/{sub}/resourcegroups?{query}");
            let mut names = Vec::new();
            loop {
                let page = h.arm(Method::GET, &path, &token, None).await;
                assert_eq!(page.status, 200, "{filter}: {}", page.text);
                for group in page.json["value"].as_array().unwrap() {
                    names.push(group["name"].as_str().unwrap().to_owned());
                }
                match page.json["nextLink"].as_str() {
                    Some(next) => path = next.strip_prefix(&h.info().endpoints.arm).unwrap().to_owned(),
                    None => break names,
                }
            }
        }
    };
    assert_eq!(names("tagName eq 'team'").await, ["rg-ci-1", "rg-ci-2"]);
    assert_eq!(names("TAGNAME eq 'TEAM' and TagValue eq 'build'").await, ["rg-ci-1"]);
    assert_eq!(
        names("tagName eq 'owner' and tagValue eq 'nobody'").await,
        Vec::<String>::new()
    );

    for filter in ["name eq 'rg-ci-1'", "location eq 'eastus'", "tagName eq 'team"] {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("api-version", RG_API)
            .append_pair("$filter", filter)
            .finish();
        let reply = h
            .arm(
                Method::GET,
                &format!("/subscriptions/{sub}/resourcegroups?{query}"),
                &token,
                None,
            )
            .await;
        assert_eq!(reply.status, 400, "{filter}");
        assert_eq!(
            reply.json,
            json!({"error":{"code":"InvalidFilterInQueryString","message":format!("Invalid $filter '{filter}' specified in the query string.")}})
        );
    }
}

#[tokio::test]
async fn tags_are_held_to_arm_limits() {
    let h = Harness::start().await;
    let token = h.token().await;
    let many: serde_json::Map<String, Value> = (0..51).map(|i| (format!("tag{i}"), json!("v"))).collect();
    let cases = [
        (json!(many), "InvalidTags"),
        (json!({ "a/b": "x" }), "InvalidTagNameCharacters"),
        (json!({ "50%": "x" }), "InvalidTagNameCharacters"),
        (json!({ "n".repeat(513): "x" }), "InvalidTagName"),
        (json!({ "n": "v".repeat(257) }), "InvalidTagValueLength"),
    ];
    for (tags, code) in cases {
        for (method, path, body) in [
            (
                Method::PUT,
                h.rg_path("tagged"),
                json!({ "location": "eastus", "tags": tags }),
            ),
            (Method::PATCH, h.rg_path("rg-emulator"), json!({ "tags": tags })),
        ] {
            let reply = h.arm(method.clone(), &path, &token, Some(body)).await;
            assert_eq!(reply.status, 400, "{method} {code}: {}", reply.text);
            assert_eq!(reply.arm_code(), code, "{method}");
        }
    }
    let fifty: serde_json::Map<String, Value> = (0..50).map(|i| (format!("tag{i}"), json!("v"))).collect();
    let reply = h
        .arm(
            Method::PATCH,
            &h.rg_path("rg-emulator"),
            &token,
            Some(json!({ "tags": fifty })),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let seeded = h
        .admin(
            Method::POST,
            "/seed",
            Some(json!({ "resource_groups": [ { "name": "seeded", "tags": { "a<b": "x" } } ] })),
        )
        .await;
    assert_eq!(seeded.status, 400);
    assert!(seeded.text.contains("resource_groups[0].tags"), "{}", seeded.text);
}
