//! ACR runs (`Microsoft.ContainerRegistry/registries/runs`), in the shape of the
//! 2025-03-01-preview specification (`Run`, `RunProperties`): what was asked (the work a run
//! executes, without any secret of the request), where it is in its life (`status` with
//! `createTime`, `startTime`, `finishTime`, `lastUpdatedTime`), which agent pool it queues on,
//! and what it produced (`outputImages`, `runErrorMessage`).
//!
//! Run ids follow ACR's shape: a short per-registry prefix and a counter (`ca1`, `ca2`, ...,
//! as `az acr build` prints "Queued a build with ID: ca1"). How ACR picks the prefix is not
//! documented (it differs between registries); the emulator derives two letters from the
//! registry's id, so that a registry's ids stay stable and two registries rarely share them.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::clock::rfc3339;
use crate::model::World;
use crate::model::store::{Store, Stored};

/// The run resource type.
pub(crate) const RUN_TYPE: &str = "Microsoft.ContainerRegistry/registries/runs";

/// `RunStatus` of the specification.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RunStatus {
    /// Waiting for an agent (an instance of its pool, or the shared compute).
    Queued,
    /// An agent took it.
    Started,
    /// Its steps run.
    Running,
    Succeeded,
    Failed,
    Canceled,
    /// An error of the service (not of the run's steps), e.g. a source that cannot be read.
    Error,
    /// It ran longer than its `timeout`.
    Timeout,
}

impl RunStatus {
    /// Its name in `properties.status`.
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Queued => "Queued",
            RunStatus::Started => "Started",
            RunStatus::Running => "Running",
            RunStatus::Succeeded => "Succeeded",
            RunStatus::Failed => "Failed",
            RunStatus::Canceled => "Canceled",
            RunStatus::Error => "Error",
            RunStatus::Timeout => "Timeout",
        }
    }

    /// Whether the run has ended.
    pub fn is_terminal(self) -> bool {
        !matches!(self, RunStatus::Queued | RunStatus::Started | RunStatus::Running)
    }

    /// Whether the run holds an agent (an instance of its pool).
    pub fn holds_agent(self) -> bool {
        matches!(self, RunStatus::Started | RunStatus::Running)
    }

    /// The value of the log blob's `Complete` metadata once the run ended: the words the Azure
    /// CLI compares (`_stream_utils.py` `_get_run_status`, lowercased: `internalerror`,
    /// `failed`, `timedout`, `canceled`; anything else counts as success).
    pub fn log_completion(self) -> &'static str {
        match self {
            RunStatus::Error => "InternalError",
            RunStatus::Timeout => "TimedOut",
            other => other.as_str(),
        }
    }
}

/// A blob of the emulator's internal ACR storage account: a build context or a run log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct InternalBlob {
    pub account: String,
    pub container: String,
    pub blob: String,
}

/// Where a run's source comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Source {
    /// No source (`/dev/null`, or none given to a run that needs none).
    None,
    /// A `tar.gz` archive in a blob of the emulator's Blob service.
    Archive(InternalBlob),
}

/// What a run executes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Work {
    /// A `DockerBuildRequest` (or a task's `DockerBuildStep`).
    DockerBuild {
        source: Source,
        /// `dockerFilePath`, relative to the context.
        dockerfile: String,
        /// `imageNames` (`repository:tag`, or `repository` for `latest`).
        image_names: Vec<String>,
        /// `isPushEnabled`.
        push: bool,
        /// `target`.
        target: Option<String>,
    },
    /// A multi-step task: an `EncodedTaskRunRequest`'s decoded YAML, or the file a
    /// `FileTaskRunRequest` names in the source.
    Steps {
        source: Source,
        yaml: TaskYaml,
        /// `values` (`SetValue`s that are not secret, and the names of those that are).
        values: Vec<(String, Option<String>)>,
    },
}

/// Where a multi-step task's YAML is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum TaskYaml {
    /// Given in the request (decoded from base64).
    Inline(String),
    /// A path in the source archive.
    File(String),
}

/// An image a run produced (`ImageDescriptor`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct OutputImage {
    /// The registry's login server.
    pub registry: String,
    pub repository: String,
    pub tag: String,
    /// `sha256:<hex>`.
    pub digest: String,
}

/// How a run was scripted to behave (the first matching `[[acr.scripts]]` rule when it was
/// scheduled).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Scripted {
    /// Fail at this step (1 is the first), with `message`.
    pub fail_at_step: Option<usize>,
    pub message: Option<String>,
    /// Stay `Running` until canceled (or timed out).
    pub hold: bool,
}

/// A run of a registry.
#[derive(Clone, Debug)]
pub(crate) struct Run {
    /// The id of the registry it belongs to.
    pub registry_id: String,
    /// `<prefix><n>`, e.g. `ca1`.
    pub run_id: String,
    /// Its number among the registry's runs (the order of creation).
    pub number: u64,
    /// `QuickBuild`, `QuickRun`, `AutoBuild` or `AutoRun`.
    pub run_type: &'static str,
    pub status: RunStatus,
    /// The agent pool it runs on (name), `None` for the shared compute.
    pub agent_pool: Option<String>,
    /// The task it runs (name), for a `TaskRunRequest`.
    pub task: Option<String>,
    /// `platform` as requested.
    pub platform: Value,
    /// `agentConfiguration` as requested.
    pub agent_configuration: Option<Value>,
    pub is_archive_enabled: bool,
    pub work: Work,
    /// `timeout` (seconds in the request).
    pub timeout: Duration,
    pub scripted: Scripted,
    pub created: OffsetDateTime,
    /// When an agent took it (wall clock and emulator instant).
    pub started: Option<(OffsetDateTime, Instant)>,
    pub finished: Option<OffsetDateTime>,
    pub last_updated: OffsetDateTime,
    pub output_images: Vec<OutputImage>,
    pub error_message: Option<String>,
    /// Its log: an append blob of the internal account.
    pub log: InternalBlob,
    /// Whether the executor has taken it (a run is executed once).
    pub executing: bool,
    /// The process run id (in the container runtime's process table) of the step process
    /// running now, if any.
    pub process: Option<u64>,
}

impl Run {
    /// Its ARM id: `{registry id}/runs/{run id}`.
    pub fn id(&self) -> String {
        run_id(&self.registry_id, &self.run_id)
    }

    /// Sets `status`, stamping `lastUpdatedTime` (and `finishTime` for an end).
    pub fn set_status(&mut self, status: RunStatus, now: OffsetDateTime) {
        self.status = status;
        self.last_updated = now;
        if status.is_terminal() && self.finished.is_none() {
            self.finished = Some(now);
        }
    }
}

/// The id of run `run` of the registry `registry_id`.
pub(crate) fn run_id(registry_id: &str, run: &str) -> String {
    format!("{registry_id}/runs/{run}")
}

/// The two-letter run id prefix of a registry (see the module documentation): `c` and a letter
/// from the registry id's bytes.
pub(crate) fn run_id_prefix(registry_id: &str) -> String {
    let sum = registry_id
        .to_ascii_lowercase()
        .bytes()
        .fold(0u32, |sum, byte| sum.wrapping_mul(31).wrapping_add(u32::from(byte)));
    let letter = char::from(b'a' + u8::try_from(sum % 26).unwrap_or(0));
    format!("c{letter}")
}

/// The runs of `world`, if any was ever stored.
pub(crate) fn runs(world: &World) -> Option<&Store<Run>> {
    world.resources.get()
}

/// The runs of `world`, mutably.
pub(crate) fn runs_mut(world: &mut World) -> &mut Store<Run> {
    world.resources.get_mut()
}

/// The runs of the registry `registry_id`, in id order.
pub(crate) fn runs_of<'w>(world: &'w World, registry_id: &str, now: Instant) -> Vec<&'w Run> {
    let prefix = format!("{registry_id}/runs/");
    runs(world).map_or_else(Vec::new, |store| store.under(&prefix, now).collect())
}

/// The number the next run of the registry `registry_id` gets (1 for the first).
pub(crate) fn next_number(world: &World, registry_id: &str, now: Instant) -> u64 {
    runs_of(world, registry_id, now)
        .iter()
        .map(|run| run.number)
        .max()
        .unwrap_or(0)
        + 1
}

/// How many runs wait in the queue of the agent pool `pool_id` (status `Queued`): what
/// `listQueueStatus` (`AgentPoolQueueStatus.count`) answers.
pub(crate) fn queued_on(world: &World, pool_id: &str) -> u32 {
    let Some((registry_id, pool)) = pool_id.rsplit_once("/agentPools/") else {
        return 0;
    };
    let count = runs_of(world, registry_id, Instant::now())
        .into_iter()
        .filter(|run| run.status == RunStatus::Queued)
        .filter(|run| run.agent_pool.as_deref().is_some_and(|p| p.eq_ignore_ascii_case(pool)))
        .count();
    u32::try_from(count).unwrap_or(u32::MAX)
}

impl Stored for Run {
    fn id(&self) -> String {
        Run::id(self)
    }

    fn to_json(&self, _now: Instant) -> Value {
        let mut properties = json!({
            "runId": self.run_id,
            "status": self.status.as_str(),
            "lastUpdatedTime": rfc3339(self.last_updated),
            "runType": self.run_type,
            "createTime": rfc3339(self.created),
            "platform": self.platform,
            "provisioningState": "Succeeded",
            "isArchiveEnabled": self.is_archive_enabled,
            "outputImages": self.output_images.iter().map(|image| json!({
                "registry": image.registry,
                "repository": image.repository,
                "tag": image.tag,
                "digest": image.digest,
            })).collect::<Vec<_>>(),
        });
        let mut set = |key: &str, value: Option<Value>| {
            if let Some(value) = value {
                properties[key] = value;
            }
        };
        set("startTime", self.started.map(|(at, _)| rfc3339(at).into()));
        set("finishTime", self.finished.map(|at| rfc3339(at).into()));
        set("agentPoolName", self.agent_pool.clone().map(Value::from));
        set("task", self.task.clone().map(Value::from));
        set("agentConfiguration", self.agent_configuration.clone());
        set("runErrorMessage", self.error_message.clone().map(Value::from));
        json!({
            "id": self.id(),
            "name": self.run_id,
            "type": RUN_TYPE,
            "properties": properties,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{RunStatus, run_id_prefix};

    #[test]
    fn statuses_name_themselves_and_their_log_completion() {
        assert!(RunStatus::Timeout.is_terminal());
        assert!(!RunStatus::Queued.holds_agent());
        assert!(RunStatus::Running.holds_agent());
        assert_eq!(RunStatus::Timeout.log_completion(), "TimedOut");
        assert_eq!(RunStatus::Error.log_completion(), "InternalError");
        assert_eq!(RunStatus::Failed.log_completion(), "Failed");
    }

    #[test]
    fn prefixes_are_stable_two_letters() {
        let prefix =
            run_id_prefix("/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/r");
        assert_eq!(prefix.len(), 2);
        assert!(prefix.starts_with('c'));
        assert_eq!(
            prefix,
            run_id_prefix("/SUBSCRIPTIONS/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/R")
        );
    }
}
