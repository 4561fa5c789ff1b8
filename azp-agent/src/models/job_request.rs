//! `TaskAgentJobRequest`: what the (undocumented) `jobrequests` route lists.

use super::agent::TaskAgentReference;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

arm_core::string_enum! {
    /// The result of a finished job request.
    pub enum TaskResult {
        /// Succeeded.
        Succeeded = "succeeded",
        /// Succeeded with warnings.
        SucceededWithIssues = "succeededWithIssues",
        /// Failed.
        Failed = "failed",
        /// Canceled.
        Canceled = "canceled",
        /// Skipped.
        Skipped = "skipped",
        /// The agent went away before finishing.
        Abandoned = "abandoned",
    }
}

/// A job request of a pool.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TaskAgentJobRequest {
    /// Agent specification (elastic pools).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_specification: Option<Value>,
    /// When the request was assigned to an agent (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assign_time: Option<String>,
    /// Additional data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<BTreeMap<String, String>>,
    /// The pipeline definition.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub definition: Option<TaskOrchestrationOwner>,
    /// Demands an agent must meet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub demands: Option<Vec<Demand>>,
    /// When the request finished (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finish_time: Option<String>,
    /// The host that triggered the request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_id: Option<String>,
    /// Job id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_id: Option<String>,
    /// Job name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_name: Option<String>,
    /// Lock deadline of the agent (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locked_until: Option<String>,
    /// Agents able to run it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched_agents: Option<Vec<TaskAgentReference>>,
    /// Whether every agent of the pool matches.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matches_all_agents_in_pool: Option<bool>,
    /// Orchestration id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub orchestration_id: Option<String>,
    /// The pipeline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<TaskOrchestrationOwner>,
    /// Plan group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan_group: Option<String>,
    /// Plan id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan_id: Option<String>,
    /// Plan type (`Build`, `Release`...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan_type: Option<String>,
    /// Pool id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pool_id: Option<i32>,
    /// Priority.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<i32>,
    /// Queue id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queue_id: Option<i32>,
    /// When the request was queued (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queue_time: Option<String>,
    /// When an agent received it (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub receive_time: Option<String>,
    /// Request id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<i64>,
    /// The agent that runs it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reserved_agent: Option<TaskAgentReference>,
    /// Result, once finished.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<TaskResult>,
    /// Scope (project) id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope_id: Option<String>,
    /// Owning service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_owner: Option<String>,
    /// Status message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_message: Option<String>,
    /// User delay.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_delayed: Option<bool>,
}

impl TaskAgentJobRequest {
    /// Whether the request has finished (it has a finish time or a result).
    pub fn is_finished(&self) -> bool {
        self.finish_time.is_some() || self.result.is_some()
    }
}

/// A pipeline or definition a request belongs to.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TaskOrchestrationOwner {
    /// Links.
    #[serde(rename = "_links", skip_serializing_if = "Option::is_none")]
    pub links: Option<Value>,
    /// Id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i32>,
    /// Name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// A demand of a job request. Azure DevOps sends demands as strings (`java`,
/// `Agent.Version -gtVersion 2.182.1`, `Agent.OS -equals Linux`); the swagger's
/// `{name, value}` objects are accepted too and written back in the form they came in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Demand {
    /// Capability name.
    pub name: String,
    /// Operator (`exists`, `equals`, `gtVersion`...), without the leading `-`.
    pub operator: String,
    /// Value (empty for `exists`).
    pub value: String,
    object_form: bool,
}

impl Demand {
    /// Parses the string form: `name`, or `name -operator value`.
    pub fn parse(text: &str) -> Demand {
        let mut parts = text.trim().splitn(3, ' ');
        let name = parts.next().unwrap_or_default().to_owned();
        match (parts.next(), parts.next()) {
            (Some(op), value) if op.starts_with('-') => Demand {
                name,
                operator: op.trim_start_matches('-').to_owned(),
                value: value.unwrap_or_default().trim().to_owned(),
                object_form: false,
            },
            _ => Demand {
                name: text.trim().to_owned(),
                operator: "exists".to_owned(),
                value: String::new(),
                object_form: false,
            },
        }
    }
}

impl std::fmt::Display for Demand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.operator == "exists" && self.value.is_empty() {
            f.write_str(&self.name)
        } else {
            write!(f, "{} -{} {}", self.name, self.operator, self.value)
        }
    }
}

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum DemandWire {
    Text(String),
    Object {
        name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        value: Option<String>,
    },
}

impl Serialize for Demand {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.object_form {
            DemandWire::Object {
                name: self.name.clone(),
                value: (!self.value.is_empty()).then(|| self.value.clone()),
            }
            .serialize(serializer)
        } else {
            serializer.collect_str(self)
        }
    }
}

impl<'de> Deserialize<'de> for Demand {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match DemandWire::deserialize(deserializer)? {
            DemandWire::Text(text) => Demand::parse(&text),
            DemandWire::Object { name, value } => Demand {
                name,
                operator: if value.is_some() { "equals" } else { "exists" }.to_owned(),
                value: value.unwrap_or_default(),
                object_form: true,
            },
        })
    }
}
