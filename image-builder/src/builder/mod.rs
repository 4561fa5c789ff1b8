//! [`ImageTemplateBuilder`]: a typed image template that is checked, before any request, against
//! what Azure would refuse.

mod checks;
mod rules;
mod source;
mod steps;
mod targets;
mod vm_profile;

pub use rules::{MAX_BUILD_TIMEOUT_MINUTES, MIN_BUILD_TIMEOUT_MINUTES, validate_template, validate_template_name};

use crate::error::Error;
use crate::model::{
    DataDisk, ErrorHandling, ImageTemplate, ImageTemplateAutoRun, ImageTemplateCustomizer, ImageTemplateDistributor,
    ImageTemplateIdentity, ImageTemplateInVmValidator, ImageTemplateProperties, ImageTemplateSource,
    ImageTemplateVmProfile, Optimize, Validate,
};
use std::collections::BTreeMap;

/// Builds an [`ImageTemplate`] and checks it with [`validate_template`] in
/// [`build`](Self::build), so that a template Azure would refuse costs no request.
///
/// Start from [`new`](Self::new) (a name and a region), or from a whole template (a template
/// file) with [`from_template`](Self::from_template), whose read-only fields are dropped.
///
/// ```
/// use image_builder::ImageTemplateBuilder;
/// use image_builder::model::{PlatformImageSource, ShellScript, VhdDistributor};
///
/// let error = ImageTemplateBuilder::new("t_1700000000000", "westeurope")
///     .identity("/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aib")
///     .source(PlatformImageSource::new("Canonical", "ubuntu-24_04-lts", "server", "latest"))
///     .customize(ShellScript::inline("setup", ["echo hello"]))
///     .distribute(VhdDistributor { run_output_name: "vhd".into(), ..Default::default() })
///     .build_timeout_in_minutes(5)
///     .build()
///     .unwrap_err();
/// assert_eq!(
///     error.to_string(),
///     "invalid properties.buildTimeoutInMinutes: 5 is out of range; expected 0 (the default, 240) or 6 to 960"
/// );
/// ```
#[derive(Clone, Debug)]
pub struct ImageTemplateBuilder {
    name: String,
    location: String,
    tags: Option<BTreeMap<String, String>>,
    identity: Option<ImageTemplateIdentity>,
    source: Option<ImageTemplateSource>,
    customize: Vec<ImageTemplateCustomizer>,
    optimize: Option<Optimize>,
    validate: Option<Validate>,
    distribute: Vec<ImageTemplateDistributor>,
    error_handling: Option<ErrorHandling>,
    build_timeout_in_minutes: Option<u32>,
    vm_profile: Option<ImageTemplateVmProfile>,
    additional_data_disks: Option<Vec<DataDisk>>,
    staging_resource_group: Option<String>,
    auto_run: Option<ImageTemplateAutoRun>,
    managed_resource_tags: Option<BTreeMap<String, String>>,
}

impl ImageTemplateBuilder {
    /// A template named `name` (checked in [`build`](Self::build)) that builds in `location`.
    pub fn new(name: impl Into<String>, location: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            location: location.into(),
            tags: None,
            identity: None,
            source: None,
            customize: Vec::new(),
            optimize: None,
            validate: None,
            distribute: Vec::new(),
            error_handling: None,
            build_timeout_in_minutes: None,
            vm_profile: None,
            additional_data_disks: None,
            staging_resource_group: None,
            auto_run: None,
            managed_resource_tags: None,
        }
    }

    /// A builder holding the whole `template` (e.g. read from a template file), to be named
    /// `name`; the fields Azure sets (`id`, `type`, `systemData`, provisioning and run state,
    /// `exactStagingResourceGroup`, `exactVersion`) are dropped.
    pub fn from_template(name: impl Into<String>, template: ImageTemplate) -> Self {
        let ImageTemplate {
            location,
            tags,
            identity,
            properties,
            ..
        } = template;
        let identity = identity.map(|identity| ImageTemplateIdentity {
            user_assigned_identities: identity
                .user_assigned_identities
                .map(|ids| ids.into_keys().map(|id| (id, Default::default())).collect()),
            ..identity
        });
        let ImageTemplateProperties {
            mut source,
            customize,
            optimize,
            validate,
            distribute,
            error_handling,
            build_timeout_in_minutes,
            vm_profile,
            additional_data_disks,
            staging_resource_group,
            auto_run,
            managed_resource_tags,
            provisioning_state: _,
            provisioning_error: _,
            last_run_status: _,
            exact_staging_resource_group: _,
        } = properties;
        match &mut source {
            ImageTemplateSource::PlatformImage(image) => image.exact_version = None,
            ImageTemplateSource::SharedImageVersion(image) => image.exact_version = None,
            _ => {}
        }
        Self {
            name: name.into(),
            location,
            tags,
            identity,
            source: Some(source),
            customize: customize.unwrap_or_default(),
            optimize,
            validate,
            distribute,
            error_handling,
            build_timeout_in_minutes,
            vm_profile,
            additional_data_disks,
            staging_resource_group,
            auto_run,
            managed_resource_tags,
        }
    }

    /// The template's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Builds with the user-assigned identity `resource_id` (replacing any other).
    pub fn identity(mut self, resource_id: impl Into<String>) -> Self {
        self.identity = Some(ImageTemplateIdentity::user_assigned(resource_id));
        self
    }

    /// Adds the tag `name` = `value` to the template.
    pub fn tag(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.tags
            .get_or_insert_with(BTreeMap::new)
            .insert(name.into(), value.into());
        self
    }

    /// Starts from `source` (see also [`SourceImage`](crate::SourceImage)).
    pub fn source(mut self, source: impl Into<ImageTemplateSource>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// Appends a customization step.
    pub fn customize(mut self, step: impl Into<ImageTemplateCustomizer>) -> Self {
        self.customize.push(step.into());
        self
    }

    /// Inserts a customization step before all others (e.g. the File step that brings the
    /// build artifacts, so that the others can use them).
    pub fn customize_first(mut self, step: impl Into<ImageTemplateCustomizer>) -> Self {
        self.customize.insert(0, step.into());
        self
    }

    /// Sets the optimizations.
    pub fn optimize(mut self, optimize: Optimize) -> Self {
        self.optimize = Some(optimize);
        self
    }

    /// Sets the validation options (replacing validators added with
    /// [`in_vm_validation`](Self::in_vm_validation)).
    pub fn validate(mut self, validate: Validate) -> Self {
        self.validate = Some(validate);
        self
    }

    /// Appends a validation step run on a VM of the built image.
    pub fn in_vm_validation(mut self, step: impl Into<ImageTemplateInVmValidator>) -> Self {
        self.validate
            .get_or_insert_with(Validate::default)
            .in_vm_validations
            .get_or_insert_with(Vec::new)
            .push(step.into());
        self
    }

    /// Appends a distribution target.
    pub fn distribute(mut self, target: impl Into<ImageTemplateDistributor>) -> Self {
        self.distribute.push(target.into());
        self
    }

    /// Sets what happens to the build VM after an error.
    pub fn error_handling(mut self, error_handling: ErrorHandling) -> Self {
        self.error_handling = Some(error_handling);
        self
    }

    /// Sets the build timeout: 0 for Azure's default (240), else 6 to 960 minutes.
    pub fn build_timeout_in_minutes(mut self, minutes: u32) -> Self {
        self.build_timeout_in_minutes = Some(minutes);
        self
    }

    /// Sets the build VM (size, OS disk, identities, network).
    pub fn vm_profile(mut self, profile: ImageTemplateVmProfile) -> Self {
        self.vm_profile = Some(profile);
        self
    }

    /// Adds data disks to the image (api-version 2025-10-01 and later).
    pub fn additional_data_disks(mut self, disks: Vec<DataDisk>) -> Self {
        self.additional_data_disks = Some(disks);
        self
    }

    /// Builds in the resource group with id `resource_group_id` instead of one Azure creates.
    pub fn staging_resource_group(mut self, resource_group_id: impl Into<String>) -> Self {
        self.staging_resource_group = Some(resource_group_id.into());
        self
    }

    /// Sets whether the template runs by itself once created.
    pub fn auto_run(mut self, auto_run: ImageTemplateAutoRun) -> Self {
        self.auto_run = Some(auto_run);
        self
    }

    /// Adds the tag `name` = `value` to the resources Azure creates for the build.
    pub fn managed_resource_tag(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.managed_resource_tags
            .get_or_insert_with(BTreeMap::new)
            .insert(name.into(), value.into());
        self
    }

    /// The template, checked with [`validate_template`]: the first rule broken is the error, one
    /// line naming the input (by its JSON path) and the rule.
    pub fn build(self) -> Result<ImageTemplate, Error> {
        let Some(source) = self.source else {
            validate_template_name(&self.name)?;
            return Err(Error::invalid(
                "properties.source",
                "required: a PlatformImage, ManagedImage or SharedImageVersion source",
            ));
        };
        let mut properties = ImageTemplateProperties::new(source, self.distribute);
        properties.customize = (!self.customize.is_empty()).then_some(self.customize);
        properties.optimize = self.optimize;
        properties.validate = self.validate;
        properties.error_handling = self.error_handling;
        properties.build_timeout_in_minutes = self.build_timeout_in_minutes;
        properties.vm_profile = self.vm_profile;
        properties.additional_data_disks = self.additional_data_disks;
        properties.staging_resource_group = self.staging_resource_group;
        properties.auto_run = self.auto_run;
        properties.managed_resource_tags = self.managed_resource_tags;
        let template = ImageTemplate {
            id: None,
            name: None,
            resource_type: None,
            system_data: None,
            location: self.location,
            tags: self.tags,
            identity: self.identity,
            properties,
        };
        validate_template(&self.name, &template)?;
        Ok(template)
    }
}
