//! The plan of a run, made when it starts: its phases, the exact version of its source, which
//! customizer fails (a scripted failure; a script or file on the emulator's Blob service that the
//! template's identity, or the URL's SAS, cannot read any more, or whose content does not match
//! its `sha256Checksum`: those are downloaded now, for real), which distributors cannot succeed
//! (a `SharedImage` whose image definition does not exist), and its log, line by line.

use std::time::{Duration, Instant};

use serde_json::Value;

use super::log::{self, LogWriter, failure_message, provisioner, without_query, work_line};
use super::run::{End, LogLine, Run, SubState};
use super::staging::LOGS_CONTAINER;
use super::template::ImageTemplate;
use crate::blob::internal::BlobUrl;
use crate::config::ImageBuilderConfig;
use crate::model::World;
use crate::model::compute;
use crate::model::storage;
use crate::shared::Shared;

/// The URL of a customizer's script or file, if it has one.
pub(super) fn customizer_uri(customizer: &Value) -> Option<&str> {
    customizer
        .get("scriptUri")
        .or_else(|| customizer.get("sourceUri"))
        .and_then(Value::as_str)
}

/// Where the run fails: the customizer (0-based) and the error it prints.
struct Failure {
    index: usize,
    error: String,
}

/// The run of `template` that starts now, reported by operation `operation_id`.
pub(super) fn plan(
    shared: &Shared,
    world: &World,
    template: &ImageTemplate,
    config: &ImageBuilderConfig,
    operation_id: &str,
) -> Run {
    let (started, started_at) = (shared.clock.instant(), shared.clock.now());
    let phase = config
        .phase_ms
        .map_or(shared.settings.operation_duration, Duration::from_millis);
    let failure = failure(shared, world, template, config);
    let mut phases = vec![SubState::Queued, SubState::Building, SubState::Customizing];
    if failure.is_none() {
        if template.properties.get("validate").is_some_and(|v| !v.is_null()) {
            phases.push(SubState::Validating);
        }
        if template.properties.get("optimize").is_some_and(|v| !v.is_null()) {
            phases.push(SubState::Optimizing);
        }
        phases.push(SubState::Distributing);
    }
    let failed_distributors: Vec<(usize, String)> = template
        .distributors()
        .iter()
        .enumerate()
        .filter_map(|(index, distributor)| distributor_error(world, distributor, started).map(|e| (index, e)))
        .collect();
    let logs = LogWriter {
        operation: operation_id,
        started,
        started_at,
    };
    let log_id = crate::random::uuid();
    let end = match &failure {
        Some(_) => End::Failed(failed_message(shared, world, template, config, &log_id, operation_id)),
        None if failed_distributors.is_empty() => End::Succeeded,
        None => {
            let details: Vec<&str> = failed_distributors.iter().map(|(_, e)| e.as_str()).collect();
            let message = format!(
                "Failed in distributing {} images out of total {}: {}",
                failed_distributors.len(),
                template.distributors().len(),
                details.join(" ")
            );
            if failed_distributors.len() == template.distributors().len() {
                End::Failed(message)
            } else {
                End::PartiallySucceeded(message)
            }
        }
    };
    let mut run = Run {
        operation_id: operation_id.to_owned(),
        log_id,
        started,
        started_at,
        phase,
        phases,
        end,
        exact_version: exact_version(world, template, started),
        cancel: None,
        log: Vec::new(),
        logged: 0,
        settled: false,
        failed_distributors: failed_distributors.iter().map(|(index, _)| *index).collect(),
    };
    run.log = lines(&logs, template, &run, failure.as_ref());
    run
}

/// The first customizer that fails: scripted, or whose script or file cannot be downloaded or
/// does not match its checksum.
fn failure(shared: &Shared, world: &World, template: &ImageTemplate, config: &ImageBuilderConfig) -> Option<Failure> {
    let customizers = template.customizers();
    let scripted = config
        .scripts
        .iter()
        .find(|script| script.matches(&template.name))
        .and_then(|script| {
            let index = script.failing_customizer()?;
            let error = script.message.clone().unwrap_or_else(|| {
                "Script exited with non-zero exit status: 1. Allowed exit codes are: [0]".to_owned()
            });
            (index < customizers.len()).then_some(Failure { index, error })
        });
    let downloaded = customizers.iter().enumerate().find_map(|(index, customizer)| {
        let uri = customizer_uri(customizer)?;
        let url = BlobUrl::parse(shared, world, uri)?;
        let error = match url.download(shared, world, template.principal_id.as_deref()) {
            Err(error) => format!("Error downloading '{}': {error}", without_query(uri)),
            Ok(downloaded) => {
                let expected = customizer.get("sha256Checksum").and_then(Value::as_str)?;
                if expected.eq_ignore_ascii_case(&downloaded.sha256) {
                    return None;
                }
                format!(
                    "sha256 checksum mismatch for '{}': expected '{expected}', got '{}'",
                    without_query(uri),
                    downloaded.sha256
                )
            }
        };
        Some(Failure { index, error })
    });
    match (scripted, downloaded) {
        (Some(a), Some(b)) => Some(if a.index <= b.index { a } else { b }),
        (a, b) => a.or(b),
    }
}

/// Why `distributor` cannot succeed: a `SharedImage` whose image definition does not exist.
fn distributor_error(world: &World, distributor: &Value, now: Instant) -> Option<String> {
    if distributor.get("type").and_then(Value::as_str) != Some("SharedImage") {
        return None;
    }
    let id = distributor
        .get("galleryImageId")
        .and_then(Value::as_str)
        .unwrap_or_default();
    compute::gallery_image(world, id, now).is_none().then(|| {
        format!(
            "The gallery image definition '{id}' was not found (ResourceNotFound); create it before distributing to it."
        )
    })
}

/// The failed run's message, pointing at its log.
fn failed_message(
    shared: &Shared,
    world: &World,
    template: &ImageTemplate,
    config: &ImageBuilderConfig,
    log_id: &str,
    operation_id: &str,
) -> String {
    let now = shared.clock.instant();
    let account = template
        .staging
        .as_ref()
        .and_then(|staging| storage::account_by_name(world, &staging.account, now));
    let path = format!("{LOGS_CONTAINER}/{log_id}/customization.log");
    let blob_url = account.map_or_else(|| path.clone(), |a| format!("{}{path}", a.blob_endpoint));
    let arm_path = account.map_or_else(
        || path.clone(),
        |a| format!("{}/blobServices/default/containers/{path}", a.id()),
    );
    failure_message(config.log_location, &blob_url, &arm_path, operation_id)
}

/// The exact version of a `PlatformImage` source (`latest` resolved in the template's region)
/// or of a `SharedImageVersion` source.
fn exact_version(world: &World, template: &ImageTemplate, now: Instant) -> Option<String> {
    let source = template.properties.get("source")?;
    let text = |key: &str| source.get(key).and_then(Value::as_str).unwrap_or_default();
    match text("type") {
        "PlatformImage" => template.platform_source(world, now).map(|image| image.version),
        "SharedImageVersion" => text("imageVersionId").rsplit('/').next().map(str::to_owned),
        _ => None,
    }
}

/// The log of `run`: lines due through its phases, up to its failure.
fn lines(logs: &LogWriter<'_>, template: &ImageTemplate, run: &Run, failure: Option<&Failure>) -> Vec<LogLine> {
    let start_of = |state: SubState| {
        let index = run.phases.iter().position(|s| *s == state).unwrap_or(0);
        run.started + run.phase * u32::try_from(index).unwrap_or(0)
    };
    let mut out = vec![
        logs.line(run.started, "PACKER OUT azure-arm: output will be in this color."),
        logs.line(
            start_of(SubState::Building),
            "PACKER OUT ==> azure-arm: Running builder ...",
        ),
        logs.line(
            start_of(SubState::Building),
            &format!(
                "PACKER OUT ==> azure-arm:  -> ResourceGroupName : '{}'",
                template.staging.as_ref().map_or("", |s| s.group_id.as_str())
            ),
        ),
        logs.line(
            start_of(SubState::Building),
            "PACKER OUT ==> azure-arm: Deploying deployment template ...",
        ),
    ];
    let customizing = start_of(SubState::Customizing);
    let customizers = template.customizers();
    let step = run.phase / u32::try_from(customizers.len() + 1).unwrap_or(1);
    for (index, customizer) in customizers.iter().enumerate() {
        let at = customizing + step * u32::try_from(index).unwrap_or(0);
        let name = provisioner(customizer.get("type").and_then(Value::as_str).unwrap_or_default());
        out.push(logs.line(at, &format!("PACKER OUT (telemetry) Starting provisioner {name}")));
        out.push(logs.line(at, &work_line(customizer)));
        if let Some(failure) = failure.filter(|f| f.index == index) {
            let elapsed = at.saturating_duration_since(run.started);
            out.extend(
                log::failure_lines(&failure.error, elapsed)
                    .iter()
                    .map(|l| logs.line(at + step, l)),
            );
            return out;
        }
        out.push(logs.line(at + step, &format!("PACKER OUT (telemetry) ending {name}")));
    }
    for (state, text) in [
        (
            SubState::Validating,
            "PACKER OUT ==> azure-arm: Running in-VM validations ...",
        ),
        (
            SubState::Optimizing,
            "PACKER OUT ==> azure-arm: Optimizing the image for faster boot ...",
        ),
        (SubState::Distributing, "PACKER OUT ==> azure-arm: Capturing image ..."),
    ] {
        if run.phases.contains(&state) {
            out.push(logs.line(start_of(state), text));
        }
    }
    out.push(logs.line(
        run.ends_at(),
        &format!(
            "PACKER OUT Build 'azure-arm' finished after {} seconds.",
            run.ends_at().saturating_duration_since(run.started).as_secs()
        ),
    ));
    out
}
