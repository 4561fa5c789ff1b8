//! The `[acr]` section: how long each step of an ACR run takes on the emulator's clock, and
//! scripted runs (a failure at a chosen step, a run that stays `Running` until canceled), which
//! the control API can also set ([`crate::Control::script_acr_runs`]).

use serde::Deserialize;

use crate::error::Error;

/// Longest step (one day), in milliseconds.
const MAX_STEP_MS: u64 = 86_400_000;

/// Azure Container Registry runs (`scheduleRun`, `runs`).
#[derive(Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct AcrConfig {
    /// How long each step of a run (a Dockerfile instruction, a push, a task step that runs no
    /// process) lasts on the emulator's clock, in milliseconds (default 200; a test moves the
    /// clock forward, or sets 0).
    pub step_ms: u64,
    /// Scripted runs: the first matching rule applies to a run when it is scheduled.
    pub scripts: Vec<AcrRunScript>,
}

impl Default for AcrConfig {
    fn default() -> Self {
        AcrConfig {
            step_ms: 200,
            scripts: Vec::new(),
        }
    }
}

/// A scripted run: what happens to the next runs of matching registries.
#[derive(Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct AcrRunScript {
    /// The registry name it applies to (any case); every registry when left out.
    pub registry: Option<String>,
    /// The run fails at this step (1 is the first: a Dockerfile's first instruction, a task's
    /// first step), with `message` in its log and `runErrorMessage`.
    pub fail_at_step: Option<usize>,
    /// The failure's message; the first step fails when only a message is given.
    pub message: Option<String>,
    /// The run stays `Running` until it is canceled (or reaches its timeout).
    pub hold: bool,
    /// How many runs it applies to before it is used up; every run when left out.
    pub runs: Option<u32>,
}

impl AcrRunScript {
    /// Whether it applies to the runs of registry `name`.
    pub(crate) fn matches(&self, name: &str) -> bool {
        self.registry.as_deref().is_none_or(|r| r.eq_ignore_ascii_case(name)) && self.runs != Some(0)
    }

    /// The step (0-based) the run fails at, if it fails.
    pub(crate) fn failing_step(&self) -> Option<usize> {
        match (self.fail_at_step, &self.message) {
            (Some(n), _) => Some(n.saturating_sub(1)),
            (None, Some(_)) => Some(0),
            (None, None) => None,
        }
    }
}

impl AcrConfig {
    /// Checks the ranges; `field` is this section's path.
    pub(crate) fn validate(&self, field: &str) -> Result<(), Error> {
        if self.step_ms > MAX_STEP_MS {
            return Err(Error::invalid(
                format!("{field}.step_ms"),
                "must be at most 86400000 (a day)",
            ));
        }
        for (index, script) in self.scripts.iter().enumerate() {
            if script.fail_at_step == Some(0) {
                return Err(Error::invalid(
                    format!("{field}.scripts[{index}].fail_at_step"),
                    "must be at least 1 (the first step)",
                ));
            }
            if script.registry.as_deref().is_some_and(str::is_empty) {
                return Err(Error::invalid(
                    format!("{field}.scripts[{index}].registry"),
                    "must not be empty",
                ));
            }
            if script.hold && script.failing_step().is_some() {
                return Err(Error::invalid(
                    format!("{field}.scripts[{index}].hold"),
                    "cannot be combined with fail_at_step or message (a held run ends only when canceled)",
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{AcrConfig, AcrRunScript};

    #[test]
    fn scripts_match_registries_and_name_their_step() {
        let script = AcrRunScript {
            registry: Some("MyReg".into()),
            message: Some("boom".into()),
            ..AcrRunScript::default()
        };
        assert!(script.matches("myreg"));
        assert!(!script.matches("other"));
        assert_eq!(script.failing_step(), Some(0));
        let used_up = AcrRunScript {
            runs: Some(0),
            ..AcrRunScript::default()
        };
        assert!(!used_up.matches("any"));
    }

    #[test]
    fn ranges_are_checked() {
        let zero = AcrConfig {
            scripts: vec![AcrRunScript {
                fail_at_step: Some(0),
                ..AcrRunScript::default()
            }],
            ..AcrConfig::default()
        };
        let error = zero.validate("acr").unwrap_err().to_string();
        assert!(error.contains("acr.scripts[0].fail_at_step"), "{error}");
        let both = AcrConfig {
            scripts: vec![AcrRunScript {
                hold: true,
                fail_at_step: Some(2),
                ..AcrRunScript::default()
            }],
            ..AcrConfig::default()
        };
        assert!(
            both.validate("acr")
                .unwrap_err()
                .to_string()
                .contains("acr.scripts[0].hold")
        );
        assert!(AcrConfig::default().validate("acr").is_ok());
    }
}
