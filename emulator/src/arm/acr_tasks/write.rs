//! PUT and PATCH of a task. PUT (`Tasks_Create`) takes a `Task`: `location` and
//! `properties.step` required; `status` `Enabled`, `timeout` 3600 and `isSystemTask` false
//! when left out; 201 for a new task, 200 for an existing one. PATCH (`Tasks_Update`) takes
//! `TaskUpdateParameters`, merged into the task: objects member by member, anything else
//! replaced (the specification's update types mirror the task's with every member optional;
//! the merge is the emulator's reading of them). Both check the name (5-50 of
//! `[a-zA-Z0-9_-]`), the timeout (300-28800 s) and that `agentPoolName` names an agent pool of
//! the registry (`AgentPoolNotFound`, code undocumented: emulator choice).

use std::time::Instant;

use hyper::StatusCode;
use serde_json::{Map, Value};

use super::requests::{not_found, task_id};
use crate::arm::body::{self, converting};
use crate::arm::error::ArmError;
use crate::arm::registries::of_path;
use crate::arm::route::ArmCall;
use crate::http::Reply;
use crate::model::World;
use crate::model::acr::agent_pool::{agent_pool, pool_id};
use crate::model::acr::task::{TASK_TYPE, Task};
use crate::model::store::Stored;

/// Read-only members of `properties`, dropped from what a client writes.
const READ_ONLY: &[&str] = &["provisioningState", "creationDate"];

/// 400 `InvalidParameter` naming the input and the rule.
fn invalid(message: String) -> ArmError {
    ArmError::bad_request("InvalidParameter", message)
}

/// The name rule: 5 to 50 letters, digits, hyphens and underscores.
fn check_name(name: &str) -> Result<(), ArmError> {
    let valid =
        (5..=50).contains(&name.len()) && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if valid {
        return Ok(());
    }
    Err(invalid(format!(
        "The task name '{name}' is invalid: it must be 5 to 50 letters, digits, hyphens and underscores."
    )))
}

/// `properties` of a body, as an object (empty when left out).
fn properties_of(request: &Map<String, Value>) -> Result<Map<String, Value>, ArmError> {
    match request.get("properties") {
        None | Some(Value::Null) => Ok(Map::new()),
        Some(Value::Object(properties)) => {
            let mut properties = properties.clone();
            for key in READ_ONLY {
                properties.remove(*key);
            }
            Ok(properties)
        }
        Some(other) => Err(converting(other, "TaskProperties", "properties")),
    }
}

/// Checks what the merged properties say: the timeout's range, the pool's existence.
fn check_properties(
    world: &World,
    registry_id: &str,
    properties: &Map<String, Value>,
    now: Instant,
) -> Result<(), ArmError> {
    if let Some(timeout) = properties.get("timeout").filter(|v| !v.is_null()) {
        let valid = timeout.as_i64().is_some_and(|t| (300..=28800).contains(&t));
        if !valid {
            return Err(invalid(format!(
                "The timeout {timeout} is invalid: expected an integer from 300 to 28800 seconds."
            )));
        }
    }
    if let Some(pool) = body::string_at(properties, "agentPoolName", "properties")?
        && agent_pool(world, &pool_id(registry_id, pool), now).is_none()
    {
        return Err(ArmError::bad_request(
            "AgentPoolNotFound",
            format!("The agentPoolName '{pool}' is invalid: the registry has no agent pool of that name."),
        ));
    }
    Ok(())
}

/// Merges `patch` into `target`: objects member by member (a null removes the member),
/// anything else replaced.
fn merge(target: &mut Value, patch: Value) {
    match (target, patch) {
        (Value::Object(target), Value::Object(patch)) => {
            for (key, value) in patch {
                if value.is_null() {
                    target.remove(&key);
                } else {
                    merge(target.entry(key).or_insert(Value::Null), value);
                }
            }
        }
        (target, patch) => *target = patch,
    }
}

/// PUT: creates (201) or replaces (200) the task of the path.
pub(super) fn put(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let name = call.params[3];
    check_name(name)?;
    let request = body::object(call)?;
    let location = body::location(&request, Some(TASK_TYPE))?;
    let mut properties = properties_of(&request)?;
    if properties.get("step").is_none_or(Value::is_null) {
        return Err(body::required("step", "properties"));
    }
    properties.entry("status").or_insert_with(|| "Enabled".into());
    properties.entry("timeout").or_insert_with(|| 3600.into());
    properties.entry("isSystemTask").or_insert_with(|| false.into());
    let tags = body::tags(&request)?.unwrap_or_default();
    let identity = request.get("identity").filter(|v| !v.is_null()).cloned();
    let clock = &call.shared.clock;
    let (now, wall) = (clock.instant(), clock.now());
    let mut world = call.shared.write();
    let registry_id = of_path(call, &world)?.id();
    check_properties(&world, &registry_id, &properties, now)?;
    let id = task_id(call);
    let existing = world.resources.get::<Task>().and_then(|store| store.get(&id, now));
    let (created, status) = match existing {
        Some(task) => (task.created, StatusCode::OK),
        None => (wall, StatusCode::CREATED),
    };
    let task = Task {
        registry_id,
        name: name.to_owned(),
        location,
        tags,
        identity,
        properties: Value::Object(properties),
        created,
        modified: wall,
    };
    let body = task.to_json(now);
    world.resources.get_mut::<Task>().insert(task);
    Ok(Reply::json(status, &body))
}

/// PATCH: merges `TaskUpdateParameters` (`properties`, `tags`, `identity`) into the task, 200.
pub(super) fn patch(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let request = body::object(call)?;
    let update = properties_of(&request)?;
    let tags = body::tags(&request)?;
    let clock = &call.shared.clock;
    let (now, wall) = (clock.instant(), clock.now());
    let mut world = call.shared.write();
    let registry_id = of_path(call, &world)?.id();
    let id = task_id(call);
    let mut task = world
        .resources
        .get::<Task>()
        .and_then(|store| store.get(&id, now))
        .cloned()
        .ok_or_else(|| not_found(call))?;
    merge(&mut task.properties, Value::Object(update));
    if let Some(properties) = task.properties.as_object() {
        check_properties(&world, &registry_id, properties, now)?;
    }
    if let Some(tags) = tags {
        task.tags = tags;
    }
    if let Some(identity) = request.get("identity").filter(|v| !v.is_null()) {
        task.identity = Some(identity.clone());
    }
    task.modified = wall;
    let body = task.to_json(now);
    world.resources.get_mut::<Task>().insert(task);
    Ok(Reply::json(StatusCode::OK, &body))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{check_name, merge};

    #[test]
    fn updates_merge_objects_and_replace_the_rest() {
        let mut task = json!({ "step": { "type": "Docker", "imageNames": ["a"], "noCache": false }, "timeout": 3600 });
        merge(
            &mut task,
            json!({ "step": { "imageNames": ["b"], "noCache": null }, "timeout": 600 }),
        );
        assert_eq!(
            task,
            json!({ "step": { "type": "Docker", "imageNames": ["b"] }, "timeout": 600 })
        );
    }

    #[test]
    fn names_are_five_to_fifty() {
        assert!(check_name("my_task-1").is_ok());
        assert!(check_name("abcd").is_err());
        assert!(check_name("a.b.c.d.e").is_err());
    }
}
