//! Helpers of the container group tests: a configuration with mapped images, paths, bodies, and
//! waiting for a container process to be observed (an event, never a duration).

use std::collections::BTreeMap;
use std::time::Duration;

use az_emulator::EmulatorConfig;
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::Harness;

/// The api-version the tests use.
pub const ACI_API: &str = "2023-05-01";
/// How long operations run: long enough never to end by themselves during a test.
pub const OPERATION_MS: u64 = 60_000;
/// Seconds to advance the clock past an operation.
pub const PAST_OPERATION: u64 = 61;

/// `/bin/sh -c script`.
fn sh(script: &str) -> Vec<String> {
    vec!["/bin/sh".into(), "-c".into(), script.into()]
}

/// Slow operations and the images the tests run.
pub fn aci_config() -> EmulatorConfig {
    let images: BTreeMap<String, Vec<String>> = [
        ("local/exit3:1", sh("echo out; echo err >&2; exit 3")),
        ("local/ok:1", sh("echo done")),
        ("local/fail:1", sh("echo attempt; exit 1")),
        (
            "local/env:1",
            sh(
                "echo secret=$SECRET_TOKEN; echo plain=$PLAIN; echo group=$AZ_ACI_NAME/$AZ_ACI_RG; \
                 echo cloud=$AZ_CLOUD; echo imds=${AZURE_POD_IDENTITY_AUTHORITY_HOST:-none}; \
                 echo leak=${CARGO_MANIFEST_DIR:-none}",
            ),
        ),
        ("local/args:1", sh("echo \"args=$0 $1\"")),
        ("local/sleep:1", sh("sleep 1000 & echo child=$!; echo pid=$$; wait")),
        (
            "local/self-delete:1",
            sh(
                "set -e; \
                 token=$(curl -sf -H Metadata:true \"$AZURE_POD_IDENTITY_AUTHORITY_HOST/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://management.azure.com/\" \
                   | sed 's/.*\"access_token\":\"\\([^\"]*\\)\".*/\\1/'); \
                 echo got-token; \
                 curl -sf -o /dev/null --cacert \"$AZ_CA_BUNDLE\" -X DELETE -H \"Authorization: Bearer $token\" \
                   \"$AZ_ARM_ENDPOINT/subscriptions/$AZ_SUBSCRIPTION_ID/resourceGroups/$AZ_ACI_RG/providers/Microsoft.ContainerInstance/containerGroups/$AZ_ACI_NAME?api-version=2023-05-01\"; \
                 sleep 1000",
            ),
        ),
    ]
    .into_iter()
    .map(|(image, command)| (image.to_owned(), command))
    .collect();
    EmulatorConfig {
        operation_duration_ms: OPERATION_MS,
        images,
        ..EmulatorConfig::default()
    }
}

/// The path of group `name` in resource group `rg` of the default subscription.
pub fn group_path_in(h: &Harness, rg: &str, name: &str) -> String {
    format!(
        "/subscriptions/{}/resourceGroups/{rg}/providers/Microsoft.ContainerInstance/containerGroups/{name}?api-version={ACI_API}",
        h.info().defaults.subscription_id
    )
}

/// The path of group `name` in `rg-emulator`.
pub fn group_path(h: &Harness, name: &str) -> String {
    group_path_in(h, "rg-emulator", name)
}

/// The path of `{group}/{action}` (stop, start, restart, containers/{c}/logs) with `query`.
pub fn action_path(h: &Harness, name: &str, action: &str, query: &str) -> String {
    let path = group_path(h, name);
    let (base, version) = path.split_once('?').expect("a query");
    format!("{base}/{action}?{version}{query}")
}

/// A one-container group of `image` with `restart_policy`.
pub fn definition(image: &str, restart_policy: &str) -> Value {
    json!({
        "location": "eastus",
        "properties": {
            "osType": "Linux",
            "restartPolicy": restart_policy,
            "containers": [{
                "name": "main",
                "properties": {
                    "image": image,
                    "resources": { "requests": { "cpu": 1, "memoryInGB": 1.5 } }
                }
            }]
        }
    })
}

/// Creates group `name` (201) and moves the clock past its provisioning.
pub async fn create_running(h: &Harness, token: &str, name: &str, body: Value) -> Value {
    let created = h.arm(Method::PUT, &group_path(h, name), token, Some(body)).await;
    assert_eq!(created.status, 201, "{}", created.text);
    h.advance_clock(PAST_OPERATION).await;
    get(h, token, name).await
}

/// GET of group `name` (200).
pub async fn get(h: &Harness, token: &str, name: &str) -> Value {
    let reply = h.arm(Method::GET, &group_path(h, name), token, None).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.json
}

/// The instance view of the group's first container.
pub fn container_view(group: &Value) -> &Value {
    &group["properties"]["containers"][0]["properties"]["instanceView"]
}

/// GETs group `name` until `done` holds: waits for a process event (exit, restart), bounded.
pub async fn wait_for(h: &Harness, token: &str, name: &str, done: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..1000 {
        let group = get(h, token, name).await;
        if done(&group) {
            return group;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("group {name} never reached the awaited state");
}

/// The statuses a DELETE of an existing container group may answer (drawn at random).
pub const DELETE_STATUSES: [u16; 3] = az_emulator::CONTAINER_GROUP_DELETE_STATUSES;

/// GETs group `name` until its deletion is seen (`Deleting`, after a 202) or done (404, after a
/// 200 or a 204), bounded; returns the last status.
pub async fn wait_for_deletion(h: &Harness, token: &str, name: &str) -> u16 {
    for _ in 0..1000 {
        let reply = h.arm(Method::GET, &group_path(h, name), token, None).await;
        if reply.status == 404 || reply.json["properties"]["provisioningState"] == "Deleting" {
            return reply.status;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("group {name} was never deleted");
}

/// [`aci_config`] with container group DELETEs answering `statuses` only.
pub fn aci_config_deleting_with(statuses: &[u16]) -> EmulatorConfig {
    EmulatorConfig {
        responses: az_emulator::ResponsesConfig {
            container_group_delete: statuses.to_vec(),
            ..az_emulator::ResponsesConfig::default()
        },
        ..aci_config()
    }
}

/// Whether the first container is terminated.
pub fn terminated(group: &Value) -> bool {
    container_view(group)["currentState"]["state"] == "Terminated"
}

/// The log of container `container` of group `name`, with `query` (e.g. `&tail=1`).
pub async fn logs(h: &Harness, token: &str, name: &str, container: &str, query: &str) -> String {
    let path = action_path(h, name, &format!("containers/{container}/logs"), query);
    let reply = h.arm(Method::GET, &path, token, None).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.json["content"].as_str().expect("content").to_owned()
}

/// Reads logs until `needle` appears (the process wrote it), bounded.
pub async fn wait_for_log(h: &Harness, token: &str, name: &str, needle: &str) -> String {
    for _ in 0..1000 {
        let content = logs(h, token, name, "main", "").await;
        if content.contains(needle) {
            return content;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the log of {name} never contained {needle}");
}

/// Whether process `pid` is gone (no longer exists, or is a zombie nobody reaped yet), waiting
/// (bounded) for the kill to be observed.
pub async fn process_is_gone(pid: u32) -> bool {
    for _ in 0..500 {
        match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            Err(_) => return true,
            Ok(stat)
                if stat
                    .rsplit_once(')')
                    .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')) =>
            {
                return true;
            }
            Ok(_) => {}
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    false
}

/// The number after `key=` on a log line.
pub fn pid_after(content: &str, key: &str) -> u32 {
    content
        .lines()
        .find_map(|line| line.strip_prefix(key))
        .and_then(|pid| pid.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {key} in {content:?}"))
}
