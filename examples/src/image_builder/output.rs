//! What `build` prints: each step and run phase with its time, the outputs as Azure Pipelines
//! variables (`##vso[task.setvariable ...]`, learn.microsoft.com "Logging commands") and
//! `$GITHUB_OUTPUT` lines (docs.github.com "Workflow commands for GitHub Actions", Setting an
//! output parameter), the failing provisioner's log under `##[group]`, and what cleanup did.

use arm_core::azure_core::time::{OffsetDateTime, to_rfc3339};
use image_builder::flow::{BuildEvent, BuildOutcome, CleanupReport};
use image_builder::model::ImageTemplate;
use image_builder::runs::RunEvent;
use std::path::{Path, PathBuf};

/// One line for a step of the flow, with its time.
pub(super) fn event(event: &BuildEvent) {
    let now = to_rfc3339(&OffsetDateTime::now_utc());
    match event {
        BuildEvent::Step(step) => println!("[{now}] {step}"),
        BuildEvent::Uploaded { blob, bytes, sha256 } => {
            println!("[{now}] uploaded {blob} ({bytes} bytes, sha256 {sha256})")
        }
        BuildEvent::Run(run) => println!("{}", run_line(run)),
        other => println!("[{now}] {other:?}"),
    }
}

/// `[time] run: <runState> <runSubState> (+<elapsed>)`.
fn run_line(run: &RunEvent) -> String {
    let show = |value: Option<String>| value.unwrap_or_else(|| "-".to_owned());
    format!(
        "[{}] run: {} {} (+{}s){}",
        to_rfc3339(&run.at),
        show(run.run_state.as_ref().map(ToString::to_string)),
        show(run.run_sub_state.as_ref().map(ToString::to_string)),
        run.elapsed.as_secs(),
        run.message
            .as_deref()
            .filter(|m| !m.trim().is_empty())
            .map(|m| format!(": {m}"))
            .unwrap_or_default()
    )
}

/// The outcome's variables as pipeline variables ([`crate::command::variables`]).
pub(super) fn variables(outcome: &BuildOutcome) -> std::io::Result<()> {
    crate::command::variables::set_variables(&outcome.variables())
}

/// The distribution targets of `template` that produced no run output.
pub(super) fn failed_targets(template: &ImageTemplate, outcome: &BuildOutcome) -> Vec<String> {
    template
        .properties
        .distribute
        .iter()
        .filter_map(|target| {
            let name = target.run_output_name()?;
            let written = outcome.outputs.iter().any(|o| o.name.as_deref() == Some(name));
            (!written).then(|| format!("{name} ({})", target.kind()))
        })
        .collect()
}

/// The failing provisioner's section under `##[group]`, its error lines as `##[error]`, and
/// the whole log saved to `file`.
pub(super) fn failure_log(log: &str, file: &Path) {
    match image_builder::diagnostics::failing_provisioner(log) {
        Some(section) => {
            println!(
                "##[group]customization.log: the failing provisioner, {} (#{})",
                section.provisioner, section.index
            );
            for line in &section.lines {
                println!("{line}");
            }
            println!("##[endgroup]");
            for error in &section.errors {
                println!("##[error]{error}");
            }
        }
        None => println!("##[warning]customization.log names no provisioner: the build failed before customizing"),
    }
    match std::fs::write(file, log) {
        Ok(()) => println!("the whole customization.log is saved at {}", file.display()),
        Err(error) => println!(
            "##[warning]cannot save customization.log to {}: {error}",
            file.display()
        ),
    }
}

/// Where a failed build's log is saved: the pipeline's temporary folder (`AGENT_TEMPDIRECTORY`
/// on Azure Pipelines, `RUNNER_TEMP` on GitHub Actions), else the system's.
pub(super) fn log_file(template: &str) -> PathBuf {
    let dir = ["AGENT_TEMPDIRECTORY", "RUNNER_TEMP"]
        .iter()
        .filter_map(std::env::var_os)
        .find(|d| !d.is_empty())
        .map_or_else(std::env::temp_dir, PathBuf::from);
    dir.join(format!("{template}-customization.log"))
}

/// What cleanup did: one line per resource, errors for what is left.
pub(super) fn cleanup(report: &CleanupReport) {
    for removed in &report.removed {
        println!("deleted {removed}");
    }
    for kept in &report.kept {
        println!("kept {kept} (--cleanup)");
    }
    for (left, why) in &report.failed {
        println!("##[error]left behind: {left}: {why}");
    }
}
