//! Azure Container Registry runs through the control API: scripted runs (a failure at a chosen
//! step, a run held `Running` until canceled). The settings live in the World, next to the runs
//! they act on, so that a seed's copy of the state carries them; the configuration's `[acr]`
//! section is their starting value.

use std::time::Instant;

use serde_json::{Value, json};

use super::{Control, ControlError};
use crate::config::{AcrConfig, AcrRunScript};
use crate::model::World;
use crate::model::acr::run::Scripted;
use crate::model::store::Stored;

/// The id the settings are kept under (not an ARM resource: no provider lists it).
const SETTINGS_ID: &str = "/providers/Microsoft.ContainerRegistry/emulatorSettings/default";

/// The ACR settings in effect.
#[derive(Clone, Debug, Default)]
pub(crate) struct AcrSettings(pub AcrConfig);

impl Stored for AcrSettings {
    fn id(&self) -> String {
        SETTINGS_ID.to_owned()
    }

    fn to_json(&self, _now: Instant) -> Value {
        json!({ "id": SETTINGS_ID, "scripts": self.0.scripts.len() })
    }
}

/// Puts `config` in effect in `world` (at start, from the configuration).
pub(crate) fn install(world: &mut World, config: &AcrConfig) {
    world
        .resources
        .get_mut::<AcrSettings>()
        .insert(AcrSettings(config.clone()));
}

/// The settings in effect in `world` (the defaults when none were installed).
pub(crate) fn settings(world: &World) -> AcrConfig {
    world
        .resources
        .get::<AcrSettings>()
        .and_then(|store| store.values().next())
        .map(|settings| settings.0.clone())
        .unwrap_or_default()
}

/// What the first script matching registry `registry` makes of a run scheduled now; a script
/// with a `runs` budget spends one run of it.
pub(crate) fn take_script(world: &mut World, registry: &str) -> Scripted {
    let mut config = settings(world);
    let Some(script) = config.scripts.iter_mut().find(|script| script.matches(registry)) else {
        return Scripted::default();
    };
    let scripted = Scripted {
        fail_at_step: script.failing_step(),
        message: script.message.clone(),
        hold: script.hold,
    };
    if let Some(runs) = script.runs.as_mut() {
        *runs -= 1;
        install(world, &config);
    }
    scripted
}

impl Control {
    /// Scripts the ACR runs scheduled from now on with `script` (the configuration's
    /// `[[acr.scripts]]` rule): its `registry` (registry name, any case; every registry when
    /// `None`), `fail_at_step` (1 is the first step) and `message` (what the failing step
    /// prints, and the run's `runErrorMessage`), `hold` (the run stays `Running` until
    /// canceled), `runs` (how many runs it applies to). The rule goes before the ones already
    /// set (the first matching rule applies); a rule the configuration would refuse is
    /// [`ControlError::Invalid`].
    pub fn script_acr_runs(&self, script: AcrRunScript) -> Result<(), ControlError> {
        let mut world = self.shared.write();
        let mut config = settings(&world);
        config.scripts.insert(0, script);
        config
            .validate("acr")
            .map_err(|error| ControlError::Invalid(error.to_string()))?;
        install(&mut world, &config);
        Ok(())
    }

    /// Removes every scripted ACR run (the configuration's included): runs scheduled from now
    /// on run as their request says.
    pub fn clear_acr_run_scripts(&self) {
        let mut world = self.shared.write();
        let mut config = settings(&world);
        config.scripts.clear();
        install(&mut world, &config);
    }
}

#[cfg(test)]
mod tests {
    use super::{install, settings, take_script};
    use crate::config::{AcrConfig, AcrRunScript};
    use crate::model::World;

    #[test]
    fn a_budgeted_script_is_spent_run_by_run() {
        let mut world = World::default();
        let config = AcrConfig {
            scripts: vec![AcrRunScript {
                registry: Some("reg".into()),
                message: Some("boom".into()),
                runs: Some(1),
                ..AcrRunScript::default()
            }],
            ..AcrConfig::default()
        };
        install(&mut world, &config);
        assert!(take_script(&mut world, "other").message.is_none());
        let first = take_script(&mut world, "REG");
        assert_eq!((first.fail_at_step, first.message.as_deref()), (Some(0), Some("boom")));
        assert!(take_script(&mut world, "reg").message.is_none());
        assert_eq!(settings(&world).scripts[0].runs, Some(0));
    }
}
