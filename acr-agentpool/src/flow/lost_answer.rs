//! The IO-free half of settling a `scheduleRun` whose answer was lost: which failures leave the
//! run's existence unknown ([`answer_lost`]), and how a run listed afterwards is recognised as
//! the one the lost request created ([`RunSignature`]).
//!
//! A run's resource shows its `runType`, `agentPoolName`, `task`, `platform`, `createTime` and,
//! once pushed, its `outputImages` (the spec's `RunProperties`); it does not show the request's
//! `imageNames`, `sourceLocation` or values. So a run is taken for ours when it is new (not in
//! the list read before the POST, created since then) and every one of those properties that
//! it shows agrees with the request. Properties the run does not show yet do not disqualify it.

use crate::error::Error;
use crate::model::{Architecture, PlatformProperties, Run, RunRequest, RunType};

/// Whether a failed request may still have been acted on: a `5xx`, a `408`, or a transport
/// failure (a timeout or a connection lost after the request was sent). A `429` or another
/// `4xx` is Azure's refusal: nothing was created.
pub(crate) fn answer_lost(error: &Error) -> bool {
    match error {
        Error::Arm(e) => {
            e.status().is_some_and(|s| u16::from(s) >= 500 || u16::from(s) == 408)
                || matches!(e, arm_core::Error::Transport { .. })
        }
        _ => false,
    }
}

/// What the run a request creates shows of it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct RunSignature {
    /// The pool the run queues on (the request's, or for a task run the task's own).
    pub(crate) pool: Option<String>,
    /// `QuickBuild` for a `DockerBuildRequest`, `QuickRun` for an encoded or file task run;
    /// `None` for a task run, whose type follows its task's step (`AutoBuild`, `AutoRun`, or
    /// what the service reports for a manual run), so it is not compared.
    pub(crate) run_type: Option<RunType>,
    /// The task's name, for a task run (the run's `task`).
    pub(crate) task: Option<String>,
    /// The platform asked for (the architecture is `amd64` when not given, as the CLI sends it).
    pub(crate) platform: Option<PlatformProperties>,
    /// The repositories of the image names of a build (`-t`), lower-cased, without registry,
    /// tag or digest; compared with the run's `outputImages` once it shows them.
    pub(crate) repositories: Vec<String>,
}

impl RunSignature {
    /// The signature of `request`; `pool` is the pool the run will be on (for a task run
    /// without one in the request, the task's own), `task` the task's name for a task run.
    pub(crate) fn of(request: &RunRequest, pool: Option<&str>, task: Option<&str>) -> Self {
        let (run_type, platform, repositories) = match request {
            RunRequest::DockerBuildRequest(r) => (
                Some(RunType::QuickBuild),
                Some(r.platform.clone()),
                r.image_names
                    .iter()
                    .flatten()
                    .filter_map(|name| repository_of(name))
                    .collect(),
            ),
            RunRequest::EncodedTaskRunRequest(r) => (Some(RunType::QuickRun), Some(r.platform.clone()), Vec::new()),
            RunRequest::FileTaskRunRequest(r) => (Some(RunType::QuickRun), Some(r.platform.clone()), Vec::new()),
            // A task run's type follows its task; of a kind this crate does not know, only the
            // pool is compared.
            RunRequest::TaskRunRequest(_) | RunRequest::Other(_) => (None, None, Vec::new()),
        };
        Self {
            pool: pool.map(str::to_owned),
            run_type,
            task: task.map(str::to_owned),
            platform,
            repositories,
        }
    }

    /// Whether `run` may be the one the request created: every property it shows agrees.
    pub(crate) fn matches(&self, run: &Run) -> bool {
        let Some(properties) = run.properties.as_ref() else {
            return false;
        };
        let same = |expected: Option<&str>, shown: Option<&str>| match (expected, shown) {
            (Some(expected), Some(shown)) => expected.eq_ignore_ascii_case(shown),
            // A run on another pool (or on the default agents) is not ours.
            (Some(_), None) | (None, Some(_)) => false,
            (None, None) => true,
        };
        if !same(self.pool.as_deref(), properties.agent_pool_name.as_deref()) {
            return false;
        }
        if let (Some(expected), Some(shown)) = (&self.run_type, &properties.run_type)
            && expected != shown
        {
            return false;
        }
        if let (Some(expected), Some(shown)) = (&self.task, &properties.task)
            && !expected.eq_ignore_ascii_case(shown)
        {
            return false;
        }
        if let (Some(expected), Some(shown)) = (&self.platform, &properties.platform)
            && !same_platform(expected, shown)
        {
            return false;
        }
        let pushed: Vec<String> = properties
            .output_images
            .iter()
            .flatten()
            .filter_map(|image| image.repository.as_deref().map(str::to_ascii_lowercase))
            .collect();
        self.repositories.is_empty() || pushed.iter().all(|r| self.repositories.contains(r))
    }
}

/// The same OS, and the same architecture (`amd64` when either leaves it out).
fn same_platform(expected: &PlatformProperties, shown: &PlatformProperties) -> bool {
    let architecture = |p: &PlatformProperties| p.architecture.clone().unwrap_or(Architecture::Amd64);
    expected.os == shown.os && architecture(expected) == architecture(shown)
}

/// The repository of image name `name` (`[registry/]repository[:tag][@digest]`), lower-cased:
/// the first component is a registry when it has a `.` or a `:` or is `localhost` (the
/// distribution reference grammar); `None` when nothing is left.
fn repository_of(name: &str) -> Option<String> {
    let name = name.split('@').next().unwrap_or(name);
    let (first, rest) = name.split_once('/').unwrap_or(("", name));
    let path = if first.contains(['.', ':']) || first == "localhost" {
        rest.to_owned()
    } else if first.is_empty() {
        name.to_owned()
    } else {
        format!("{first}/{rest}")
    };
    let repository = match path.rsplit_once(':') {
        Some((repository, _tag)) if !repository.is_empty() => repository,
        _ => path.as_str(),
    };
    (!repository.is_empty()).then(|| repository.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DockerBuildRequest, ImageDescriptor, Os, RunProperties, TaskRunRequest};

    fn build(images: &[&str]) -> RunRequest {
        DockerBuildRequest {
            is_archive_enabled: None,
            agent_pool_name: Some("pool1".into()),
            log_template: None,
            image_names: Some(images.iter().map(|s| (*s).to_owned()).collect()),
            is_push_enabled: Some(true),
            no_cache: None,
            docker_file_path: "Dockerfile".into(),
            target: None,
            arguments: None,
            timeout: None,
            platform: PlatformProperties::linux(),
            agent_configuration: None,
            source_location: Some("source/ctx.tar.gz".into()),
            credentials: None,
        }
        .into()
    }

    fn run(pool: Option<&str>, run_type: RunType, repository: Option<&str>) -> Run {
        Run {
            properties: Some(RunProperties {
                run_id: Some("ca1".into()),
                agent_pool_name: pool.map(str::to_owned),
                run_type: Some(run_type),
                platform: Some(PlatformProperties {
                    os: Os::Linux,
                    architecture: Some(Architecture::Amd64),
                    variant: None,
                }),
                output_images: repository.map(|r| {
                    vec![ImageDescriptor {
                        repository: Some(r.to_owned()),
                        ..Default::default()
                    }]
                }),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn repositories_drop_registry_tag_and_digest() {
        for (name, repository) in [
            ("hello:{{.Run.ID}}", "hello"),
            ("myregistry.azurecr.io/team/App:v1", "team/app"),
            ("localhost:5000/app@sha256:ab", "app"),
            ("team/app", "team/app"),
        ] {
            assert_eq!(repository_of(name).as_deref(), Some(repository), "{name}");
        }
    }

    #[test]
    fn a_build_matches_runs_on_its_pool_of_its_type_and_images() {
        let signature = RunSignature::of(&build(&["team/app:{{.Run.ID}}"]), Some("pool1"), None);
        assert!(signature.matches(&run(Some("POOL1"), RunType::QuickBuild, None)));
        assert!(signature.matches(&run(Some("pool1"), RunType::QuickBuild, Some("team/app"))));
        assert!(!signature.matches(&run(Some("pool1"), RunType::QuickBuild, Some("other"))));
        assert!(!signature.matches(&run(Some("pool2"), RunType::QuickBuild, None)));
        assert!(!signature.matches(&run(None, RunType::QuickBuild, None)));
        assert!(!signature.matches(&run(Some("pool1"), RunType::QuickRun, None)));
        assert!(!signature.matches(&Run::default()));
    }

    #[test]
    fn a_task_run_matches_on_its_task_whatever_its_type() {
        let request: RunRequest = TaskRunRequest {
            is_archive_enabled: None,
            agent_pool_name: None,
            log_template: None,
            task_id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/r/tasks/t1"
                .into(),
            override_task_step_properties: None,
        }
        .into();
        let signature = RunSignature::of(&request, Some("pool1"), Some("t1"));
        let mut ours = run(Some("pool1"), RunType::AutoRun, None);
        ours.properties.as_mut().unwrap().task = Some("T1".into());
        assert!(signature.matches(&ours));
        ours.properties.as_mut().unwrap().task = Some("t2".into());
        assert!(!signature.matches(&ours));
    }

    #[test]
    fn only_5xx_408_and_transport_failures_leave_the_answer_unknown() {
        let url = url::Url::parse("https://management.azure.com/x").unwrap();
        let service = |status: u16| {
            let status = arm_core::azure_core::http::StatusCode::from(status);
            let headers = arm_core::azure_core::http::headers::Headers::new();
            Error::Arm(arm_core::Error::Service(Box::new(
                arm_core::ServiceError::from_response("POST", &url, status, &headers, b""),
            )))
        };
        for (status, lost) in [(500, true), (502, true), (503, true), (504, true), (408, true)] {
            assert_eq!(answer_lost(&service(status)), lost, "{status}");
        }
        for status in [400, 401, 403, 404, 409, 429] {
            assert!(!answer_lost(&service(status)), "{status}");
        }
        let transport = Error::Arm(arm_core::Error::Transport {
            method: "POST".into(),
            url: url.to_string(),
            source: Box::new(arm_core::azure_core::Error::with_message(
                arm_core::azure_core::error::ErrorKind::Io,
                "connection reset",
            )),
        });
        assert!(answer_lost(&transport));
        assert!(!answer_lost(&Error::invalid("--name", "bad")));
    }
}
