//! The text of a run's `customization.log`, in the shape of Image Builder's: every line starts
//! with the operation id in brackets, Packer's output follows as `PACKER OUT` / `PACKER ERR`,
//! and each customizer is framed by `(telemetry) Starting provisioner <name>` and
//! `(telemetry) ending <name>` (the markers learn.microsoft.com "Troubleshoot Azure VM Image
//! Builder" tells readers to search for). URLs are written without their query, so no SAS
//! reaches the log. And the message of a failed run, pointing at the log in either form Azure
//! has used.

use std::time::{Duration, Instant};

use serde_json::Value;
use time::OffsetDateTime;
use time::macros::format_description;

use super::run::LogLine;
use crate::config::LogLocation;

/// Writes log lines of the run with operation id `operation`, started at `started`
/// (`started_at` on the wall clock).
pub(super) struct LogWriter<'a> {
    pub operation: &'a str,
    pub started: Instant,
    pub started_at: OffsetDateTime,
}

impl LogWriter<'_> {
    /// A line due at `at`; `PACKER ERR` lines carry Packer's own timestamp.
    pub fn line(&self, at: Instant, text: &str) -> LogLine {
        let wall = self.started_at + at.saturating_duration_since(self.started);
        let stamp = wall
            .format(format_description!("[year]/[month]/[day] [hour]:[minute]:[second]"))
            .unwrap_or_default();
        let text = match text.strip_prefix("PACKER ERR ") {
            Some(rest) => format!("PACKER ERR {stamp} {rest}"),
            None => text.replace("(telemetry)", &format!("{stamp} (telemetry)")),
        };
        LogLine {
            at,
            text: format!("[{}] {text}", self.operation),
        }
    }
}

/// Packer's name of a customizer type (`shell`, `powershell`, `file`, `windows-restart`,
/// `windows-update`).
pub(super) fn provisioner(kind: &str) -> &'static str {
    match kind {
        "PowerShell" => "powershell",
        "File" => "file",
        "WindowsRestart" => "windows-restart",
        "WindowsUpdate" => "windows-update",
        _ => "shell",
    }
}

/// `url` without its query (a SAS is a secret).
pub(super) fn without_query(url: &str) -> &str {
    url.split_once('?').map_or(url, |(before, _)| before)
}

/// What a customizer prints while it works.
pub(super) fn work_line(customizer: &Value) -> String {
    let text = |key: &str| customizer.get(key).and_then(Value::as_str).unwrap_or_default();
    match text("type") {
        "File" => format!(
            "PACKER OUT ==> azure-arm: Uploading {} => {}",
            without_query(text("sourceUri")),
            text("destination")
        ),
        "WindowsRestart" => "PACKER OUT ==> azure-arm: Restarting Machine".to_owned(),
        "WindowsUpdate" => "PACKER OUT ==> azure-arm: Searching for Windows updates...".to_owned(),
        kind => match customizer.get("scriptUri").and_then(Value::as_str) {
            Some(uri) => format!(
                "PACKER OUT ==> azure-arm: Provisioning with {} script: {}",
                provisioner(kind),
                without_query(uri)
            ),
            None => format!(
                "PACKER OUT ==> azure-arm: Provisioning with {} script: {} (inline)",
                provisioner(kind),
                text("name")
            ),
        },
    }
}

/// The lines of a build that fails with `error` after `elapsed`.
pub(super) fn failure_lines(error: &str, elapsed: Duration) -> [String; 3] {
    [
        format!("PACKER ERR ui error: ==> azure-arm: {error}"),
        format!(
            "PACKER OUT Build 'azure-arm' errored after {} seconds: {error}",
            elapsed.as_secs()
        ),
        "PACKER OUT ==> Some builds didn't complete successfully and had errors:".to_owned(),
    ]
}

/// `lastRunStatus.message` (and the operation's error message) of a failed build whose log is
/// at `blob_url` (the blob URL form) or `arm_path` (the ARM path form).
pub(super) fn failure_message(form: LogLocation, blob_url: &str, arm_path: &str, operation: &str) -> String {
    match form {
        LogLocation::Blob => format!(
            "Failed while waiting for packerizer: Microservice has failed: Failed while processing request: Error when executing packerizer: Packer build command has failed: exit status 1. During the image build, a failure has occurred, please review the build log to identify which build/customization step failed. For more troubleshooting steps go to https://aka.ms/azvmimagebuilderts. Image Build log location: {blob_url}. OperationId: {operation}. Use this operationId to search packer logs."
        ),
        LogLocation::Arm => format!(
            "During the image build a failure has occurred. Packer build logs are at location {arm_path}. Please navigate to this location using portal or other tools to download logs for identifying which build/customization step failed. Use this operationId {operation} to search packer logs. For more troubleshooting steps go to https://aka.ms/azvmimagebuilderts."
        ),
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use serde_json::json;
    use time::macros::datetime;

    use super::{LogWriter, without_query, work_line};

    #[test]
    fn lines_carry_the_operation_and_packer_stamps_and_never_a_query() {
        let started = Instant::now();
        let writer = LogWriter {
            operation: "op",
            started,
            started_at: datetime!(2025-03-18 20:42:48 UTC),
        };
        let line = writer.line(started + Duration::from_secs(2), "PACKER ERR ui error: boom");
        assert_eq!(line.text, "[op] PACKER ERR 2025/03/18 20:42:50 ui error: boom");
        let telemetry = writer.line(started, "PACKER OUT (telemetry) Starting provisioner shell");
        assert_eq!(
            telemetry.text,
            "[op] PACKER OUT 2025/03/18 20:42:48 (telemetry) Starting provisioner shell"
        );
        let file = json!({ "type": "File", "sourceUri": "https://a/c/b.tgz?sig=secret", "destination": "/tmp/b.tgz" });
        assert_eq!(
            work_line(&file),
            "PACKER OUT ==> azure-arm: Uploading https://a/c/b.tgz => /tmp/b.tgz"
        );
        assert_eq!(without_query("https://a/b"), "https://a/b");
    }
}
