//! The template builder: what Azure accepts builds (the official examples included), and each
//! configuration Azure would refuse is refused before any request, in one line that names the
//! input and the rule.

use image_builder::model::{
    DistributeVersioner, FileDownload, ImageTemplate, ImageTemplateDistributor, ImageTemplateIdentity,
    ImageTemplateSource, ImageTemplateVmProfile, LatestVersioner, ManagedImageDistributor, ManagedImageSource,
    PlatformImagePurchasePlan, PlatformImageSource, PowerShellScript, SharedImageDistributor,
    SharedImageStorageAccountType, SharedImageVersionSource, ShellScript, TargetRegion, Validate, VhdDistributor,
    VirtualNetworkConfig, WindowsRestart,
};
use image_builder::{Error, ImageTemplateBuilder, SourceImage, validate_template};
use serde_json::{Value, json};
use std::path::PathBuf;

const SUB: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg";
const SHA: &str = "6b5e5c0a1f3e8b2d4c7a9e0f1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e";

fn identity_id(name: &str) -> String {
    format!("{SUB}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}")
}

fn subnet(vnet: &str, name: &str) -> String {
    format!("{SUB}/providers/Microsoft.Network/virtualNetworks/{vnet}/subnets/{name}")
}

fn gallery_image() -> String {
    format!("{SUB}/providers/Microsoft.Compute/galleries/g/images/app")
}

fn managed_target(run_output_name: &str) -> ManagedImageDistributor {
    ManagedImageDistributor {
        run_output_name: run_output_name.into(),
        artifact_tags: None,
        image_id: format!("{SUB}/providers/Microsoft.Compute/images/app"),
        location: "westeurope".into(),
    }
}

fn gallery_target() -> SharedImageDistributor {
    SharedImageDistributor {
        run_output_name: "gallery".into(),
        gallery_image_id: gallery_image(),
        target_regions: Some(vec![TargetRegion::new("westeurope")]),
        ..Default::default()
    }
}

/// A template Azure accepts, which each case below breaks in one way.
fn valid() -> ImageTemplateBuilder {
    ImageTemplateBuilder::new("t_1700000000000", "westeurope")
        .identity(identity_id("aib"))
        .tag("createdBy", "image-builder")
        .source(
            SourceImage::parse("Canonical:ubuntu-24_04-lts:server")
                .unwrap()
                .into_source(),
        )
        .customize(ShellScript::inline("setup", ["sudo apt-get update"]))
        .distribute(managed_target("image"))
        .distribute(gallery_target())
        .build_timeout_in_minutes(120)
}

fn refused(builder: ImageTemplateBuilder) -> String {
    let error = builder
        .build()
        .expect_err("the builder accepted a template Azure refuses");
    assert!(matches!(error, Error::InvalidInput { .. }), "{error:?}");
    let message = error.to_string();
    assert!(!message.contains('\n'), "not one line: {message}");
    message
}

#[test]
fn a_valid_template_builds_into_the_json_azure_expects() {
    let template = valid()
        .customize_first(FileDownload::new(
            "artifacts",
            "https://contoso.blob.core.windows.net/imagebuilder/app.tar.gz",
            "/tmp/app.tar.gz",
        ))
        .vm_profile(ImageTemplateVmProfile {
            vm_size: Some("Standard_D2ds_v4".into()),
            vnet_config: Some(VirtualNetworkConfig {
                subnet_id: Some(subnet("vnet", "build")),
                container_instance_subnet_id: Some(subnet("vnet", "aci")),
                proxy_vm_size: None,
            }),
            ..Default::default()
        })
        .build()
        .unwrap();
    let body = serde_json::to_value(&template).unwrap();
    assert_eq!(
        body["identity"]["userAssignedIdentities"],
        json!({ identity_id("aib"): {} })
    );
    assert_eq!(body["properties"]["customize"][0]["type"], "File");
    assert_eq!(body["properties"]["customize"][1]["type"], "Shell");
    assert_eq!(body["properties"]["source"]["version"], "latest");
    assert_eq!(
        body["properties"]["distribute"][1]["targetRegions"],
        json!([{ "name": "westeurope" }])
    );
    assert_eq!(body["properties"]["buildTimeoutInMinutes"], 120);
    assert!(body.get("id").is_none() && body["properties"].get("provisioningState").is_none());
}

fn example_template(file: &str) -> ImageTemplate {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/api-examples/imagebuilder")
        .join(file);
    let example: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    serde_json::from_value(example["parameters"]["parameters"].clone()).unwrap()
}

#[test]
fn the_official_create_examples_pass() {
    for file in ["CreateImageTemplateLinux.json", "CreateImageTemplateWindows.json"] {
        let template = example_template(file);
        validate_template("myImageTemplate", &template).unwrap_or_else(|e| panic!("{file}: {e}"));
        let rebuilt = ImageTemplateBuilder::from_template("myImageTemplate", template.clone())
            .build()
            .unwrap();
        assert_eq!(rebuilt, template, "{file}: from_template changed a request");
    }
}

#[test]
fn from_template_drops_what_azure_sets() {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/api-examples/imagebuilder/GetImageTemplate.json");
    let example: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut answer: ImageTemplate = serde_json::from_value(example["responses"]["200"]["body"].clone()).unwrap();
    answer.properties.last_run_status = Some(Default::default());
    answer.properties.exact_staging_resource_group = Some(format!("{SUB}x"));
    answer.identity = Some(ImageTemplateIdentity::user_assigned(identity_id("aib")));
    answer
        .identity
        .as_mut()
        .unwrap()
        .user_assigned_identities
        .as_mut()
        .unwrap()
        .values_mut()
        .for_each(|v| v.client_id = Some("00000000-0000-0000-0000-000000000001".into()));
    let rebuilt = ImageTemplateBuilder::from_template("copy", answer).build().unwrap();
    let body = serde_json::to_value(&rebuilt).unwrap();
    for read_only in ["id", "name", "type", "systemData"] {
        assert!(body.get(read_only).is_none(), "{read_only} kept: {body}");
    }
    for read_only in [
        "lastRunStatus",
        "exactStagingResourceGroup",
        "provisioningState",
        "provisioningError",
    ] {
        assert!(body["properties"].get(read_only).is_none(), "{read_only} kept: {body}");
    }
    assert_eq!(
        body["identity"]["userAssignedIdentities"],
        json!({ identity_id("aib"): {} })
    );
}

/// One invalid configuration per rule: the builder, and the exact line it must be refused with.
fn invalid_configurations() -> Vec<(&'static str, ImageTemplateBuilder, String)> {
    let ps = |run_elevated, run_as_system| PowerShellScript {
        run_elevated,
        run_as_system,
        ..PowerShellScript::inline("elevated", ["Write-Host hi"])
    };
    vec![
        (
            "name with a space",
            ImageTemplateBuilder::from_template("my template", valid().build().unwrap()),
            "invalid name: 'my template' does not match ^[A-Za-z0-9-_.]{1,64}$ (1 to 64 letters, digits, '-', '_', '.')".into(),
        ),
        (
            "name of 65 characters",
            ImageTemplateBuilder::from_template("a".repeat(65), valid().build().unwrap()),
            format!("invalid name: '{}' does not match ^[A-Za-z0-9-_.]{{1,64}}$ (1 to 64 letters, digits, '-', '_', '.')", "a".repeat(65)),
        ),
        (
            "no location",
            ImageTemplateBuilder::from_template("t", ImageTemplate { location: " ".into(), ..valid().build().unwrap() }),
            "invalid location: required: the region the build runs in, e.g. westeurope".into(),
        ),
        (
            "no identity",
            ImageTemplateBuilder::from_template("t", ImageTemplate { identity: None, ..valid().build().unwrap() }),
            "invalid identity: required: one user-assigned managed identity (Image Builder builds with it)".into(),
        ),
        (
            "two identities",
            {
                let mut template = valid().build().unwrap();
                let ids = template.identity.as_mut().unwrap().user_assigned_identities.as_mut().unwrap();
                ids.insert(identity_id("second"), Default::default());
                ImageTemplateBuilder::from_template("t", template)
            },
            "invalid identity.userAssignedIdentities: found 2 identities; Image Builder takes exactly one user-assigned identity".into(),
        ),
        (
            "identity that is no user-assigned identity",
            valid().identity(format!("{SUB}/providers/Microsoft.Compute/images/app")),
            format!("invalid identity.userAssignedIdentities: '{SUB}/providers/Microsoft.Compute/images/app' is a Microsoft.Compute/images id; expected a Microsoft.ManagedIdentity/userAssignedIdentities id"),
        ),
        (
            "no source",
            {
                let mut builder = ImageTemplateBuilder::new("t", "westeurope").identity(identity_id("aib"));
                builder = builder.distribute(managed_target("image"));
                builder
            },
            "invalid properties.source: required: a PlatformImage, ManagedImage or SharedImageVersion source".into(),
        ),
        (
            "platform image without sku",
            valid().source(PlatformImageSource { sku: None, ..PlatformImageSource::new("Canonical", "ubuntu", "x", "latest") }),
            "invalid properties.source.sku: required: a PlatformImage source names publisher, offer, sku and version ('latest' for the newest)".into(),
        ),
        (
            "purchase plan without product",
            valid().source(PlatformImageSource {
                plan_info: Some(PlatformImagePurchasePlan { plan_name: "p".into(), plan_product: String::new(), plan_publisher: "pub".into() }),
                ..PlatformImageSource::new("pub", "offer", "sku", "1.0.0")
            }),
            "invalid properties.source.planInfo.planProduct: required: a purchase plan names planName, planProduct and planPublisher".into(),
        ),
        (
            "managed image source that is a disk",
            valid().source(ManagedImageSource { image_id: format!("{SUB}/providers/Microsoft.Compute/disks/d") }),
            format!("invalid properties.source.imageId: '{SUB}/providers/Microsoft.Compute/disks/d' is a Microsoft.Compute/disks id; expected a Microsoft.Compute/images id"),
        ),
        (
            "gallery source without a version",
            valid().source(SharedImageVersionSource { image_version_id: gallery_image(), exact_version: None }),
            format!("invalid properties.source.imageVersionId: '{}' is a Microsoft.Compute/galleries/images id; expected a Microsoft.Compute/galleries/images/versions id", gallery_image()),
        ),
        (
            "shell step with both scriptUri and inline",
            valid().customize(ShellScript { script_uri: Some("https://example.com/s.sh".into()), ..ShellScript::inline("both", ["ls"]) }),
            "invalid properties.customize[1]: a Shell step takes exactly one of scriptUri and inline, not both".into(),
        ),
        (
            "shell step with neither",
            valid().customize(ShellScript::default()),
            "invalid properties.customize[1]: a Shell step takes exactly one of scriptUri and inline, found neither".into(),
        ),
        (
            "shell step with empty inline commands",
            valid().customize(ShellScript::inline("empty", Vec::<String>::new())),
            "invalid properties.customize[1].inline: a Shell step's inline commands are empty".into(),
        ),
        (
            "script URI that is a local path",
            valid().customize(PowerShellScript { script_uri: Some("C:\\scripts\\setup.ps1".into()), ..Default::default() }),
            "invalid properties.customize[1].scriptUri: the 'c' scheme is not downloadable; expected an https URL".into(),
        ),
        (
            "checksum that is no SHA-256",
            valid().customize(ShellScript { sha256_checksum: Some("abc".into()), ..ShellScript::inline("sum", ["ls"]) }),
            "invalid properties.customize[1].sha256Checksum: 'abc' is not a SHA-256 checksum; expected 64 hexadecimal digits".into(),
        ),
        (
            "runAsSystem without runElevated",
            valid().customize(ps(None, Some(true))),
            "invalid properties.customize[1].runAsSystem: runAsSystem can only be true when runElevated is true".into(),
        ),
        (
            "file step without destination",
            valid().customize(FileDownload { destination: None, ..FileDownload::new("f", "https://example.com/a.zip", "/tmp/a.zip") }),
            "invalid properties.customize[1].destination: required: a File step names the absolute path on the VM to write to".into(),
        ),
        (
            "file step without sourceUri",
            valid().customize(FileDownload { source_uri: None, ..FileDownload::new("f", "https://example.com/a.zip", "/tmp/a.zip") }),
            "invalid properties.customize[1].sourceUri: required: a File step names the URI to download".into(),
        ),
        (
            "file step with a relative destination",
            valid().customize(FileDownload::new("f", "https://example.com/a.zip", "tmp/a.zip")),
            "invalid properties.customize[1].destination: 'tmp/a.zip' is not an absolute path (e.g. /tmp/app.tar.gz or C:\\buildArtifacts\\app.zip)".into(),
        ),
        (
            "restart timeout that is no duration",
            valid().customize(WindowsRestart { restart_timeout: Some("5 minutes".into()), ..Default::default() }),
            "invalid properties.customize[1].restartTimeout: '5 minutes' is not a duration; expected a number and a unit, e.g. '5m', '2h' or '1h30m'".into(),
        ),
        (
            "validator with both scriptUri and inline",
            valid().in_vm_validation(ShellScript { script_uri: Some("https://example.com/v.sh".into()), ..ShellScript::inline("v", ["true"]) }),
            "invalid properties.validate.inVMValidations[0]: a Shell step takes exactly one of scriptUri and inline, not both".into(),
        ),
        (
            "no distribution target",
            ImageTemplateBuilder::from_template("t", ImageTemplate {
                properties: image_builder::model::ImageTemplateProperties::new(
                    ImageTemplateSource::from(PlatformImageSource::new("a", "b", "c", "latest")),
                    vec![],
                ),
                ..valid().build().unwrap()
            }),
            "invalid properties.distribute: required: at least one distribution target (ManagedImage, SharedImage or VHD)".into(),
        ),
        (
            "run output name with a space",
            valid().distribute(VhdDistributor { run_output_name: "my vhd".into(), ..Default::default() }),
            "invalid properties.distribute[2].runOutputName: 'my vhd' does not match ^[A-Za-z0-9-_.]{1,64}$ (1 to 64 letters, digits, '-', '_', '.')".into(),
        ),
        (
            "run output name used twice",
            valid().distribute(VhdDistributor { run_output_name: "IMAGE".into(), ..Default::default() }),
            "invalid properties.distribute[2].runOutputName: 'IMAGE' is already the run output name of properties.distribute[0]; each target needs its own".into(),
        ),
        (
            "managed image target without location",
            valid().distribute(ManagedImageDistributor { location: String::new(), ..managed_target("second") }),
            "invalid properties.distribute[2].location: required: a ManagedImage target names the image's region".into(),
        ),
        (
            "managed image target that is a gallery",
            valid().distribute(ManagedImageDistributor { image_id: gallery_image(), ..managed_target("second") }),
            format!("invalid properties.distribute[2].imageId: '{}' is a Microsoft.Compute/galleries/images id; expected a Microsoft.Compute/images id", gallery_image()),
        ),
        (
            "gallery target without galleryImageId",
            valid().distribute(SharedImageDistributor { run_output_name: "g2".into(), ..Default::default() }),
            "invalid properties.distribute[2].galleryImageId: required: a SharedImage target names the gallery image definition".into(),
        ),
        (
            "gallery target that is a managed image",
            valid().distribute(SharedImageDistributor { gallery_image_id: format!("{SUB}/providers/Microsoft.Compute/images/app"), run_output_name: "g2".into(), ..Default::default() }),
            format!("invalid properties.distribute[2].galleryImageId: '{SUB}/providers/Microsoft.Compute/images/app' is not a gallery image definition id (…/providers/Microsoft.Compute/galleries/<gallery>/images/<definition>[/versions/<version>])"),
        ),
        (
            "replicationRegions with targetRegions",
            valid().distribute(SharedImageDistributor { replication_regions: Some(vec!["westus".into()]), run_output_name: "g2".into(), ..gallery_target() }),
            "invalid properties.distribute[2].replicationRegions: replicationRegions (deprecated) and targetRegions cannot both be set; use targetRegions".into(),
        ),
        (
            "storageAccountType without replicationRegions",
            valid().distribute(SharedImageDistributor { storage_account_type: Some(SharedImageStorageAccountType::StandardZrs), run_output_name: "g2".into(), ..gallery_target() }),
            "invalid properties.distribute[2].storageAccountType: storageAccountType can only be set with replicationRegions; set it per region in targetRegions".into(),
        ),
        (
            "zero replicas",
            valid().distribute(SharedImageDistributor { target_regions: Some(vec![TargetRegion { replica_count: Some(0), ..TargetRegion::new("westus") }]), run_output_name: "g2".into(), ..gallery_target() }),
            "invalid properties.distribute[2].targetRegions[0].replicaCount: must be at least 1 (omit it for 1)".into(),
        ),
        (
            "versioning major below -1",
            valid().distribute(SharedImageDistributor { versioning: Some(DistributeVersioner::Latest(LatestVersioner { major: Some(-2) })), run_output_name: "g2".into(), ..gallery_target() }),
            "invalid properties.distribute[2].versioning.major: must be -1 (the latest major version) or a major version number".into(),
        ),
        (
            "VHD target URI that is no URL",
            valid().distribute(VhdDistributor { run_output_name: "vhd".into(), uri: Some("vhds/out.vhd".into()), artifact_tags: None }),
            "invalid properties.distribute[2].uri: not an absolute URL (relative URL without a base); expected an https URL".into(),
        ),
        (
            "build timeout of 5 minutes",
            valid().build_timeout_in_minutes(5),
            "invalid properties.buildTimeoutInMinutes: 5 is out of range; expected 0 (the default, 240) or 6 to 960".into(),
        ),
        (
            "build timeout of 961 minutes",
            valid().build_timeout_in_minutes(961),
            "invalid properties.buildTimeoutInMinutes: 961 is out of range; expected 0 (the default, 240) or 6 to 960".into(),
        ),
        (
            "ACI subnet without a subnet",
            valid().vm_profile(ImageTemplateVmProfile { vnet_config: Some(VirtualNetworkConfig { container_instance_subnet_id: Some(subnet("vnet", "aci")), ..Default::default() }), ..Default::default() }),
            "invalid properties.vmProfile.vnetConfig.containerInstanceSubnetId: can only be set together with subnetId".into(),
        ),
        (
            "ACI subnet with a proxy VM size",
            valid().vm_profile(ImageTemplateVmProfile { vnet_config: Some(VirtualNetworkConfig { subnet_id: Some(subnet("vnet", "build")), container_instance_subnet_id: Some(subnet("vnet", "aci")), proxy_vm_size: Some("Standard_A1_v2".into()) }), ..Default::default() }),
            "invalid properties.vmProfile.vnetConfig.proxyVmSize: must not be set with containerInstanceSubnetId (an isolated build deploys no proxy VM)".into(),
        ),
        (
            "ACI subnet in another virtual network",
            valid().vm_profile(ImageTemplateVmProfile { vnet_config: Some(VirtualNetworkConfig { subnet_id: Some(subnet("vnet", "build")), container_instance_subnet_id: Some(subnet("other", "aci")), proxy_vm_size: None }), ..Default::default() }),
            "invalid properties.vmProfile.vnetConfig.containerInstanceSubnetId: must be a subnet of the same virtual network as subnetId".into(),
        ),
        (
            "ACI subnet that is the build subnet",
            valid().vm_profile(ImageTemplateVmProfile { vnet_config: Some(VirtualNetworkConfig { subnet_id: Some(subnet("vnet", "build")), container_instance_subnet_id: Some(subnet("VNET", "BUILD")), proxy_vm_size: None }), ..Default::default() }),
            "invalid properties.vmProfile.vnetConfig.containerInstanceSubnetId: must be a different subnet from subnetId (one delegated to Microsoft.ContainerInstance/containerGroups)".into(),
        ),
        (
            "subnet that is a virtual network",
            valid().vm_profile(ImageTemplateVmProfile { vnet_config: Some(VirtualNetworkConfig { subnet_id: Some(format!("{SUB}/providers/Microsoft.Network/virtualNetworks/vnet")), ..Default::default() }), ..Default::default() }),
            format!("invalid properties.vmProfile.vnetConfig.subnetId: '{SUB}/providers/Microsoft.Network/virtualNetworks/vnet' is a Microsoft.Network/virtualNetworks id; expected a Microsoft.Network/virtualNetworks/subnets id"),
        ),
        (
            "build VM identity that is a name",
            valid().vm_profile(ImageTemplateVmProfile { user_assigned_identities: Some(vec!["aib".into()]), ..Default::default() }),
            "invalid properties.vmProfile.userAssignedIdentities[0]: invalid resource id 'aib': it must start with '/subscriptions/'".into(),
        ),
        (
            "staging resource group given by name",
            valid().staging_resource_group("IT_rg_staging"),
            "invalid properties.stagingResourceGroup: invalid resource id 'IT_rg_staging': it must start with '/subscriptions/'".into(),
        ),
        (
            "staging resource group that is a resource",
            valid().staging_resource_group(format!("{SUB}/providers/Microsoft.Storage/storageAccounts/s")),
            format!("invalid properties.stagingResourceGroup: '{SUB}/providers/Microsoft.Storage/storageAccounts/s' is not a resource group id; expected /subscriptions/<id>/resourceGroups/<name>"),
        ),
        (
            "tag value over 256 characters",
            valid().tag("note", "x".repeat(257)),
            "invalid tags.note: the value has more than 256 characters".into(),
        ),
        (
            "51 managed resource tags",
            (0..51).fold(valid(), |b, i| b.managed_resource_tag(format!("t{i}"), "v")),
            "invalid properties.managedResourceTags: 51 tags; Azure allows at most 50".into(),
        ),
    ]
}

#[test]
fn every_invalid_configuration_is_refused_in_one_line_naming_the_input() {
    let cases = invalid_configurations();
    assert!(cases.len() >= 40, "{} cases", cases.len());
    let mut fields = std::collections::BTreeSet::new();
    for (case, builder, expected) in cases {
        let message = refused(builder);
        assert_eq!(message, expected, "{case}");
        fields.insert(message.split(':').next().unwrap().to_owned());
    }
    assert!(fields.len() >= 30, "distinct inputs named: {fields:?}");
}

#[test]
fn secrets_in_uris_stay_out_of_refusals() {
    let message = refused(valid().customize(FileDownload::new(
        "artifacts",
        "contoso.blob.core.windows.net/c/app.zip?sv=2022-11-02&sig=s3cr3t",
        "/tmp/app.zip",
    )));
    assert!(!message.contains("s3cr3t"), "{message}");
}

#[test]
fn each_case_breaks_only_its_own_rule() {
    // The base of the invalid cases, and a few neighbours of the refused values, are accepted.
    valid().build().unwrap();
    valid().build_timeout_in_minutes(0).build().unwrap();
    valid().build_timeout_in_minutes(6).build().unwrap();
    valid().build_timeout_in_minutes(960).build().unwrap();
    valid()
        .customize(PowerShellScript {
            run_elevated: Some(true),
            run_as_system: Some(true),
            ..PowerShellScript::inline("s", ["x"])
        })
        .build()
        .unwrap();
    valid()
        .customize(ShellScript {
            sha256_checksum: Some(SHA.into()),
            script_uri: Some("https://example.com/s.sh".into()),
            ..Default::default()
        })
        .build()
        .unwrap();
    valid()
        .customize(FileDownload::new(
            "f",
            "https://example.com/a.zip",
            "C:\\buildArtifacts\\a.zip",
        ))
        .build()
        .unwrap();
    valid()
        .customize(WindowsRestart {
            restart_timeout: Some("1h30m".into()),
            ..Default::default()
        })
        .build()
        .unwrap();
    valid()
        .distribute(VhdDistributor {
            run_output_name: "vhd".into(),
            ..Default::default()
        })
        .build()
        .unwrap();
    valid()
        .distribute(SharedImageDistributor {
            gallery_image_id: format!("{}/versions/1.0.0", gallery_image()),
            run_output_name: "g2".into(),
            versioning: Some(DistributeVersioner::Latest(LatestVersioner { major: Some(-1) })),
            ..gallery_target()
        })
        .build()
        .unwrap();
    valid()
        .distribute(SharedImageDistributor {
            replication_regions: Some(vec!["westus".into()]),
            storage_account_type: Some(SharedImageStorageAccountType::StandardLrs),
            target_regions: None,
            run_output_name: "g2".into(),
            ..gallery_target()
        })
        .build()
        .unwrap();
    valid().staging_resource_group(SUB).build().unwrap();
    valid()
        .in_vm_validation(ShellScript::inline("v", ["true"]))
        .validate(Validate {
            source_validation_only: Some(false),
            ..Default::default()
        })
        .build()
        .unwrap();
    valid()
        .source(ImageTemplateSource::from(SharedImageVersionSource {
            image_version_id: format!("{}/versions/latest", gallery_image()),
            exact_version: None,
        }))
        .build()
        .unwrap();
    assert!(matches!(
        valid().build().unwrap().properties.distribute[1],
        ImageTemplateDistributor::SharedImage(_)
    ));
}
