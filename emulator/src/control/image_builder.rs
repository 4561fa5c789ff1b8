//! Azure VM Image Builder through the control API: scripted runs (a failure in a chosen
//! customizer, a cancel that never ends). The settings live in the World, next to the templates
//! they act on, so that a seed's copy of the state carries them; the configuration's
//! `[image_builder]` section is their starting value.

use std::time::Instant;

use serde_json::{Value, json};

use super::{Control, ControlError};
use crate::config::{ImageBuildScript, ImageBuilderConfig};
use crate::model::World;
use crate::model::store::Stored;

/// The id the settings are kept under (not an ARM resource: no provider lists it).
const SETTINGS_ID: &str = "/providers/Microsoft.VirtualMachineImages/emulatorSettings/default";

/// The Image Builder settings in effect.
#[derive(Clone, Debug, Default)]
pub(crate) struct ImageBuilderSettings(pub ImageBuilderConfig);

impl Stored for ImageBuilderSettings {
    fn id(&self) -> String {
        SETTINGS_ID.to_owned()
    }

    fn to_json(&self, _now: Instant) -> Value {
        json!({ "id": SETTINGS_ID, "scripts": self.0.scripts.len() })
    }
}

/// Puts `config` in effect in `world` (at start, from the configuration).
pub(crate) fn install(world: &mut World, config: &ImageBuilderConfig) {
    world
        .resources
        .get_mut::<ImageBuilderSettings>()
        .insert(ImageBuilderSettings(config.clone()));
}

/// The settings in effect in `world` (the defaults when none were installed).
pub(crate) fn settings(world: &World) -> ImageBuilderConfig {
    world
        .resources
        .get::<ImageBuilderSettings>()
        .and_then(|store| store.values().next())
        .map(|settings| settings.0.clone())
        .unwrap_or_default()
}

impl Control {
    /// Scripts the runs of image templates that start from now on with `script` (the
    /// configuration's `[[image_builder.scripts]]` rule): its `template` (any case; every
    /// template when `None`), `fail_in_customizer` (1 is the first customizer) or `message` (the
    /// error the failing customizer prints in `customization.log`; the first customizer fails
    /// when only a message is given), `stuck_canceling` (a cancel of the run never ends). The
    /// rule goes before the ones already set (the first matching rule applies); a rule the
    /// configuration would refuse is [`ControlError::Invalid`].
    pub fn script_image_builds(&self, script: ImageBuildScript) -> Result<(), ControlError> {
        let mut world = self.shared.write();
        let mut config = settings(&world);
        config.scripts.insert(0, script);
        config
            .validate("image_builder")
            .map_err(|error| ControlError::Invalid(error.to_string()))?;
        install(&mut world, &config);
        Ok(())
    }

    /// Removes every scripted Image Builder run (the configuration's included): runs started
    /// from now on succeed, and cancels end.
    pub fn clear_image_build_scripts(&self) {
        let mut world = self.shared.write();
        let mut config = settings(&world);
        config.scripts.clear();
        install(&mut world, &config);
    }
}
