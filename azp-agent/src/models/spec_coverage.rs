//! Every property of the modelled definitions of the TaskAgent 7.1 swagger survives a round
//! trip through our types: a sample object with every property (recursively) is generated from
//! the spec, parsed and written back, and must come back identical.

use super::{PackageMetadata, TaskAgent, TaskAgentJobRequest, TaskAgentPool};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

const SPEC: &str = include_str!("../../../fixtures/api-examples/devops/taskAgent-7.1.json");

/// Definitions we keep as opaque JSON: their samples are not expanded.
const OPAQUE: &[&str] = &[
    "ReferenceLinks",
    "IdentityRef",
    "JObject",
    "PropertiesCollection",
    "TaskAgentUpdate",
    "TaskAgentCloudRequest",
];

fn sample(spec: &Value, schema: &Value) -> Value {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference.trim_start_matches("#/definitions/");
        if OPAQUE.contains(&name) {
            return json!({"opaque": name});
        }
        return sample(spec, &spec["definitions"][name]);
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return values[0].clone();
    }
    let mut object = Map::new();
    for part in schema.get("allOf").and_then(Value::as_array).into_iter().flatten() {
        if let Value::Object(inner) = sample(spec, part) {
            object.extend(inner);
        }
    }
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        for (name, property) in properties {
            object.insert(name.clone(), sample(spec, property));
        }
        return Value::Object(object);
    }
    if !object.is_empty() {
        return Value::Object(object);
    }
    match (
        schema.get("type").and_then(Value::as_str),
        schema.get("format").and_then(Value::as_str),
    ) {
        (Some("integer"), _) => json!(7),
        (Some("boolean"), _) => json!(true),
        (Some("array"), _) => json!([sample(spec, &schema["items"])]),
        (Some("object"), _) => match schema.get("additionalProperties") {
            Some(values) => json!({"key": sample(spec, values)}),
            None => json!({}),
        },
        (_, Some("date-time")) => json!("2026-11-23T10:00:00.123Z"),
        (_, Some("uuid")) => json!("0f6b5c1e-3d4a-4b8e-9c2d-1a2b3c4d5e6f"),
        _ => json!("text"),
    }
}

fn round_trips<T: DeserializeOwned + Serialize>(definition: &str) {
    let spec: Value = serde_json::from_str(SPEC).unwrap();
    let sample = sample(&spec, &json!({"$ref": format!("#/definitions/{definition}")}));
    let parsed: T = serde_json::from_value(sample.clone()).unwrap_or_else(|e| panic!("{definition}: {e}"));
    let written = serde_json::to_value(&parsed).unwrap();
    assert_eq!(written, sample, "{definition} lost or changed properties");
}

#[test]
fn pool_round_trips() {
    round_trips::<TaskAgentPool>("TaskAgentPool");
}

#[test]
fn agent_round_trips() {
    round_trips::<TaskAgent>("TaskAgent");
}

#[test]
fn job_request_round_trips() {
    round_trips::<TaskAgentJobRequest>("TaskAgentJobRequest");
}

#[test]
fn package_round_trips() {
    round_trips::<PackageMetadata>("PackageMetadata");
}

#[test]
fn demands_keep_their_wire_form() {
    let wire = json!(["java", "Agent.Version -gtVersion 2.182.1", {"name": "Agent.OS", "value": "Linux"}]);
    let demands: Vec<super::Demand> = serde_json::from_value(wire.clone()).unwrap();
    assert_eq!(demands[0].operator, "exists");
    assert_eq!(
        (
            demands[1].name.as_str(),
            demands[1].operator.as_str(),
            demands[1].value.as_str()
        ),
        ("Agent.Version", "gtVersion", "2.182.1")
    );
    assert_eq!(demands[2].value, "Linux");
    assert_eq!(serde_json::to_value(&demands).unwrap(), wire);
}
