//! Container groups over ARM: create as an Azure-AsyncOperation, provisioning on the emulator's
//! clock, get, patch, list with paging, delete, role checks, resource group deletion.

use reqwest::Method;
use serde_json::json;

use crate::aci_support::{
    ACI_API, DELETE_STATUSES, PAST_OPERATION, aci_config, aci_config_deleting_with, container_view, create_running,
    definition, get, group_path, group_path_in, pid_after, process_is_gone,
};
use crate::common::Harness;

#[tokio::test]
async fn create_answers_201_with_an_operation_and_provisions_on_the_clock() {
    let h = Harness::with(aci_config()).await;
    let token = h.token().await;
    let sub = h.info().defaults.subscription_id.clone();
    let path = group_path(&h, "web");
    let created = h
        .arm(Method::PUT, &path, &token, Some(definition("nginx", "Always")))
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = format!(
        "/subscriptions/{sub}/resourceGroups/rg-emulator/providers/Microsoft.ContainerInstance/containerGroups/web"
    );
    assert_eq!(created.json["id"], id);
    assert_eq!(created.json["type"], "Microsoft.ContainerInstance/containerGroups");
    assert_eq!(created.json["properties"]["provisioningState"], "Pending");
    assert_eq!(created.json["properties"]["instanceView"]["state"], "Pending");
    assert_eq!(container_view(&created.json)["currentState"]["state"], "Waiting");
    assert_eq!(created.header("retry-after"), Some("1"));
    let operation = created
        .header("azure-asyncoperation")
        .expect("Azure-AsyncOperation")
        .to_owned();
    let prefix = format!(
        "{}/subscriptions/{sub}/providers/Microsoft.ContainerInstance/locations/eastus/operations/",
        h.info().endpoints.arm
    );
    assert!(operation.starts_with(&prefix), "{operation}");
    let operation_path = operation.strip_prefix(&h.info().endpoints.arm).unwrap().to_owned();
    let status = h.arm(Method::GET, &operation_path, &token, None).await;
    assert_eq!(status.json["status"], "InProgress");

    h.advance_clock(PAST_OPERATION).await;
    let status = h.arm(Method::GET, &operation_path, &token, None).await;
    assert_eq!(status.json["status"], "Succeeded", "{}", status.text);
    let group = get(&h, &token, "web").await;
    assert_eq!(group["properties"]["provisioningState"], "Succeeded");
    assert_eq!(group["properties"]["instanceView"]["state"], "Running");
    assert_eq!(group["properties"]["restartPolicy"], "Always");
    let view = container_view(&group);
    assert_eq!(view["currentState"]["state"], "Running", "{view}");
    assert!(view["currentState"]["startTime"].is_string());
    assert_eq!(view["restartCount"], 0);
    let events: Vec<&str> = view["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["Pulling", "Pulled", "Started"]);
    assert!(view["events"][0]["firstTimestamp"].is_string());

    let updated = h
        .arm(Method::PUT, &path, &token, Some(definition("nginx:2", "Always")))
        .await;
    assert_eq!(updated.status, 200, "{}", updated.text);
    assert!(updated.header("azure-asyncoperation").is_some());
    assert_eq!(updated.json["properties"]["provisioningState"], "Pending");

    let patched = h
        .arm(Method::PATCH, &path, &token, Some(json!({ "tags": { "team": "ci" } })))
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    assert_eq!(patched.json["tags"], json!({ "team": "ci" }));
    let upper = path.replace(
        "providers/Microsoft.ContainerInstance/containerGroups",
        "PROVIDERS/microsoft.containerinstance/CONTAINERGROUPS",
    );
    assert_eq!(h.arm(Method::GET, &upper, &token, None).await.status, 200);
}

#[tokio::test]
async fn delete_is_202_then_gone_and_a_missing_group_is_204() {
    let h = Harness::with(aci_config_deleting_with(&[202])).await;
    let token = h.token().await;
    create_running(&h, &token, "doomed", definition("nginx", "Always")).await;
    let path = group_path(&h, "doomed");
    let deleted = h.arm(Method::DELETE, &path, &token, None).await;
    assert_eq!(deleted.status, 202, "{}", deleted.text);
    assert!(deleted.header("azure-asyncoperation").is_some());
    assert!(deleted.header("location").is_some());
    let group = get(&h, &token, "doomed").await;
    assert_eq!(group["properties"]["provisioningState"], "Deleting");
    let again = h.arm(Method::DELETE, &path, &token, None).await;
    assert_eq!(again.status, 202);
    assert_eq!(
        again.header("azure-asyncoperation"),
        deleted.header("azure-asyncoperation")
    );

    h.advance_clock(PAST_OPERATION).await;
    let gone = h.arm(Method::GET, &path, &token, None).await;
    assert_eq!(gone.status, 404);
    assert_eq!(
        gone.json,
        json!({ "error": {
            "code": "ResourceNotFound",
            "message": "The Resource 'Microsoft.ContainerInstance/containerGroups/doomed' under resource group 'rg-emulator' was not found."
        } })
    );
    let missing = h.arm(Method::DELETE, &path, &token, None).await;
    assert_eq!(missing.status, 204, "{}", missing.text);
    let location = deleted.header("location").unwrap();
    let result = h
        .arm(
            Method::GET,
            location.strip_prefix(&h.info().endpoints.arm).unwrap(),
            &token,
            None,
        )
        .await;
    assert_eq!(result.status, 204, "{}", result.text);
}

#[tokio::test]
async fn delete_answers_200_with_the_group_or_204_and_the_group_is_gone_at_once() {
    for status in [200, 204] {
        let h = Harness::with(aci_config_deleting_with(&[status])).await;
        let token = h.token().await;
        let group = create_running(&h, &token, "doomed", definition("local/sleep:1", "Always")).await;
        let content = crate::aci_support::wait_for_log(&h, &token, "doomed", "pid=").await;
        let pid = pid_after(&content, "pid=");
        let path = group_path(&h, "doomed");
        let deleted = h.arm(Method::DELETE, &path, &token, None).await;
        assert_eq!(deleted.status, status, "{}", deleted.text);
        assert!(deleted.header("azure-asyncoperation").is_none(), "{status}");
        if status == 200 {
            assert_eq!(deleted.json["id"], group["id"]);
            assert_eq!(deleted.json["properties"]["provisioningState"], "Succeeded");
            assert!(deleted.json["properties"]["containers"][0]["name"].is_string());
        } else {
            assert!(deleted.text.is_empty(), "{}", deleted.text);
        }
        assert!(process_is_gone(pid).await, "{status}: process {pid} survived delete");
        assert_eq!(h.arm(Method::GET, &path, &token, None).await.status, 404, "{status}");
        assert_eq!(h.arm(Method::DELETE, &path, &token, None).await.status, 204, "{status}");
    }
}

#[tokio::test]
async fn delete_draws_every_documented_shape_and_the_seed_repeats_the_draws() {
    let mut config = aci_config();
    config.responses.seed = Some(11);
    let mut runs = Vec::new();
    for _ in 0..2 {
        let h = Harness::with(config.clone()).await;
        let token = h.token().await;
        let mut statuses = Vec::new();
        for i in 0..15 {
            let name = format!("g{i}");
            let created = h
                .arm(
                    Method::PUT,
                    &group_path(&h, &name),
                    &token,
                    Some(definition("nginx", "Always")),
                )
                .await;
            assert_eq!(created.status, 201, "{}", created.text);
            let deleted = h.arm(Method::DELETE, &group_path(&h, &name), &token, None).await;
            let after = h.arm(Method::GET, &group_path(&h, &name), &token, None).await;
            match deleted.status {
                200 => {
                    assert_eq!(deleted.json["name"], name.as_str());
                    assert_eq!(after.status, 404);
                }
                202 => {
                    assert!(deleted.header("azure-asyncoperation").is_some());
                    assert!(deleted.header("location").is_some());
                    assert_eq!(after.json["properties"]["provisioningState"], "Deleting");
                }
                204 => assert_eq!(after.status, 404),
                other => panic!("{name}: undocumented {other}: {}", deleted.text),
            }
            statuses.push(deleted.status);
        }
        for status in DELETE_STATUSES {
            assert!(statuses.contains(&status), "{status} never drawn: {statuses:?}");
        }
        h.advance_clock(PAST_OPERATION).await;
        for i in 0..15 {
            let gone = h
                .arm(Method::GET, &group_path(&h, &format!("g{i}")), &token, None)
                .await;
            assert_eq!(gone.status, 404, "g{i}");
        }
        runs.push(statuses);
    }
    assert_eq!(runs[0], runs[1], "the same seed draws the same answers");
}

#[tokio::test]
async fn lists_page_by_resource_group_and_subscription() {
    let h = Harness::with(aci_config()).await;
    let token = h.token().await;
    let sub = h.info().defaults.subscription_id.clone();
    let rg = h
        .arm(
            Method::PUT,
            &h.rg_path("rg-other"),
            &token,
            Some(json!({ "location": "eastus" })),
        )
        .await;
    assert_eq!(rg.status, 201);
    for i in 0..103 {
        let reply = h
            .arm(
                Method::PUT,
                &group_path(&h, &format!("g-{i:03}")),
                &token,
                Some(definition("nginx", "Never")),
            )
            .await;
        assert_eq!(reply.status, 201, "{}", reply.text);
    }
    let other = h
        .arm(
            Method::PUT,
            &group_path_in(&h, "rg-other", "elsewhere"),
            &token,
            Some(definition("nginx", "Never")),
        )
        .await;
    assert_eq!(other.status, 201);

    let by_rg = format!(
        "/subscriptions/{sub}/resourceGroups/rg-emulator/providers/Microsoft.ContainerInstance/containerGroups?api-version={ACI_API}"
    );
    let first = h.arm(Method::GET, &by_rg, &token, None).await;
    assert_eq!(first.status, 200, "{}", first.text);
    assert_eq!(first.json["value"].as_array().unwrap().len(), 100);
    assert_eq!(first.json["value"][0]["name"], "g-000");
    let next = first.json["nextLink"].as_str().expect("nextLink");
    let second = h
        .arm(
            Method::GET,
            next.strip_prefix(&h.info().endpoints.arm).unwrap(),
            &token,
            None,
        )
        .await;
    let names: Vec<&str> = second.json["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["g-100", "g-101", "g-102"]);
    assert!(second.json.get("nextLink").is_none());

    let by_sub =
        format!("/subscriptions/{sub}/providers/Microsoft.ContainerInstance/containerGroups?api-version={ACI_API}");
    let first = h.arm(Method::GET, &by_sub, &token, None).await;
    assert_eq!(first.json["value"].as_array().unwrap().len(), 100);
    let next = first.json["nextLink"].as_str().expect("nextLink");
    let second = h
        .arm(
            Method::GET,
            next.strip_prefix(&h.info().endpoints.arm).unwrap(),
            &token,
            None,
        )
        .await;
    assert_eq!(second.json["value"].as_array().unwrap().len(), 4);
    assert_eq!(second.json["value"][3]["name"], "elsewhere");

    let missing_rg = by_rg.replace("rg-emulator", "rg-absent");
    let reply = h.arm(Method::GET, &missing_rg, &token, None).await;
    assert_eq!((reply.status, reply.arm_code()), (404, "ResourceGroupNotFound"));
}

#[tokio::test]
async fn a_reader_may_read_but_not_delete_stop_or_write() {
    let h = Harness::with(aci_config()).await;
    let owner = h.token().await;
    create_running(&h, &owner, "guarded", definition("nginx", "Always")).await;
    let client_id = "5e5e5e5e-0000-4000-8000-000000000005";
    let secret = "reader-secret-reader-secret";
    h.seed(json!({ "service_principals": [{
        "client_id": client_id, "client_secret": secret,
        "roles": [{ "role": "Reader", "resource_group": "rg-emulator" }]
    }] }));
    let tenant = h.info().defaults.tenant_id.clone();
    let token = h
        .secret_grant(&tenant, client_id, secret, crate::common::ARM_SCOPE)
        .await
        .json["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = group_path(&h, "guarded");
    assert_eq!(h.arm(Method::GET, &path, &token, None).await.status, 200);
    let logs = crate::aci_support::action_path(&h, "guarded", "containers/main/logs", "");
    assert_eq!(h.arm(Method::GET, &logs, &token, None).await.status, 200);
    let cases = [
        (
            Method::DELETE,
            path.clone(),
            "Microsoft.ContainerInstance/containerGroups/delete",
        ),
        (
            Method::POST,
            crate::aci_support::action_path(&h, "guarded", "stop", ""),
            "Microsoft.ContainerInstance/containerGroups/stop/action",
        ),
        (
            Method::POST,
            crate::aci_support::action_path(&h, "guarded", "restart", ""),
            "Microsoft.ContainerInstance/containerGroups/restart/action",
        ),
    ];
    for (method, path, action) in cases {
        let reply = h.arm(method, &path, &token, None).await;
        assert_eq!((reply.status, reply.arm_code()), (403, "AuthorizationFailed"), "{path}");
        let message = reply.json["error"]["message"].as_str().unwrap();
        assert!(message.contains(&format!("'{action}'")), "{message}");
        assert!(
            message
                .to_ascii_lowercase()
                .contains("/resourcegroups/rg-emulator/providers/microsoft.containerinstance/containergroups/guarded'"),
            "{message}"
        );
    }
    let put = h
        .arm(
            Method::PUT,
            &group_path(&h, "another"),
            &token,
            Some(definition("nginx", "Always")),
        )
        .await;
    assert_eq!(put.status, 403);
    assert_eq!(
        get(&h, &owner, "guarded").await["properties"]["instanceView"]["state"],
        "Running"
    );
}

#[tokio::test]
async fn deleting_the_resource_group_deletes_its_groups_and_kills_their_processes() {
    let h = Harness::with(aci_config()).await;
    let token = h.token().await;
    let rg = h
        .arm(
            Method::PUT,
            &h.rg_path("rg-temp"),
            &token,
            Some(json!({ "location": "eastus" })),
        )
        .await;
    assert_eq!(rg.status, 201);
    let path = group_path_in(&h, "rg-temp", "sleeper");
    let created = h
        .arm(Method::PUT, &path, &token, Some(definition("local/sleep:1", "Never")))
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    h.advance_clock(PAST_OPERATION).await;
    let logs_path = path.replace("/sleeper?", "/sleeper/containers/main/logs?");
    let mut content = String::new();
    for _ in 0..1000 {
        content = h.arm(Method::GET, &logs_path, &token, None).await.json["content"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if content.contains("pid=") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let pid = pid_after(&content, "pid=");
    let deleted = h.arm(Method::DELETE, &h.rg_path("rg-temp"), &token, None).await;
    assert_eq!(deleted.status, 202);
    assert!(process_is_gone(pid).await, "process {pid} survived the resource group");
    let reply = h.arm(Method::GET, &path, &token, None).await;
    assert_eq!(
        (reply.status, reply.arm_code()),
        (404, "ResourceNotFound"),
        "{}",
        reply.text
    );
    h.advance_clock(PAST_OPERATION).await;
    let reply = h.arm(Method::GET, &path, &token, None).await;
    assert_eq!((reply.status, reply.arm_code()), (404, "ResourceGroupNotFound"));
}
