//! The command line of `acr-agentpool`: flags named as the Azure CLI names them (`az acr
//! agentpool`, `az acr build`, `az acr run`, `az acr task run`; learn.microsoft.com "az acr
//! agentpool" and "az acr build"), every flag also an environment variable
//! `ACR_AGENTPOOL_<FLAG>` (shown in `--help`); the Azure login and the subscription come from the
//! same `AZ_*`/`AZURE_*` variables as the other binaries.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// ACR task agent pools, builds and runs on them, with the checks Azure leaves to you (Premium,
/// region, vCPU quota, scale to 0, the subnet's outbound rules) done before anything is written.
#[derive(Debug, Parser)]
#[command(
    name = "acr-agentpool",
    version,
    after_help = concat!(
        crate::command::azure::azure_login_help!(),
        "\n\
Exit codes: 0 succeeded; 1 failed (the run failed, or an Azure request failed; preflight: a required \
destination is denied); 2 refused before any write (a bad flag or variable, or a check against what Azure \
holds: registry not Premium, region, vCPU quota, pool scaled to 0, the task's pool, a blocking preflight); \
3 the run was canceled (not by this command); 124 the run timed out; 130 SIGINT and 143 SIGTERM (the run \
was canceled first)."
    )
)]
pub struct Cli {
    /// The registry and the settings every subcommand shares.
    #[command(flatten)]
    pub common: CommonArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The flags of every subcommand.
#[derive(Debug, Args)]
pub struct CommonArgs {
    /// The container registry's name.
    #[arg(
        short = 'r',
        long,
        env = "ACR_AGENTPOOL_REGISTRY",
        global = true,
        value_name = "NAME"
    )]
    pub registry: Option<String>,
    /// The registry's resource group (default: found through the subscription's resource list,
    /// as the Azure CLI finds it).
    #[arg(
        short = 'g',
        long,
        env = "ACR_AGENTPOOL_RESOURCE_GROUP",
        global = true,
        value_name = "NAME"
    )]
    pub resource_group: Option<String>,
    /// The api-version of agent pools, runs and tasks: 2025-03-01-preview or 2019-06-01-preview
    /// (the only two with agent pools).
    #[arg(
        long,
        env = "ACR_AGENTPOOL_API_VERSION",
        global = true,
        value_name = "VERSION",
        default_value = acr_agentpool::DEFAULT_API_VERSION
    )]
    pub api_version: String,
}

/// The subcommands, as the Azure CLI names them.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create an agent pool (`az acr agentpool create`), after the checks: Premium, region,
    /// vCPU quota and, with --subnet-id, the subnet's outbound rules (the preflight table).
    Create(CreateArgs),
    /// Scale an agent pool (`az acr agentpool update --count`), within the vCPU quota.
    Update(UpdateArgs),
    /// Show an agent pool and the number of runs queued on it.
    Show(PoolArgs),
    /// List the registry's agent pools.
    List,
    /// Delete an agent pool and wait until it is gone.
    Delete(PoolArgs),
    /// Check a subnet's outbound rules for what an agent pool needs; prints the table
    /// (destination, port, verdict, deciding rule). Exit 1 when a destination is denied.
    Preflight(PreflightArgs),
    /// Pack a folder, build it on an agent pool (`az acr build --agent-pool`), stream the log,
    /// print the images and their digests as pipeline variables.
    Build(Box<BuildArgs>),
    /// A quick run on an agent pool (`az acr run --agent-pool`): --cmd, or a task file (-f) in a
    /// context folder.
    Run(RunArgs),
    /// Run an existing task (`az acr task run`), on its pool or on --agent-pool.
    TaskRun(TaskRunArgs),
    /// Stream a run's log until the run ends (`az acr task logs --run-id`).
    Logs(RunIdArgs),
    /// Cancel a run (`az acr task cancel-run`).
    Cancel(RunIdArgs),
}

/// The limits the checks hold the registry to (defaults: the documented ones).
#[derive(Debug, Args)]
pub struct LimitArgs {
    /// The vCPU quota of the registry's standard pools (S1, S2, S3) together, if a support
    /// request raised it from the default 16.
    #[arg(long, env = "ACR_AGENTPOOL_QUOTA", value_name = "VCPUS")]
    pub quota: Option<u32>,
    /// The vCPU quota of the registry's isolated pools (I6) together, if a support request
    /// raised it from the default 0.
    #[arg(long, env = "ACR_AGENTPOOL_ISOLATED_QUOTA", value_name = "VCPUS")]
    pub isolated_quota: Option<u32>,
    /// The regions that offer agent pools, separated by commas, instead of the documented list
    /// (dated in `acr_agentpool::checks::REGIONS_AS_OF`; the list grows).
    #[arg(long, env = "ACR_AGENTPOOL_REGIONS", value_delimiter = ',', value_name = "REGIONS")]
    pub regions: Vec<String>,
}

/// `create`.
#[derive(Debug, Args)]
pub struct CreateArgs {
    /// The pool's name: 3 to 20 letters, digits or '-'.
    #[arg(short = 'n', long, env = "ACR_AGENTPOOL_NAME", value_name = "POOL")]
    pub name: String,
    /// The tier: S1 (2 vCPU), S2 (4), S3 (8) or I6 (64, isolated).
    #[arg(long, env = "ACR_AGENTPOOL_TIER", default_value = "S1")]
    pub tier: String,
    /// The number of instances.
    #[arg(
        long,
        env = "ACR_AGENTPOOL_COUNT",
        default_value_t = 1,
        allow_negative_numbers = true
    )]
    pub count: i64,
    /// The resource id of the subnet the pool runs in (its outbound rules are checked first).
    #[arg(long, env = "ACR_AGENTPOOL_SUBNET_ID", value_name = "RESOURCE_ID")]
    pub subnet_id: Option<String>,
    /// Create in --subnet-id without checking its outbound rules.
    #[arg(long, env = "ACR_AGENTPOOL_SKIP_PREFLIGHT")]
    pub skip_preflight: bool,
    /// The quotas and regions.
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// `update`.
#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// The pool's name.
    #[arg(short = 'n', long, env = "ACR_AGENTPOOL_NAME", value_name = "POOL")]
    pub name: String,
    /// The new number of instances (0 keeps the pool and queues its runs).
    #[arg(long, env = "ACR_AGENTPOOL_COUNT", allow_negative_numbers = true)]
    pub count: i64,
    /// The quotas and regions.
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// `show` and `delete`.
#[derive(Debug, Args)]
pub struct PoolArgs {
    /// The pool's name.
    #[arg(short = 'n', long, env = "ACR_AGENTPOOL_NAME", value_name = "POOL")]
    pub name: String,
}

/// `preflight`.
#[derive(Debug, Args)]
pub struct PreflightArgs {
    /// The resource id of the subnet to check.
    #[arg(long, env = "ACR_AGENTPOOL_SUBNET_ID", value_name = "RESOURCE_ID")]
    pub subnet_id: String,
}

/// What `build` and `run` share: the pool, the platform, the timeout, the log.
#[derive(Debug, Args)]
pub struct RunOnPoolArgs {
    /// The agent pool to run on.
    #[arg(long, env = "ACR_AGENTPOOL_AGENT_POOL", value_name = "POOL")]
    pub agent_pool: String,
    /// The platform: os[/architecture[/variant]], Linux only (default linux/amd64).
    #[arg(long, env = "ACR_AGENTPOOL_PLATFORM", value_name = "PLATFORM")]
    pub platform: Option<String>,
    /// The run's timeout in seconds, 300 to 28800 (default: the service's, 3600).
    #[arg(long, env = "ACR_AGENTPOOL_TIMEOUT", value_name = "SECONDS")]
    pub timeout: Option<u32>,
    /// Do not stream the log; wait for the run's end.
    #[arg(long, env = "ACR_AGENTPOOL_NO_LOGS")]
    pub no_logs: bool,
}

/// `build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The pool, platform, timeout and log.
    #[command(flatten)]
    pub on_pool: RunOnPoolArgs,
    /// An image to build and push, `repository[:tag]` (repeatable); `{{.Run.ID}}` is the run's id.
    #[arg(short = 't', long = "image", env = "ACR_AGENTPOOL_IMAGE", value_name = "IMAGE")]
    pub images: Vec<String>,
    /// The Dockerfile (default: CONTEXT/Dockerfile).
    #[arg(short = 'f', long, env = "ACR_AGENTPOOL_FILE", value_name = "DOCKERFILE")]
    pub file: Option<PathBuf>,
    /// A build argument NAME=VALUE (repeatable).
    #[arg(long = "build-arg", env = "ACR_AGENTPOOL_BUILD_ARG", value_name = "NAME=VALUE")]
    pub build_args: Vec<String>,
    /// A secret build argument (repeatable): NAME reads the value from the environment variable
    /// NAME (keep secrets out of command lines), NAME=VALUE takes it as given. Never printed.
    #[arg(
        long = "secret-build-arg",
        env = "ACR_AGENTPOOL_SECRET_BUILD_ARG",
        value_name = "NAME[=VALUE]",
        hide_env_values = true
    )]
    pub secret_build_args: Vec<String>,
    /// Build without pushing the images.
    #[arg(long, env = "ACR_AGENTPOOL_NO_PUSH")]
    pub no_push: bool,
    /// The folder to pack and send as the build context.
    #[arg(env = "ACR_AGENTPOOL_CONTEXT", value_name = "CONTEXT")]
    pub context: PathBuf,
}

/// `run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The pool, platform, timeout and log.
    #[command(flatten)]
    pub on_pool: RunOnPoolArgs,
    /// The command to run: an image and its arguments (`az acr run --cmd`), with no context.
    #[arg(long, env = "ACR_AGENTPOOL_CMD", value_name = "COMMAND", conflicts_with = "file")]
    pub cmd: Option<String>,
    /// The task file (acb.yaml), relative to CONTEXT.
    #[arg(short = 'f', long, env = "ACR_AGENTPOOL_FILE", value_name = "TASK_FILE")]
    pub file: Option<String>,
    /// The folder to pack and send with -f; with --cmd, none (or /dev/null, as the Azure CLI
    /// takes it).
    #[arg(env = "ACR_AGENTPOOL_CONTEXT", value_name = "CONTEXT")]
    pub context: Option<PathBuf>,
}

/// `task-run`.
#[derive(Debug, Args)]
pub struct TaskRunArgs {
    /// The task's name.
    #[arg(short = 'n', long, env = "ACR_AGENTPOOL_TASK", value_name = "TASK")]
    pub name: String,
    /// The pool to run on; refused when the task already names one.
    #[arg(long, env = "ACR_AGENTPOOL_AGENT_POOL", value_name = "POOL")]
    pub agent_pool: Option<String>,
    /// Do not stream the log; wait for the run's end.
    #[arg(long, env = "ACR_AGENTPOOL_NO_LOGS")]
    pub no_logs: bool,
}

/// `logs` and `cancel`.
#[derive(Debug, Args)]
pub struct RunIdArgs {
    /// The run's id (`ca1`).
    #[arg(env = "ACR_AGENTPOOL_RUN_ID", value_name = "RUN_ID")]
    pub run_id: String,
}
