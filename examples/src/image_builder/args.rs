//! The command line of `image-builder`: every flag also an environment variable
//! `IMAGE_BUILDER_<FLAG>` (shown in `--help`); the Azure login and the subscription come from
//! the same `AZ_*`/`AZURE_*` variables as the other binaries. The `build` flags keep the names
//! and meanings of the Image Builder DevOps task's inputs (learn.microsoft.com "Azure VM Image
//! Builder service DevOps task").

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Builds VM images with Azure VM Image Builder, from a pipeline or a shell.
#[derive(Debug, Parser)]
#[command(
    name = "image-builder",
    version,
    after_help = concat!(
        crate::command::azure::azure_login_help!(),
        "\n\
Exit codes: 0 succeeded, 1 failed, 2 bad input (nothing created), 3 partially succeeded, 4 cleanup incomplete, \
124 timed out, 130 SIGINT, 143 SIGTERM."
    )
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Pack a folder, build an image from a throw-away template `t_<13 digits>`, print its
    /// outputs as pipeline variables, clean up.
    Build(Box<BuildArgs>),
    /// Print the customization.log of a template's last run.
    Logs(LogsArgs),
    /// Delete the templates this command left (older than --min-age, not running) and the
    /// staging resource groups `IT_...` whose template is gone.
    Reap(ReapArgs),
}

/// `build`: the DevOps task's inputs.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Region of the template and the build (default: the template file's).
    #[arg(long, env = "IMAGE_BUILDER_LOCATION", value_name = "REGION")]
    pub location: Option<String>,
    /// Resource group of the template.
    #[arg(long, env = "IMAGE_BUILDER_RESOURCE_GROUP", value_name = "NAME")]
    pub resource_group: String,
    /// Resource id of the user-assigned identity the build runs as.
    #[arg(long, env = "IMAGE_BUILDER_IDENTITY", value_name = "RESOURCE_ID")]
    pub identity: Option<String>,
    /// Source image: Publisher:Offer:Sku[:Version], a managed image id or a gallery image
    /// version id.
    #[arg(long, env = "IMAGE_BUILDER_SOURCE", value_name = "IMAGE")]
    pub source: Option<String>,
    /// Folder to pack (tar.gz for shell, zip for powershell) and put on the build VM at
    /// /tmp/<folder> or C:\buildArtifacts\<folder>.
    #[arg(long, env = "IMAGE_BUILDER_PACKAGE_PATH", value_name = "FOLDER")]
    pub package_path: Option<PathBuf>,
    /// Commands run on the build VM, one a line; @FILE reads them from FILE.
    #[arg(long, env = "IMAGE_BUILDER_INLINE_SCRIPT", value_name = "SCRIPT|@FILE")]
    pub inline_script: Option<String>,
    /// The OS family of the steps: shell (Linux) or powershell (Windows).
    #[arg(long, env = "IMAGE_BUILDER_PROVISIONER", value_enum, default_value_t = Provisioner::Shell)]
    pub provisioner: Provisioner,
    /// Run Windows Update after the script (powershell only), as the DevOps task does.
    #[arg(long, env = "IMAGE_BUILDER_WINDOWS_UPDATE")]
    pub windows_update: bool,
    /// Storage account for the package: its name (looked up in the subscription) or resource id.
    #[arg(long, env = "IMAGE_BUILDER_STORAGE_ACCOUNT", value_name = "NAME|RESOURCE_ID")]
    pub storage_account: Option<String>,
    /// Where the image goes (default: the template file's targets).
    #[arg(long, env = "IMAGE_BUILDER_DISTRIBUTE", value_enum)]
    pub distribute: Option<Distribute>,
    /// Resource id of the managed image to create (--distribute managed-image).
    #[arg(long, env = "IMAGE_BUILDER_IMAGE_ID", value_name = "RESOURCE_ID")]
    pub image_id: Option<String>,
    /// Resource id of the gallery image definition (or version) to create (--distribute gallery).
    #[arg(long, env = "IMAGE_BUILDER_GALLERY_IMAGE_ID", value_name = "RESOURCE_ID")]
    pub gallery_image_id: Option<String>,
    /// Regions the gallery image version is replicated to, separated by commas (default: --location).
    #[arg(
        long,
        env = "IMAGE_BUILDER_REPLICATION_REGIONS",
        value_delimiter = ',',
        value_name = "REGIONS"
    )]
    pub replication_regions: Vec<String>,
    /// Size of the build VM (default: Azure's).
    #[arg(long, env = "IMAGE_BUILDER_VM_SIZE", value_name = "SIZE")]
    pub vm_size: Option<String>,
    /// OS disk size of the build VM in GB (default: the image's).
    #[arg(long, env = "IMAGE_BUILDER_OS_DISK_SIZE", value_name = "GB")]
    pub os_disk_size: Option<u32>,
    /// Build timeout in minutes: 0 (Azure's default, 240) or 6 to 960.
    #[arg(long, env = "IMAGE_BUILDER_BUILD_TIMEOUT", value_name = "MINUTES")]
    pub build_timeout: Option<u32>,
    /// Resource id of the subnet of the build VM.
    #[arg(long, env = "IMAGE_BUILDER_SUBNET_ID", value_name = "RESOURCE_ID")]
    pub subnet_id: Option<String>,
    /// Resource id of a subnet delegated to Azure Container Instances for an isolated build
    /// (with --subnet-id).
    #[arg(long, env = "IMAGE_BUILDER_ACI_SUBNET_ID", value_name = "RESOURCE_ID")]
    pub aci_subnet_id: Option<String>,
    /// Resource group (name or id) to build in instead of one Azure creates; empty or absent.
    #[arg(long, env = "IMAGE_BUILDER_STAGING_RESOURCE_GROUP", value_name = "NAME|RESOURCE_ID")]
    pub staging_resource_group: Option<String>,
    /// A whole image template (JSON, as the ARM body or `az image builder` takes it); the package
    /// steps go first in its customize, the flags above override its fields.
    #[arg(long, env = "IMAGE_BUILDER_TEMPLATE_FILE", value_name = "FILE")]
    pub template_file: Option<PathBuf>,
    /// How the build VM reads the package: a user-delegation SAS (read-only, that blob, expiring
    /// after the build) or none (the identity needs Storage Blob Data Reader).
    #[arg(long, env = "IMAGE_BUILDER_SAS", value_enum, default_value_t = Sas::UserDelegation)]
    pub sas: Sas,
    /// What is deleted at the end: on-success (a failed build keeps its staging group), always, never.
    #[arg(long, env = "IMAGE_BUILDER_CLEANUP", value_enum, default_value_t = Cleanup::OnSuccess)]
    pub cleanup: Cleanup,
    /// The longest time between two reads of the running template (seconds, or a number with
    /// s, m or h); reads start every 10 s at most and back off to this.
    #[arg(
        long,
        env = "IMAGE_BUILDER_POLL_INTERVAL",
        default_value = "60s",
        value_name = "DURATION"
    )]
    pub poll_interval: String,
    /// The longest wait for the run (seconds, or a number with s, m or h; default: the build
    /// timeout plus 60 minutes), e.g. to end before the pipeline job's own timeout: past it the
    /// run is canceled, cleanup runs, and the exit code is 124.
    #[arg(long, env = "IMAGE_BUILDER_MAX_WAIT", value_name = "DURATION")]
    pub max_wait: Option<String>,
    /// Validate everything and print the template that would be submitted (SAS masked); only reads.
    #[arg(long, env = "IMAGE_BUILDER_CHECK")]
    pub check: bool,
}

/// `logs`.
#[derive(Debug, Args)]
pub struct LogsArgs {
    /// Resource group of the template.
    #[arg(long, env = "IMAGE_BUILDER_RESOURCE_GROUP", value_name = "NAME")]
    pub resource_group: String,
    /// Name of the template.
    #[arg(long, env = "IMAGE_BUILDER_TEMPLATE_NAME", value_name = "TEMPLATE")]
    pub name: String,
}

/// `reap`.
#[derive(Debug, Args)]
pub struct ReapArgs {
    /// Only this resource group's templates (default: the whole subscription).
    #[arg(long, env = "IMAGE_BUILDER_RESOURCE_GROUP", value_name = "NAME")]
    pub resource_group: Option<String>,
    /// Templates younger than this are kept (seconds, or a number with s, m or h).
    #[arg(long, env = "IMAGE_BUILDER_MIN_AGE", default_value = "6h", value_name = "DURATION")]
    pub min_age: String,
    /// How long a template's canceling run is waited for before giving up on it.
    #[arg(
        long,
        env = "IMAGE_BUILDER_CANCEL_TIMEOUT",
        default_value = "10m",
        value_name = "DURATION"
    )]
    pub cancel_timeout: String,
    /// Report what would be deleted, delete nothing.
    #[arg(long, env = "IMAGE_BUILDER_DRY_RUN")]
    pub dry_run: bool,
}

/// `--provisioner`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Provisioner {
    /// Shell steps, a tar.gz package (Linux).
    Shell,
    /// PowerShell steps, a zip package (Windows).
    Powershell,
}

/// `--distribute`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Distribute {
    /// A managed image (--image-id).
    ManagedImage,
    /// An Azure Compute Gallery image version (--gallery-image-id, --replication-regions).
    Gallery,
    /// A VHD in the staging storage account.
    Vhd,
}

/// `--sas`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Sas {
    /// A user-delegation SAS on the package blob.
    UserDelegation,
    /// No SAS: the template's identity reads the blob.
    None,
}

/// `--cleanup`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Cleanup {
    /// Delete after a successful build only.
    OnSuccess,
    /// Delete whatever the outcome.
    Always,
    /// Keep everything.
    Never,
}
