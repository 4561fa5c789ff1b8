//! The failing provisioner's section of a `customization.log`.
//!
//! Image Builder runs Packer and logs each customizer between `(telemetry) Starting provisioner
//! <kind>` and `(telemetry) ending <kind>`, then `(telemetry) Finalizing` when the build is done
//! (learn.microsoft.com "Troubleshoot Azure VM Image Builder", Customization log). A failure
//! shows as Packer's `Build '<builder>' errored ...` with the script's exit status.

const START: &str = "(telemetry) Starting provisioner ";
const ENDING: &str = "(telemetry) ending ";
const FINALIZING: &str = "(telemetry) Finalizing";
/// Lines that tell a failure, as Packer and its provisioners write them.
const ERROR_MARKERS: [&str; 6] = [
    "errored",
    "non-zero exit status",
    "Allowed exit codes are",
    "ERROR:",
    "Error:",
    "didn't complete successfully",
];
/// The most error lines kept.
const MAX_ERRORS: usize = 20;

/// The section of the provisioner that failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProvisionerSection {
    /// The provisioner kind as Packer names it (`shell`, `powershell`, `file`,
    /// `windows-restart`, `windows-update`).
    pub provisioner: String,
    /// Its 1-based number among the provisioners of the log (the customizer's position, plus
    /// the ones Image Builder adds).
    pub index: usize,
    /// Its lines, from `Starting provisioner` to `ending` (or the next marker, or the end).
    pub lines: Vec<String>,
    /// The lines that tell the failure, from the section to the end of the log.
    pub errors: Vec<String>,
}

fn is_error(line: &str) -> bool {
    ERROR_MARKERS.iter().any(|marker| line.contains(marker))
}

fn started(line: &str) -> Option<&str> {
    let at = line.find(START)?;
    Some(line[at + START.len()..].trim())
}

/// The section of the provisioner that failed in `log`: the last one started before the first
/// error line after provisioning began (or the last one started, when no line tells an error).
/// `None` when the log has no provisioner at all (the build failed before customizing).
pub fn failing_provisioner(log: &str) -> Option<ProvisionerSection> {
    let lines: Vec<&str> = log.lines().collect();
    let starts: Vec<usize> = (0..lines.len()).filter(|&i| started(lines[i]).is_some()).collect();
    let first = *starts.first()?;
    let first_error = (first..lines.len()).find(|&i| is_error(lines[i]));
    let (number, &begin) = starts
        .iter()
        .enumerate()
        .rev()
        .find(|&(_, &i)| first_error.is_none_or(|e| i <= e))?;
    let provisioner = started(lines[begin]).unwrap_or_default().to_owned();
    let ending = format!("{ENDING}{provisioner}");
    let mut end = lines.len() - 1;
    for (i, line) in lines.iter().enumerate().skip(begin + 1) {
        if line.contains(&ending) {
            end = i;
            break;
        }
        if started(line).is_some() || line.contains(FINALIZING) {
            end = i - 1;
            break;
        }
    }
    let mut errors: Vec<String> = Vec::new();
    for line in &lines[begin..] {
        let line = line.trim_end();
        if is_error(line) && !errors.iter().any(|e| e == line) {
            errors.push(line.to_owned());
            if errors.len() == MAX_ERRORS {
                break;
            }
        }
    }
    Some(ProvisionerSection {
        provisioner,
        index: number + 1,
        lines: lines[begin..=end].iter().map(|l| l.trim_end().to_owned()).collect(),
        errors,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const OP: &str = "[019d793b-66fc-480f-9b5f-6de798958520]";

    fn log(lines: &[&str]) -> String {
        lines.iter().map(|l| format!("{OP} {l}\n")).collect()
    }

    fn linux_failure() -> String {
        log(&[
            "PACKER OUT ==> azure-arm: Waiting for SSH to become available...",
            "PACKER ERR 2024/03/01 10:00:01 packer: 2024/03/01 10:00:01 [INFO] Waiting for SSH, up to timeout: 20m0s",
            "PACKER OUT ==> azure-arm: Connected to SSH!",
            "PACKER ERR 2024/03/01 10:00:05 [INFO] (telemetry) Starting provisioner file",
            "PACKER OUT ==> azure-arm: Uploading /tmp/artifacts.tar.gz => /tmp/app.tar.gz",
            "PACKER ERR 2024/03/01 10:00:09 [INFO] (telemetry) ending file",
            "PACKER ERR 2024/03/01 10:00:09 [INFO] (telemetry) Starting provisioner shell",
            "PACKER OUT ==> azure-arm: Provisioning with shell script: /tmp/packer-shell123",
            "PACKER OUT     azure-arm: tar: app.tar.gz: Cannot open: No such file or directory",
            "PACKER ERR 2024/03/01 10:00:11 [INFO] (telemetry) ending shell",
            "PACKER ERR 2024/03/01 10:00:11 ui error: Build 'azure-arm' errored after 4 minutes 2 seconds: Script exited with non-zero exit status: 2. Allowed exit codes are: [0]",
            "PACKER OUT ==> azure-arm: Deleting individual resources ...",
            "PACKER OUT ==> Some builds didn't complete successfully and had errors:",
            "PACKER OUT --> azure-arm: Script exited with non-zero exit status: 2. Allowed exit codes are: [0]",
        ])
    }

    #[test]
    fn the_shell_step_that_failed_is_found_with_its_errors() {
        let section = failing_provisioner(&linux_failure()).unwrap();
        assert_eq!(section.provisioner, "shell");
        assert_eq!(section.index, 2);
        assert!(section.lines[0].ends_with("(telemetry) Starting provisioner shell"));
        assert!(section.lines.last().unwrap().ends_with("(telemetry) ending shell"));
        assert!(section.lines.iter().any(|l| l.contains("Cannot open")));
        assert_eq!(section.lines.len(), 4);
        assert_eq!(section.errors.len(), 3, "{:#?}", section.errors);
        assert!(section.errors[0].contains("errored after 4 minutes"));
    }

    #[test]
    fn a_step_cut_short_ends_at_the_next_marker_or_the_end_of_the_log() {
        let windows = log(&[
            "PACKER OUT     azure-arm: WinRM connected.",
            "PACKER ERR 2024/03/01 10:00:05 [INFO] (telemetry) Starting provisioner windows-update",
            "PACKER OUT     azure-arm: Found 3 updates",
            "PACKER ERR 2024/03/01 10:30:05 [INFO] (telemetry) ending windows-update",
            "PACKER ERR 2024/03/01 10:30:06 [INFO] (telemetry) Starting provisioner powershell",
            "PACKER OUT     azure-arm: Installing agent...",
            "PACKER OUT     azure-arm: Error: the agent installer returned 1603",
        ]);
        let section = failing_provisioner(&windows).unwrap();
        assert_eq!((section.provisioner.as_str(), section.index), ("powershell", 2));
        assert_eq!(section.lines.len(), 3);
        assert_eq!(
            section.errors,
            vec![format!(
                "{OP} PACKER OUT     azure-arm: Error: the agent installer returned 1603"
            )]
        );
    }

    #[test]
    fn without_an_error_line_the_last_step_started_is_taken() {
        let timed_out = log(&[
            "PACKER ERR (telemetry) Starting provisioner powershell",
            "PACKER ERR (telemetry) ending powershell",
            "PACKER ERR (telemetry) Starting provisioner windows-restart",
            "PACKER OUT     azure-arm: Waiting for machine to restart...",
        ]);
        let section = failing_provisioner(&timed_out).unwrap();
        assert_eq!(section.provisioner, "windows-restart");
        assert!(section.errors.is_empty());
    }

    #[test]
    fn errors_before_any_provisioner_or_a_log_without_one_give_none() {
        assert_eq!(failing_provisioner(""), None);
        let early = log(&[
            "PACKER OUT ==> azure-arm: ERROR: -> InvalidTemplateDeployment : policy violation",
            "PACKER OUT ==> Some builds didn't complete successfully and had errors:",
        ]);
        assert_eq!(failing_provisioner(&early), None);
        let finished = log(&[
            "PACKER ERR (telemetry) Starting provisioner shell",
            "PACKER ERR (telemetry) ending shell",
            "PACKER ERR (telemetry) Finalizing. - This means the build has finished",
            "PACKER OUT ==> azure-arm: ERROR: -> capture failed",
        ]);
        let section = failing_provisioner(&finished).unwrap();
        assert_eq!(section.lines.len(), 2, "the section stops at its ending");
        assert_eq!(section.errors.len(), 1);
    }
}
