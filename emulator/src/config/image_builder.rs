//! The `[image_builder]` section: how long each phase of an Azure VM Image Builder run takes on
//! the emulator's clock, which form the location of a failed build's `customization.log` takes
//! in its messages, and scripted runs (a failure in a chosen customizer, a cancel that never
//! ends), which the control API can also set ([`crate::Control::script_image_builds`]).

use serde::Deserialize;

use crate::error::Error;

/// Longest phase of a run (one day), in milliseconds.
const MAX_PHASE_MS: u64 = 86_400_000;

/// Azure VM Image Builder (`Microsoft.VirtualMachineImages/imageTemplates`).
#[derive(Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct ImageBuilderConfig {
    /// How long each `runSubState` (Queued, Building, Customizing, Validating, Optimizing,
    /// Distributing) and a cancel last, in milliseconds; `operation_duration_ms` when left out.
    pub phase_ms: Option<u64>,
    /// The form of the log location in a failed run's message: `blob` (the default), the log's
    /// URL on the staging account's Blob endpoint, or `arm`, its ARM path
    /// (`/subscriptions/.../containers/packerlogs/<guid>/customization.log`). Azure has used both.
    pub log_location: LogLocation,
    /// Scripted runs, the first matching rule applies to a run when it starts.
    pub scripts: Vec<ImageBuildScript>,
}

/// Where a failed run's message says its `customization.log` is.
#[derive(Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogLocation {
    /// `https://<blob endpoint of the staging account>/packerlogs/<guid>/customization.log`, in
    /// the older message ("... Image Build log location: <url>. OperationId: ...").
    #[default]
    Blob,
    /// `/subscriptions/.../storageAccounts/<account>/blobServices/default/containers/packerlogs/<guid>/customization.log`,
    /// in the newer message ("... Packer build logs are at location <path>. ...").
    Arm,
}

/// A scripted run: what happens to the runs of matching templates.
#[derive(Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct ImageBuildScript {
    /// The template name it applies to (any case); every template when left out.
    pub template: Option<String>,
    /// The run fails in this customizer (1 is the first of `customize`).
    pub fail_in_customizer: Option<usize>,
    /// The error the failing customizer prints in `customization.log`; a failure in the first
    /// customizer when `fail_in_customizer` is left out.
    pub message: Option<String>,
    /// A cancel of the run stays `Canceling` for ever (as users report of Azure).
    pub stuck_canceling: bool,
}

impl ImageBuildScript {
    /// Whether it applies to the runs of template `name`.
    pub(crate) fn matches(&self, name: &str) -> bool {
        self.template.as_deref().is_none_or(|t| t.eq_ignore_ascii_case(name))
    }

    /// The customizer (0-based) the run fails in, if it fails.
    pub(crate) fn failing_customizer(&self) -> Option<usize> {
        match (self.fail_in_customizer, &self.message) {
            (Some(n), _) => Some(n.saturating_sub(1)),
            (None, Some(_)) => Some(0),
            (None, None) => None,
        }
    }
}

impl ImageBuilderConfig {
    /// Checks the ranges; `field` is this section's path.
    pub(crate) fn validate(&self, field: &str) -> Result<(), Error> {
        if self.phase_ms.is_some_and(|ms| ms > MAX_PHASE_MS) {
            return Err(Error::invalid(
                format!("{field}.phase_ms"),
                "must be at most 86400000 (a day)",
            ));
        }
        for (index, script) in self.scripts.iter().enumerate() {
            if script.fail_in_customizer == Some(0) {
                return Err(Error::invalid(
                    format!("{field}.scripts[{index}].fail_in_customizer"),
                    "must be at least 1 (the first customizer)",
                ));
            }
            if script.template.as_deref().is_some_and(str::is_empty) {
                return Err(Error::invalid(
                    format!("{field}.scripts[{index}].template"),
                    "must not be empty",
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{ImageBuildScript, ImageBuilderConfig};

    #[test]
    fn scripts_match_names_and_name_their_customizer() {
        let script = ImageBuildScript {
            template: Some("T_1".into()),
            message: Some("boom".into()),
            ..ImageBuildScript::default()
        };
        assert!(script.matches("t_1"));
        assert!(!script.matches("t_2"));
        assert_eq!(script.failing_customizer(), Some(0));
        let third = ImageBuildScript {
            fail_in_customizer: Some(3),
            ..ImageBuildScript::default()
        };
        assert!(third.matches("any"));
        assert_eq!(third.failing_customizer(), Some(2));
        assert_eq!(ImageBuildScript::default().failing_customizer(), None);
    }

    #[test]
    fn ranges_are_checked() {
        let zero = ImageBuilderConfig {
            scripts: vec![ImageBuildScript {
                fail_in_customizer: Some(0),
                ..ImageBuildScript::default()
            }],
            ..ImageBuilderConfig::default()
        };
        let error = zero.validate("image_builder").unwrap_err().to_string();
        assert!(error.contains("image_builder.scripts[0].fail_in_customizer"), "{error}");
        let long = ImageBuilderConfig {
            phase_ms: Some(86_400_001),
            ..ImageBuilderConfig::default()
        };
        assert!(long.validate("image_builder").is_err());
        assert!(ImageBuilderConfig::default().validate("image_builder").is_ok());
    }
}
