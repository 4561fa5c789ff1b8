//! Every property of the modelled definitions of the TaskAgent 7.1 swagger survives a round
//! trip through our types: a sample object with every property (recursively) is generated from
//! the spec, parsed and written back, and must come back identical.

use super::{PackageMetadata, TaskAgent, TaskAgentJobRequest, TaskAgentPool};
use arm_core::test_support::examples::{ApiExamples, assert_same_json};
use arm_core::test_support::spec_walker::SpecWalker;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::json;

/// Definitions we keep as opaque JSON: their samples are not expanded.
const OPAQUE: &[&str] = &[
    "ReferenceLinks",
    "IdentityRef",
    "JObject",
    "PropertiesCollection",
    "TaskAgentUpdate",
    "TaskAgentCloudRequest",
];

fn round_trips<T: DeserializeOwned + Serialize>(definition: &str) {
    let spec = ApiExamples::new("devops").read("taskAgent-7.1.json");
    let sample = SpecWalker::new(&spec).with_opaque(OPAQUE).sample_of(definition);
    let parsed: T = serde_json::from_value(sample.clone()).unwrap_or_else(|e| panic!("{definition}: {e}"));
    let written = serde_json::to_value(&parsed).unwrap();
    assert_same_json(&sample, &written, &format!("{definition} lost or changed properties"));
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
