//! Progress of the long operations: the flow's steps ([`FlowEvent`]) as a spinner on stderr
//! when stderr is a terminal (indicatif), else as plain timestamped lines on stdout (a pipeline
//! log); a run's log lines go to stdout in both cases, the spinner kept out of their way.

use acr_agentpool::flow::FlowEvent;
use arm_core::azure_core::time::{OffsetDateTime, to_rfc3339};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

/// Where the steps go.
pub(super) struct Progress {
    spinner: Option<ProgressBar>,
}

impl Progress {
    /// A spinner when stderr is a terminal, plain lines otherwise.
    pub fn start() -> Progress {
        if !std::io::stderr().is_terminal() {
            return Progress { spinner: None };
        }
        let spinner = ProgressBar::new_spinner();
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
            spinner.set_style(style);
        }
        spinner.enable_steady_tick(Duration::from_millis(120));
        Progress { spinner: Some(spinner) }
    }

    /// A step: the spinner's message, or a line `[time] step` (a step starting with
    /// `warning: ` as an Azure Pipelines warning).
    pub fn step(&self, step: &str) {
        if let Some(warning) = step.strip_prefix("warning: ") {
            self.line(&format!("##[warning]{warning}"));
            return;
        }
        match &self.spinner {
            Some(spinner) => spinner.set_message(step.to_owned()),
            None => println!("[{}] {step}", to_rfc3339(&OffsetDateTime::now_utc())),
        }
    }

    /// An event of a flow, as a step.
    pub fn event(&self, event: &FlowEvent) {
        match event {
            FlowEvent::Step(step) => self.step(step),
            FlowEvent::Uploaded { bytes, sha256 } => {
                self.step(&format!("uploaded the context ({bytes} bytes, sha256 {sha256})"))
            }
            FlowEvent::Scheduled { run_id } => self.step(&format!("run {run_id} scheduled")),
            other => self.step(&format!("{other:?}")),
        }
    }

    /// A line of output (a run's log) on stdout, above the spinner.
    pub fn line(&self, line: &str) {
        match &self.spinner {
            Some(spinner) => spinner.suspend(|| println!("{line}")),
            None => println!("{line}"),
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(spinner) = &self.spinner {
            spinner.finish_and_clear();
        }
    }
}
