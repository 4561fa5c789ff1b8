//! `POST registries/{r}/scheduleRun`: the request checked ([`super::request`]), its task and
//! agent pool found, its source resolved on the emulator's Blob service, the run queued (and
//! started at once when an agent is free). 2025-03-01-preview answers 200 with the run; the
//! older versions declare a long-running operation answering 200 (the run) or 202, and the
//! emulator answers 200 with the run there too: the run exists at once, and the platform's
//! operation results carry no body to give it later.
//!
//! Refusals whose text ACR does not document (emulator choices): an agent pool the registry
//! does not have (400 `AgentPoolNotFound`, as a task naming one is refused: a pool of another
//! registry is not one of this registry's); a `TaskRunRequest` naming `agentPoolName` for a
//! task that already has one (400 `BadRequest`: the run would otherwise go to one of the two
//! silently); a task the registry does not have (404 `ResourceNotFound`); a disabled task (400);
//! a source URL outside the emulator's Blob service (400: the emulator reads no Git repository).

use hyper::StatusCode;
use serde_json::{Map, Value};

use super::request::{self, Kind, SourceLocation};
use super::{dispatch, log, storage};
use crate::arm::body;
use crate::arm::error::ArmError;
use crate::arm::registries;
use crate::arm::route::ArmCall;
use crate::blob::internal::BlobUrl;
use crate::control::acr::take_script;
use crate::http::Reply;
use crate::model::World;
use crate::model::acr::agent_pool::{agent_pool, pool_id};
use crate::model::acr::run::{
    InternalBlob, Run, RunStatus, Source, TaskYaml, Work, next_number, run_id_prefix, runs_mut,
};
use crate::model::acr::task::{TASK_TYPE, task};
use crate::model::store::Stored;

/// The run and its request's resolved parts.
struct Resolved {
    work: Work,
    source: SourceLocation,
    platform: Value,
    agent_configuration: Option<Value>,
    timeout: std::time::Duration,
    agent_pool: Option<String>,
    task: Option<String>,
    run_type: &'static str,
}

/// Schedules a run.
pub(super) fn schedule(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let body = body::object(call)?;
    let parsed = request::parse(&body)?;
    let (now, wall) = (call.shared.clock.instant(), call.shared.clock.now());
    let mut world = call.shared.write();
    let registry = registries::of_path(call, &world)?.clone();
    let registry_id = registry.id();
    let resolved = match parsed.kind {
        Kind::Quick {
            work,
            source,
            platform,
            agent_configuration,
            timeout,
        } => Resolved {
            run_type: if matches!(*work, Work::DockerBuild { .. }) {
                "QuickBuild"
            } else {
                "QuickRun"
            },
            work: *work,
            source,
            platform,
            agent_configuration,
            timeout,
            agent_pool: parsed.agent_pool,
            task: None,
        },
        Kind::Task { task: name, overrides } => {
            from_task(call, &world, &registry_id, &name, &overrides, parsed.agent_pool)?
        }
    };
    if let Some(pool) = &resolved.agent_pool
        && agent_pool(&world, &pool_id(&registry_id, pool), now).is_none()
    {
        return Err(ArmError::bad_request(
            "AgentPoolNotFound",
            format!(
                "The agentPoolName '{pool}' is invalid: registry '{}' has no agent pool of that name.",
                registry.name
            ),
        ));
    }
    let (account, container) = storage::registry_container(call.shared, &mut world, &registry_id)?;
    let source = match resolved.source {
        SourceLocation::None => Source::None,
        SourceLocation::Relative(path) => Source::Archive(InternalBlob {
            account: account.clone(),
            container: container.clone(),
            blob: path,
        }),
        SourceLocation::Url(url) => Source::Archive(blob_of_url(call, &world, &url)?),
    };
    let work = with_source(resolved.work, source);
    let scripted = take_script(&mut world, &registry.name);
    let number = next_number(&world, &registry_id, now);
    let run_id = format!("{}{number}", run_id_prefix(&registry_id));
    let run = Run {
        registry_id: registry_id.clone(),
        run_id: run_id.clone(),
        number,
        run_type: resolved.run_type,
        status: RunStatus::Queued,
        agent_pool: resolved.agent_pool,
        task: resolved.task,
        platform: resolved.platform,
        agent_configuration: resolved.agent_configuration,
        is_archive_enabled: parsed.is_archive_enabled,
        work,
        timeout: resolved.timeout,
        scripted,
        created: wall,
        started: None,
        finished: None,
        last_updated: wall,
        output_images: Vec::new(),
        error_message: None,
        log: InternalBlob {
            account,
            container,
            blob: format!("logs/{run_id}/rawtext.log"),
        },
        executing: false,
        process: None,
    };
    let id = run.id();
    let log_blob = run.log.clone();
    runs_mut(&mut world).insert(run);
    log::queued(call.shared, &world, &log_blob, &run_id);
    dispatch(&mut world, wall, now);
    let body = crate::model::acr::run::runs(&world)
        .and_then(|store| store.get(&id, now))
        .map(|run| run.to_json(now))
        .unwrap_or_default();
    Ok(Reply::json(StatusCode::OK, &body))
}

/// The work of a `TaskRunRequest`: the task's step with the overrides, on the task's pool.
fn from_task(
    call: &ArmCall<'_>,
    world: &World,
    registry_id: &str,
    name: &str,
    overrides: &Map<String, Value>,
    requested_pool: Option<String>,
) -> Result<Resolved, ArmError> {
    let task_name = name.rsplit('/').next().unwrap_or(name);
    let task = task(
        world,
        &format!("{registry_id}/tasks/{task_name}"),
        call.shared.clock.instant(),
    )
    .ok_or_else(|| {
        ArmError::resource_not_found(TASK_TYPE, &format!("{}/{task_name}", call.params[2]), call.params[1])
    })?;
    if !task.is_enabled() {
        return Err(ArmError::bad_request(
            "BadRequest",
            format!(
                "Task '{}' is disabled: enable it (properties.status Enabled) to run it.",
                task.name
            ),
        ));
    }
    let agent_pool = match (requested_pool, task.agent_pool_name()) {
        (Some(requested), Some(own)) => {
            return Err(ArmError::bad_request(
                "BadRequest",
                format!(
                    "agentPoolName '{requested}' cannot be given for a run of task '{}', which runs on agent pool '{own}': leave agentPoolName out, or change the task's agentPoolName.",
                    task.name
                ),
            ));
        }
        (requested, own) => requested.or(own.map(str::to_owned)),
    };
    let properties = task.properties.as_object().cloned().unwrap_or_default();
    let step = properties
        .get("step")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let text = |map: &Map<String, Value>, key: &str| map.get(key).and_then(Value::as_str).map(str::to_owned);
    let overridden = |key: &str, own: &str| text(overrides, key).or_else(|| text(&step, own));
    let source = request::source_location(overridden("contextPath", "contextPath").as_deref());
    let values = request::values(overrides)?;
    // The step's discriminator is the spec's `x-ms-discriminator-value` (`Docker`,
    // `EncodedTask`, `FileTask`; containerregistry_build.json), not the schema's name.
    let (work, run_type) = match step.get("type").and_then(Value::as_str) {
        Some("Docker") => (
            Work::DockerBuild {
                source: Source::None,
                dockerfile: overridden("file", "dockerFilePath").unwrap_or_else(|| "Dockerfile".to_owned()),
                image_names: step
                    .get("imageNames")
                    .and_then(Value::as_array)
                    .map(|names| names.iter().filter_map(Value::as_str).map(str::to_owned).collect())
                    .unwrap_or_default(),
                push: step.get("isPushEnabled").and_then(Value::as_bool).unwrap_or(true),
                target: overridden("target", "target"),
            },
            "AutoBuild",
        ),
        Some("EncodedTask") => {
            let encoded = text(&step, "encodedTaskContent").unwrap_or_default();
            (
                Work::Steps {
                    source: Source::None,
                    yaml: TaskYaml::Inline(request::decode_task(&encoded)?),
                    values,
                },
                "AutoRun",
            )
        }
        _ => (
            Work::Steps {
                source: Source::None,
                yaml: TaskYaml::File(overridden("file", "taskFilePath").unwrap_or_default()),
                values,
            },
            "AutoRun",
        ),
    };
    Ok(Resolved {
        work,
        source,
        platform: properties
            .get("platform")
            .cloned()
            .unwrap_or_else(|| serde_json::json!({ "os": "Linux" })),
        agent_configuration: properties.get("agentConfiguration").cloned(),
        timeout: request::timeout(properties.get("timeout"), "task timeout")?,
        agent_pool,
        task: Some(task.name.clone()),
        run_type,
    })
}

/// The blob a source URL names on the emulator's Blob service, readable through the URL's SAS.
fn blob_of_url(call: &ArmCall<'_>, world: &World, url: &str) -> Result<InternalBlob, ArmError> {
    let shown = url.split_once('?').map_or(url, |(before, _)| before);
    let parsed = BlobUrl::parse(call.shared, world, url).ok_or_else(|| {
        ArmError::bad_request(
            "BadRequest",
            format!(
                "sourceLocation '{shown}' is not a blob of the emulator's Blob service: the emulator reads build contexts only from there (upload with listBuildSourceUploadUrl)."
            ),
        )
    })?;
    parsed.check_read(call.shared, world, None).map_err(|error| {
        ArmError::bad_request(
            "BadRequest",
            format!(
                "sourceLocation '{shown}' cannot be read: {} {}.",
                error.code, error.message
            ),
        )
    })?;
    match (parsed.container.clone(), parsed.blob.clone()) {
        (Some(container), Some(blob)) => Ok(InternalBlob {
            account: parsed.account,
            container,
            blob,
        }),
        _ => Err(ArmError::bad_request(
            "BadRequest",
            format!("sourceLocation '{shown}' names no blob."),
        )),
    }
}

/// `work` reading its source from `source`.
fn with_source(work: Work, source: Source) -> Work {
    match work {
        Work::DockerBuild {
            dockerfile,
            image_names,
            push,
            target,
            ..
        } => Work::DockerBuild {
            source,
            dockerfile,
            image_names,
            push,
            target,
        },
        Work::Steps { yaml, values, .. } => Work::Steps { source, yaml, values },
    }
}
