//! The whole run of a run-once agent: install, register, listen once, clean up.

use super::budget::{StopBudget, checked_add};
use super::cleanup::{CleanupPlan, Registered, clean_up};
use super::listener::run_listener;
use super::options::SuperviseOptions;
use super::outcome::{CleanupReport, Outcome, RunEnd};
use super::registered::RegisteredAgent;
use super::stop::StopSignals;
use super::teardown::TeardownHook;
use crate::auth::DevOpsCredential;
use crate::child_env::ChildEnv;
use crate::client::DevOpsClient;
use crate::configure::{self, ChildAuth, ConfigureOptions};
use crate::error::Error;
use crate::install::{self, AgentDir, InstallOptions};
use crate::platform::Platform;
use crate::process;
use arm_core::azure_core::credentials::Secret;
use arm_core::azure_core::time::OffsetDateTime;
use std::path::PathBuf;
use std::sync::Arc;

/// How the agent registers itself with `config.sh`.
#[derive(Clone, Debug, Default)]
pub enum Registration {
    /// With a token of the client's credential (`--auth pat`): the PAT, or an Entra token
    /// fetched fresh for each `config.sh` call.
    #[default]
    ClientCredential,
    /// As a service principal (`--auth sp`): the agent gets its own tokens.
    ServicePrincipal {
        /// Directory (tenant) id.
        tenant_id: String,
        /// Application (client) id.
        client_id: String,
        /// Client secret.
        secret: Secret,
    },
}

impl Registration {
    /// What `config.sh` gets, fetched now.
    pub(crate) async fn child_auth(&self, client: &DevOpsClient) -> Result<ChildAuth, Error> {
        match self {
            Registration::ClientCredential => Ok(ChildAuth::Token(client.credential().token().await?)),
            Registration::ServicePrincipal {
                tenant_id,
                client_id,
                secret,
            } => Ok(ChildAuth::ServicePrincipal {
                tenant_id: tenant_id.clone(),
                client_id: client_id.clone(),
                secret: secret.clone(),
            }),
        }
    }
}

/// A run-once agent: install it if needed, register it, let it take one job, and always leave
/// the pool clean.
///
/// The job is hostile code running as this process's user. In an entrypoint, call
/// [`hide_secret_variables`](crate::hide_secret_variables) first thing in `main` (before the
/// runtime starts threads), so that the secrets are not in this process's
/// `/proc/<pid>/environ`, and set [`SuperviseOptions::reap_orphans`] so that whatever the job
/// detaches is ended before the cleanup.
///
/// ```no_run
/// use azp_agent::configure::ConfigureOptions;
/// use azp_agent::supervise::{RunOnce, StopSignals};
/// use azp_agent::{DevOpsClient, DevOpsCredential, OrganizationUrl, Platform};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let org = OrganizationUrl::parse("https://dev.azure.com/contoso")?;
/// let client = DevOpsClient::new(org.clone(), DevOpsCredential::pat(std::env::var("AZP_TOKEN")?)?, None)?;
/// let mut configure = ConfigureOptions::new(org);
/// configure.pool = "private-vnet".to_owned();
/// let outcome = RunOnce::new(client, "/azp/agent", configure)
///     .download_if_missing(Platform::LinuxX64)
///     .run(StopSignals::os()?)
///     .await;
/// std::process::exit(outcome.exit_code());
/// # }
/// ```
pub struct RunOnce {
    client: DevOpsClient,
    agent_dir: PathBuf,
    platform: Option<Platform>,
    configure: ConfigureOptions,
    registration: Registration,
    secret_variables: Vec<String>,
    secret_values: Vec<Secret>,
    options: SuperviseOptions,
    hooks: Vec<Arc<dyn TeardownHook>>,
    install: InstallOptions,
}

impl std::fmt::Debug for RunOnce {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunOnce")
            .field("organization", &self.client.organization().as_str())
            .field("agent_dir", &self.agent_dir)
            .field("platform", &self.platform)
            .field("configure", &self.configure)
            .field("registration", &self.registration)
            .field("secret_variables", &self.secret_variables)
            .field("options", &self.options)
            .field(
                "hooks",
                &self.hooks.iter().map(|h| h.name().to_owned()).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl RunOnce {
    /// A run of the agent in `agent_dir`, registered with `configure`, through `client`.
    pub fn new(client: DevOpsClient, agent_dir: impl Into<PathBuf>, configure: ConfigureOptions) -> Self {
        Self {
            client,
            agent_dir: agent_dir.into(),
            platform: None,
            configure,
            registration: Registration::default(),
            secret_variables: Vec::new(),
            secret_values: Vec::new(),
            options: SuperviseOptions::default(),
            hooks: Vec::new(),
            install: InstallOptions::default(),
        }
    }

    /// Downloads the latest agent for `platform` when `agent_dir` holds none (by default an
    /// agent must already be there).
    pub fn download_if_missing(mut self, platform: Platform) -> Self {
        self.platform = Some(platform);
        self
    }

    /// How `config.sh` authenticates (default: the client's credential).
    pub fn registration(mut self, registration: Registration) -> Self {
        self.registration = registration;
        self
    }

    /// Names of further variables to keep out of the agent's environment.
    pub fn secret_variables(mut self, names: impl IntoIterator<Item = String>) -> Self {
        self.secret_variables.extend(names);
        self
    }

    /// Secret values (e.g. read from files): any variable containing one is removed.
    pub fn secret_values(mut self, values: impl IntoIterator<Item = Secret>) -> Self {
        self.secret_values.extend(values);
        self
    }

    /// Supervision options.
    pub fn options(mut self, options: SuperviseOptions) -> Self {
        self.options = options;
        self
    }

    /// Adds a teardown hook, run after unregistration.
    pub fn teardown(mut self, hook: Arc<dyn TeardownHook>) -> Self {
        self.hooks.push(hook);
        self
    }

    /// Install options (progress reporting).
    pub fn install_options(mut self, options: InstallOptions) -> Self {
        self.install = options;
        self
    }

    fn validate(&self) -> Result<(), Error> {
        configure::validate_agent_name("agent name", &self.configure.agent_name)?;
        if self.configure.pool.trim().is_empty() {
            return Err(Error::invalid_input("pool", "is empty; expected an agent pool name"));
        }
        if self.configure.organization != *self.client.organization() {
            return Err(Error::invalid_input(
                "organization",
                format!(
                    "config.sh would register with {} but the client talks to {}",
                    self.configure.organization,
                    self.client.organization()
                ),
            ));
        }
        if let Registration::ServicePrincipal {
            tenant_id, client_id, ..
        } = &self.registration
            && (tenant_id.trim().is_empty() || client_id.trim().is_empty())
        {
            return Err(Error::invalid_input(
                "service principal",
                "needs a tenant id and a client id for --auth sp",
            ));
        }
        if let Some(platform) = self.platform.filter(|p| p.is_windows()) {
            return Err(Error::invalid_input(
                "platform",
                format!("{platform} packages are zip archives for Windows; supervision needs a Linux or macOS agent"),
            ));
        }
        if self.platform.is_none() && install::find_agent(&self.agent_dir)?.is_none() {
            return Err(Error::invalid_input(
                "agent directory",
                format!(
                    "{} holds no agent (config.sh and bin/Agent.Listener) and no platform was given to download one",
                    self.agent_dir.display()
                ),
            ));
        }
        Ok(())
    }

    /// Runs to the end and reports what happened; never panics on a failure, every failure is
    /// in the [`Outcome`]. Cleanup (unregistration, teardown hooks) always runs once something
    /// was started.
    pub async fn run(self, mut stop: StopSignals) -> Outcome {
        let mut outcome = Outcome {
            end: RunEnd::Completed,
            last_listener_exit: None,
            retries: 0,
            updates: 0,
            job_result: None,
            cleanup: CleanupReport {
                steps: Vec::new(),
                agent_removed: true,
            },
        };
        if let Err(e) = self.validate() {
            tracing::error!("{e}");
            outcome.end = RunEnd::InvalidInput(e.to_string());
            return outcome;
        }
        let reap_all = self.options.reap_orphans.unwrap_or_else(|| std::process::id() == 1);
        if reap_all {
            if std::process::id() != 1
                && let Err(e) = nix::sys::prctl::set_child_subreaper(true)
            {
                tracing::warn!(error = %e, "cannot become a child subreaper");
            }
            process::reap_all_children(true);
        }
        let budget = StopBudget::new(self.options.stop_timeout);

        let mut secret_values = self.secret_values.clone();
        if let DevOpsCredential::Pat(pat) = self.client.credential() {
            secret_values.push(pat.clone());
        }
        if let Registration::ServicePrincipal { secret, .. } = &self.registration {
            secret_values.push(secret.clone());
        }
        let env = ChildEnv::from_process(&self.secret_variables, &secret_values);
        tracing::debug!(removed = ?env.removed(), "agent environment without secrets");

        let mut registered = Registered::No;
        let mut agent = None;
        let setup = async {
            let dir = self.install_agent().await?;
            agent = Some(dir.clone());
            let auth = self.registration.child_auth(&self.client).await?;
            registered = Registered::Unrecorded(OffsetDateTime::now_utc());
            configure::configure(&dir, &self.configure, &auth, &env).await?;
            Ok::<AgentDir, Error>(dir)
        };
        let setup = tokio::select! {
            result = setup => result.map_err(|e| RunEnd::SetupFailed(e.to_string())),
            request = stop.recv() => {
                budget.request();
                Err(RunEnd::Stopped(request))
            }
        };
        // What config.sh recorded, read before any job could run (and rewrite it).
        if let (Registered::Unrecorded(_), Some(dir)) = (registered, &agent)
            && let Some(recorded) = RegisteredAgent::read(dir)
        {
            registered = Registered::Recorded(recorded);
        }
        match setup {
            Ok(dir) => {
                let run = run_listener(&dir, &env, &self.options, &mut stop, &budget).await;
                outcome.end = run.end;
                outcome.last_listener_exit = run.last_exit;
                outcome.retries = run.retries;
                outcome.updates = run.updates;
            }
            Err(end) => {
                if let RunEnd::SetupFailed(message) = &end {
                    tracing::error!("{message}");
                }
                outcome.end = end;
            }
        }

        // Nothing the job started may outlive it, or watch the cleanup.
        if reap_all {
            let deadline = budget
                .deadline()
                .unwrap_or_else(|| checked_add(tokio::time::Instant::now(), self.options.cleanup_step_timeout));
            process::end_leftovers(deadline).await;
        }

        let cleanup = clean_up(CleanupPlan {
            client: &self.client,
            pool: &self.configure.pool,
            agent_name: &self.configure.agent_name,
            registered,
            hooks: &self.hooks,
            step_timeout: self.options.cleanup_step_timeout,
            budget: &budget,
        });
        // A stop requested during the cleanup starts (or hurries) the budget that bounds it.
        let requests = async {
            loop {
                stop.recv().await;
                budget.request();
            }
        };
        let (cleanup, job_result) = tokio::select! {
            done = cleanup => done,
            () = requests => unreachable!("stop requests are awaited forever"),
        };
        outcome.cleanup = cleanup;
        outcome.job_result = job_result;
        if reap_all {
            process::end_leftovers(checked_add(
                tokio::time::Instant::now(),
                std::time::Duration::from_secs(1),
            ))
            .await;
        }
        tracing::info!(end = ?outcome.end, exit_code = outcome.exit_code(), job = ?outcome.job_result, "run finished");
        outcome
    }

    async fn install_agent(&self) -> Result<AgentDir, Error> {
        if let Some(agent) = install::find_agent(&self.agent_dir)? {
            tracing::info!(dir = %agent.root().display(), "using the agent already installed");
            return Ok(agent);
        }
        let platform = self.platform.ok_or_else(|| {
            Error::invalid_input(
                "agent directory",
                format!("{} holds no agent", self.agent_dir.display()),
            )
        })?;
        let package = self.client.latest_package(platform, None).await?;
        let hash = package.hash_value.clone().unwrap_or_default();
        tracing::info!(
            version = %package.version.unwrap_or_default(),
            platform = %platform,
            "downloading the agent"
        );
        let download = self.client.download_package(&package, None).await?;
        let mut options = self.install.clone();
        options.total = options.total.or(download.total);
        Ok(install::install_stream(download.body, &hash, &self.agent_dir, &options).await?)
    }
}
