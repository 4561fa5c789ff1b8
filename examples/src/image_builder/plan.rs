//! `build`'s flags turned into the template to submit and the rest of the request, every
//! input checked before anything is contacted: each refusal is one line naming the flag (or
//! the template file) and the rule. The template's own rules are the crate's
//! ([`ImageTemplateBuilder::build`]), their JSON path mapped back to the flag that set it.

use super::args::{BuildArgs, Cleanup, Distribute, Provisioner, Sas};
use super::storage_account::AccountRef;
use image_builder::artifacts::ArchiveFormat;
use image_builder::flow::{CleanupPolicy, generated_template_name};
use image_builder::model::{
    ImageTemplate, ImageTemplateCustomizer, ImageTemplateDistributor, ImageTemplateIdentity, ImageTemplateProperties,
    ManagedImageDistributor, PowerShellScript, SharedImageDistributor, ShellScript, TargetRegion, VhdDistributor,
    WindowsUpdate,
};
use image_builder::runs::RunWaitOptions;
use image_builder::{ImageTemplateBuilder, SourceImage};
use std::path::PathBuf;
use std::time::Duration;

/// The longest `--poll-interval`.
const MAX_POLL_INTERVAL: Duration = Duration::from_secs(600);
/// The longest `--max-wait`: the longest build timeout (960 minutes) plus the margin.
const MAX_WAIT: Duration = Duration::from_secs((960 + 60) * 60);
/// The run output name of the one target the flags make.
const RUN_OUTPUT: &str = "image";

/// What `build` will do.
#[derive(Debug)]
pub(super) struct Plan {
    /// The template name, `t_<13 digits>`.
    pub name: String,
    /// The template's resource group.
    pub resource_group: String,
    /// The template, checked (without the package steps, added after the upload).
    pub template: ImageTemplate,
    /// The package folder.
    pub package: Option<PathBuf>,
    /// Its storage account.
    pub account: Option<AccountRef>,
    /// Its archive format.
    pub format: ArchiveFormat,
    /// Whether the build VM reads it with a user-delegation SAS.
    pub sas: bool,
    /// What is deleted at the end.
    pub cleanup: CleanupPolicy,
    /// How the run is waited for: bounded by the build timeout, read at most every
    /// `--poll-interval`.
    pub wait: RunWaitOptions,
}

/// Checks every flag of `args` (reading only local files) and makes the plan for
/// `subscription`; an error is one line naming the input.
pub(super) fn plan(args: &BuildArgs, subscription: &str) -> Result<Plan, String> {
    arm_core::resource_groups::validate_name(&args.resource_group)
        .map_err(|e| format!("--resource-group: {}", one_line(&e)))?;
    let (package, account) = package(args)?;
    let mut template = base_template(args)?;
    if let Some(location) = &args.location {
        template.location = location.clone();
    }
    if let Some(identity) = &args.identity {
        template.identity = Some(ImageTemplateIdentity::user_assigned(identity.trim()));
    }
    if let Some(source) = &args.source {
        template.properties.source = parse_source(source)?;
    }
    let steps = customizers(args)?;
    template.properties.customize.get_or_insert_with(Vec::new).extend(steps);
    if let Some(target) = distributor(args, &template.location)? {
        template.properties.distribute = vec![target];
    } else if template.properties.distribute.is_empty() {
        return Err(
            "--distribute: required: managed-image, gallery or vhd (or a --template-file with distribute)".to_owned(),
        );
    }
    vm_settings(args, subscription, &mut template.properties)?;
    let interval = arm_core::parse_duration("--poll-interval", &args.poll_interval, MAX_POLL_INTERVAL)
        .map_err(|e| e.to_string())?;
    let mut wait = RunWaitOptions::for_build_timeout(template.properties.build_timeout_in_minutes.unwrap_or(0));
    wait.waiter.max_delay = interval;
    wait.waiter.min_delay = wait.waiter.min_delay.min(interval);
    if let Some(max_wait) = &args.max_wait {
        wait.waiter.max_wait = arm_core::parse_duration("--max-wait", max_wait, MAX_WAIT).map_err(|e| e.to_string())?;
    }
    let name = generated_template_name();
    let template = ImageTemplateBuilder::from_template(name.clone(), template)
        .build()
        .map_err(|e| template_error(args, &e))?;
    Ok(Plan {
        name,
        resource_group: args.resource_group.clone(),
        template,
        package,
        account,
        format: match args.provisioner {
            Provisioner::Shell => ArchiveFormat::TarGz,
            Provisioner::Powershell => ArchiveFormat::Zip,
        },
        sas: args.sas == Sas::UserDelegation,
        cleanup: match args.cleanup {
            Cleanup::OnSuccess => CleanupPolicy::OnSuccess,
            Cleanup::Always => CleanupPolicy::Always,
            Cleanup::Never => CleanupPolicy::Never,
        },
        wait,
    })
}

/// The package folder and its storage account: both or neither.
fn package(args: &BuildArgs) -> Result<(Option<PathBuf>, Option<AccountRef>), String> {
    if let Some(folder) = args.package_path.as_ref().filter(|f| !f.is_dir()) {
        return Err(format!("--package-path: '{}' is not a folder", folder.display()));
    }
    match (&args.package_path, &args.storage_account) {
        (None, None) => Ok((None, None)),
        (Some(_), None) => {
            Err("--storage-account: required with --package-path (the package is uploaded there)".to_owned())
        }
        (None, Some(_)) => Err("--storage-account: only used with --package-path".to_owned()),
        (Some(folder), Some(account)) => Ok((Some(folder.clone()), Some(AccountRef::parse(account)?))),
    }
}

/// The template file's template, or an empty one on `--source`.
fn base_template(args: &BuildArgs) -> Result<ImageTemplate, String> {
    if let Some(path) = &args.template_file {
        let at = format!("--template-file: {}", path.display());
        let text = std::fs::read_to_string(path).map_err(|e| format!("{at}: cannot read it: {e}"))?;
        return serde_json::from_str(&text).map_err(|e| format!("{at}: not an image template: {e}"));
    }
    let source = args.source.as_deref().ok_or_else(|| {
        "--source: required: Publisher:Offer:Sku[:Version], a managed image id or a gallery image version id (or a --template-file)".to_owned()
    })?;
    let location = args.location.clone().ok_or_else(|| {
        "--location: required: the region of the build, e.g. westeurope (or a --template-file)".to_owned()
    })?;
    Ok(ImageTemplate {
        id: None,
        name: None,
        resource_type: None,
        system_data: None,
        location,
        tags: None,
        identity: None,
        properties: ImageTemplateProperties::new(parse_source(source)?, Vec::new()),
    })
}

fn parse_source(source: &str) -> Result<image_builder::model::ImageTemplateSource, String> {
    SourceImage::parse(source)
        .map(SourceImage::into_source)
        .map_err(|e| format!("--source: {e}"))
}

/// The inline script (text or `@file`) and Windows Update, as the provisioner says.
fn customizers(args: &BuildArgs) -> Result<Vec<ImageTemplateCustomizer>, String> {
    let mut steps = Vec::new();
    if let Some(script) = &args.inline_script {
        let text = match script.strip_prefix('@') {
            Some(file) => {
                std::fs::read_to_string(file).map_err(|e| format!("--inline-script: cannot read '{file}': {e}"))?
            }
            None => script.clone(),
        };
        let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        if lines.is_empty() {
            return Err("--inline-script: the script is empty".to_owned());
        }
        steps.push(match args.provisioner {
            Provisioner::Shell => ShellScript::inline("inline script", lines).into(),
            Provisioner::Powershell => PowerShellScript::inline("inline script", lines).into(),
        });
    }
    if args.windows_update {
        if args.provisioner != Provisioner::Powershell {
            return Err("--windows-update: only with --provisioner powershell (Windows images)".to_owned());
        }
        steps.push(WindowsUpdate::devops_task_default().into());
    }
    Ok(steps)
}

/// The target `--distribute` names, with the flags that only it takes.
fn distributor(args: &BuildArgs, location: &str) -> Result<Option<ImageTemplateDistributor>, String> {
    let only = |flag: &str, kind: &str| format!("{flag}: only with --distribute {kind}");
    if args.image_id.is_some() && args.distribute != Some(Distribute::ManagedImage) {
        return Err(only("--image-id", "managed-image"));
    }
    if args.gallery_image_id.is_some() && args.distribute != Some(Distribute::Gallery) {
        return Err(only("--gallery-image-id", "gallery"));
    }
    if !args.replication_regions.is_empty() && args.distribute != Some(Distribute::Gallery) {
        return Err(only("--replication-regions", "gallery"));
    }
    let target: ImageTemplateDistributor = match args.distribute {
        None => return Ok(None),
        Some(Distribute::ManagedImage) => ManagedImageDistributor {
            run_output_name: RUN_OUTPUT.to_owned(),
            image_id: args.image_id.clone().ok_or(
                "--image-id: required with --distribute managed-image: the resource id of the image to create",
            )?,
            location: location.to_owned(),
            artifact_tags: None,
        }
        .into(),
        Some(Distribute::Gallery) => {
            let regions = if args.replication_regions.is_empty() {
                vec![location.to_owned()]
            } else {
                args.replication_regions.iter().map(|r| r.trim().to_owned()).collect()
            };
            if let Some(empty) = regions.iter().position(String::is_empty) {
                return Err(format!("--replication-regions: region {} is empty", empty + 1));
            }
            SharedImageDistributor {
                run_output_name: RUN_OUTPUT.to_owned(),
                gallery_image_id: args.gallery_image_id.clone().ok_or(
                    "--gallery-image-id: required with --distribute gallery: the resource id of the image definition",
                )?,
                target_regions: Some(regions.into_iter().map(TargetRegion::new).collect()),
                ..SharedImageDistributor::default()
            }
            .into()
        }
        Some(Distribute::Vhd) => VhdDistributor {
            run_output_name: RUN_OUTPUT.to_owned(),
            ..VhdDistributor::default()
        }
        .into(),
    };
    Ok(Some(target))
}

/// VM size, OS disk, network, build timeout and staging group.
fn vm_settings(args: &BuildArgs, subscription: &str, properties: &mut ImageTemplateProperties) -> Result<(), String> {
    if args.vm_size.is_some() || args.os_disk_size.is_some() || args.subnet_id.is_some() || args.aci_subnet_id.is_some()
    {
        let profile = properties.vm_profile.get_or_insert_with(Default::default);
        if let Some(size) = &args.vm_size {
            profile.vm_size = Some(size.trim().to_owned());
        }
        if let Some(gb) = args.os_disk_size {
            profile.os_disk_size_gb = Some(gb);
        }
        if args.subnet_id.is_some() || args.aci_subnet_id.is_some() {
            let vnet = profile.vnet_config.get_or_insert_with(Default::default);
            if let Some(subnet) = &args.subnet_id {
                vnet.subnet_id = Some(subnet.trim().to_owned());
            }
            if let Some(subnet) = &args.aci_subnet_id {
                vnet.container_instance_subnet_id = Some(subnet.trim().to_owned());
            }
        }
    }
    if let Some(minutes) = args.build_timeout {
        properties.build_timeout_in_minutes = Some(minutes);
    }
    if let Some(group) = &args.staging_resource_group {
        let group = group.trim();
        properties.staging_resource_group = Some(if group.starts_with('/') {
            group.to_owned()
        } else {
            arm_core::resource_groups::validate_name(group)
                .map_err(|e| format!("--staging-resource-group: {}", one_line(&e)))?;
            arm_core::ResourceId::resource_group_id(subscription, group).to_string()
        });
    }
    Ok(())
}

/// The flag that sets each part of the template, most specific first.
const FIELD_FLAGS: &[(&str, &str)] = &[
    (
        "properties.vmProfile.vnetConfig.containerInstanceSubnetId",
        "--aci-subnet-id",
    ),
    ("properties.vmProfile.vnetConfig.subnetId", "--subnet-id"),
    ("properties.vmProfile.vmSize", "--vm-size"),
    ("properties.vmProfile.osDiskSizeGB", "--os-disk-size"),
    ("properties.buildTimeoutInMinutes", "--build-timeout"),
    ("properties.stagingResourceGroup", "--staging-resource-group"),
    (".imageId", "--image-id"),
    (".galleryImageId", "--gallery-image-id"),
    (".targetRegions", "--replication-regions"),
    ("properties.distribute", "--distribute"),
    ("properties.customize", "--inline-script"),
    ("properties.source", "--source"),
    ("identity", "--identity"),
    ("location", "--location"),
];

/// A refusal of the crate's template rules, naming the flag that set the field; the template
/// file when no flag did.
fn template_error(args: &BuildArgs, error: &image_builder::Error) -> String {
    let image_builder::Error::InvalidInput { field, .. } = error else {
        return error.to_string();
    };
    let flag = FIELD_FLAGS
        .iter()
        .find(|(path, _)| field.starts_with(path) || (path.starts_with('.') && field.contains(path)))
        .map(|(_, flag)| *flag);
    let given = |flag: &str| match flag {
        "--aci-subnet-id" => args.aci_subnet_id.is_some(),
        "--subnet-id" => args.subnet_id.is_some(),
        "--vm-size" => args.vm_size.is_some(),
        "--os-disk-size" => args.os_disk_size.is_some(),
        "--build-timeout" => args.build_timeout.is_some(),
        "--staging-resource-group" => args.staging_resource_group.is_some(),
        "--image-id" => args.image_id.is_some(),
        "--gallery-image-id" => args.gallery_image_id.is_some(),
        "--replication-regions" => !args.replication_regions.is_empty(),
        "--distribute" => args.distribute.is_some(),
        "--inline-script" => args.inline_script.is_some() || args.windows_update,
        "--source" => args.source.is_some(),
        "--identity" => args.identity.is_some(),
        "--location" => args.location.is_some(),
        _ => false,
    };
    match (flag, &args.template_file) {
        (Some(flag), _) if given(flag) => format!("{flag}: {error}"),
        (_, Some(file)) => format!("--template-file: {}: {error}", file.display()),
        (Some(flag), None) => format!("{flag}: {error}"),
        (None, None) => error.to_string(),
    }
}

/// An arm-core input error without its own prefix.
fn one_line(error: &arm_core::Error) -> String {
    match error {
        arm_core::Error::InvalidInput { message, .. } => message.clone(),
        other => other.to_string(),
    }
}
