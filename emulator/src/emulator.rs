//! Starting and stopping an emulator: seeds, certificates, listeners, startup information.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

use crate::admin::Admin;
use crate::arm::{self, Arm};
use crate::blob::{Blob, BlobData};
use crate::config::{EmulatorConfig, IdentityKind};
use crate::containers::{self, Platform, ProcessTable, Runtime};
use crate::control::Control;
use crate::devops::Devops;
use crate::entra::Login;
use crate::error::Error;
use crate::faults::Faults;
use crate::http::{Family, listener};
use crate::identity::{APP_SERVICE_PATH, Identity};
use crate::model::World;
use crate::model::seeding::{self, Seeded};
use crate::packages::{AgentPackages, find_agent_binary};
use crate::pools::AgentPools;
use crate::pools::seeding::SeededDevops;
use crate::shared::{DataPlanes, DevopsState, Settings, Shared};
use crate::startup::{Defaults, Endpoints, StartupInfo, environment};
use crate::token::Tokens;
use crate::{ca_files, model, pools, random, tls};

/// A running emulator. Dropping it, or [`Emulator::shutdown`], stops every listener and kills
/// every container process.
pub struct Emulator {
    info: StartupInfo,
    ca_pem: String,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
    /// The state directory when the emulator created it (removed at shutdown).
    owned_dir: Option<PathBuf>,
    /// The container processes, killed at shutdown and on drop.
    processes: Arc<ProcessTable>,
    /// The stand-in agent executable, if there is one.
    agent_binary: Option<PathBuf>,
    /// The state every listener serves, for [`Emulator::control`].
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("endpoints", &self.info.endpoints)
            .field("ca_file", &self.info.ca_file)
            .finish_non_exhaustive()
    }
}

impl Emulator {
    /// Applies the seeds, generates the CA and server certificate, writes `ca.pem` and
    /// `ca-bundle.pem`, binds the listeners on 127.0.0.1 and starts serving. Must be called
    /// inside a Tokio runtime.
    pub async fn start(config: EmulatorConfig) -> Result<Emulator, Error> {
        config.validate()?;
        let location =
            model::seeding::location(&config.location).map_err(|message| Error::invalid("location", message))?;
        let mut world = World::default();
        let now = Instant::now();
        let seeded = seeding::apply(&mut world, &config.seed_sections(), &location, now)?;
        arm::seeded(&mut world, now);
        model::compute::set_marketplace(&mut world, crate::config::marketplace(&config.platform_images));
        crate::control::image_builder::install(&mut world, &config.image_builder);
        crate::control::acr::install(&mut world, &config.acr);
        let (pools_state, seeded_devops) = pools::seeding::apply(&config.devops, time::OffsetDateTime::now_utc())?;
        for (index, package) in config.devops.packages.iter().enumerate() {
            if let Some(file) = package.file.as_ref().filter(|file| !file.is_file()) {
                return Err(Error::invalid(
                    format!("devops.packages[{index}].file"),
                    format!("{} is not a file", file.display()),
                ));
            }
        }
        let certificates = tls::generate()?;

        let ports = &config.ports;
        let (arm, arm_port) = bind("arm", ports.arm).await?;
        let (login, login_port) = bind("login", ports.login).await?;
        let (imds, imds_port) = bind("imds", ports.imds).await?;
        let (admin, admin_port) = bind("admin", ports.admin).await?;
        let (devops, devops_port) = bind("devops", ports.devops).await?;
        let (blob, blob_port) = bind("blob", ports.blob).await?;
        let endpoints = Endpoints {
            arm: format!("https://127.0.0.1:{arm_port}"),
            login: format!("https://127.0.0.1:{login_port}"),
            imds: format!("http://127.0.0.1:{imds_port}"),
            app_service_identity: format!("http://127.0.0.1:{imds_port}{APP_SERVICE_PATH}"),
            admin: format!("http://127.0.0.1:{admin_port}"),
            devops: format!("https://127.0.0.1:{devops_port}"),
            blob: format!("https://127.0.0.1:{blob_port}"),
        };

        let (state_dir, owned_dir) = match &config.state_dir {
            Some(dir) => (dir.clone(), None),
            None => {
                let dir = std::env::temp_dir().join(format!("az-emulator-{}", random::uuid()));
                (dir.clone(), Some(dir))
            }
        };
        std::fs::create_dir_all(&state_dir).map_err(|source| Error::StateDir {
            path: state_dir.clone(),
            source,
        })?;
        let ca_files = ca_files::write(&state_dir, &certificates.ca_pem)?;

        let identity_header = match &config.identity_header {
            Some(header) => header.clone(),
            None => random::secret(32)?,
        };
        let admin_token = match &config.admin_token {
            Some(token) => token.clone(),
            None => random::bearer_secret()?,
        };
        let defaults = defaults(&seeded, &seeded_devops, &endpoints, &identity_header, &location);
        let env = environment(&endpoints, &ca_files.ca, &ca_files.bundle, &defaults);
        let (runtime, messages) = Runtime::new(
            config.images.clone(),
            platform(&env, &endpoints),
            std::time::Duration::from_millis(config.container_stop_grace_ms),
        );
        let processes = Arc::clone(&runtime.table);
        let agent_binary = find_agent_binary(config.devops.agent_binary.as_deref());
        let devops_state = DevopsState {
            pools: AgentPools::new(
                pools_state,
                std::time::Duration::from_secs(config.devops.message_poll_secs),
                std::time::Duration::from_secs(config.devops.session_timeout_secs),
            ),
            packages: AgentPackages::new(
                &config.devops.packages,
                state_dir.join("packages"),
                agent_binary.clone(),
                certificates.ca_pem.clone(),
                endpoints.login.clone(),
                time::OffsetDateTime::now_utc(),
            ),
        };
        let blob_data = BlobData::new(state_dir.join("blob"))?;
        let response_seed = config.responses.seed.unwrap_or_else(|| fastrand::u64(..));
        tracing::info!(
            seed = response_seed,
            "documented answers (a container group DELETE's 200, 202 or 204) are drawn with this seed; set [responses] seed to repeat a run"
        );
        let shared = Arc::new(Shared::new(
            world,
            Faults::new(&config.faults),
            Tokens::generate(config.token_lifetime_secs, config.identity_token_lifetime_secs)?,
            endpoints.clone(),
            Settings {
                location,
                operation_duration: std::time::Duration::from_millis(config.operation_duration_ms),
                retry_after_secs: config.retry_after_secs,
                identity_header,
                draws: random::Draws::new(response_seed),
                container_group_delete: config.responses.container_group_delete.clone(),
            },
            runtime,
            DataPlanes {
                devops: devops_state,
                blob: blob_data,
            },
        ));

        let (stop, stopped) = watch::channel(false);
        let acceptor = TlsAcceptor::from(certificates.server_config);
        let serve = Serve {
            shared: &shared,
            max_connections: config.max_connections,
            stopped: &stopped,
        };
        let tasks = vec![
            serve.spawn(arm, Some(acceptor.clone()), Arm::new(Arc::clone(&shared))),
            serve.spawn(login, Some(acceptor.clone()), Login::new(Arc::clone(&shared))),
            serve.spawn(
                devops,
                Some(acceptor.clone()),
                Devops::new(Arc::clone(&shared), stopped.clone()),
            ),
            serve.spawn(blob, Some(acceptor), Blob::new(Arc::clone(&shared))),
            serve.spawn(imds, None, Identity::new(Arc::clone(&shared))),
            serve.spawn(admin, None, Admin::new(Arc::clone(&shared), admin_token.clone())),
            tokio::spawn(containers::supervise(Arc::clone(&shared), messages, stopped.clone())),
            tokio::spawn(arm::acr_executor(Arc::clone(&shared), stopped.clone())),
        ];

        let ca_file = ca_files.ca;
        tracing::info!(
            arm = %endpoints.arm,
            login = %endpoints.login,
            imds = %endpoints.imds,
            admin = %endpoints.admin,
            devops = %endpoints.devops,
            blob = %endpoints.blob,
            ca_file = %ca_file.display(),
            "az-emulator started"
        );
        Ok(Emulator {
            info: StartupInfo {
                endpoints,
                ca_file,
                ca_bundle_file: ca_files.bundle,
                env,
                defaults,
                admin_token,
            },
            ca_pem: certificates.ca_pem,
            stop,
            tasks,
            owned_dir,
            processes,
            agent_binary,
            shared,
        })
    }

    /// Endpoints, CA file, environment and defaults: exactly what the binary prints.
    pub fn info(&self) -> &StartupInfo {
        &self.info
    }

    /// The bearer secret of the admin API: every request to `endpoints.admin` must carry
    /// `Authorization: Bearer <admin_token>` (also `info().admin_token`).
    pub fn admin_token(&self) -> &str {
        &self.info.admin_token
    }

    /// The typed control API of this emulator: journal, faults, clock, seeds, federated tokens,
    /// Azure DevOps pools, PATs and jobs, as Rust calls on its state (what the admin API does over
    /// HTTP, without HTTP or the admin token). The handle is cheap to clone and may outlive
    /// `self` (it then controls state nobody serves).
    pub fn control(&self) -> Control {
        Control::new(Arc::clone(&self.shared))
    }

    /// The CA certificate, PEM.
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    /// The stand-in agent executable packed into the agent package: `devops.agent_binary`, else
    /// `az-emulator-agent` next to the running executable or in its parent directory.
    pub fn agent_binary(&self) -> Option<&Path> {
        self.agent_binary.as_deref()
    }

    /// Writes the stand-in agent into `dir`, as [`crate::standin::lay_out`] does with this
    /// emulator's agent executable; `NotFound` when there is none.
    pub fn lay_out_agent(&self, dir: &Path) -> std::io::Result<()> {
        let binary = self.agent_binary.as_deref().ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "the emulator has no stand-in agent executable (devops.agent_binary)",
            )
        })?;
        crate::standin::lay_out(dir, binary, &self.info)
    }

    /// Stops accepting, lets open requests finish (up to a few seconds), kills every container
    /// process and waits for the listeners to end.
    pub async fn shutdown(mut self) {
        self.stop.send_replace(true);
        for task in self.tasks.drain(..) {
            if let Err(error) = task.await {
                tracing::warn!(%error, "listener task failed");
            }
        }
        tracing::info!("az-emulator stopped");
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.stop.send_replace(true);
        self.processes.kill_now();
        if let Some(dir) = self.owned_dir.take() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// What every listener task shares.
struct Serve<'a> {
    shared: &'a Arc<Shared>,
    max_connections: usize,
    stopped: &'a watch::Receiver<bool>,
}

impl Serve<'_> {
    /// Starts serving `family` on `listener` (over TLS when `tls` is given).
    fn spawn<F: Family>(&self, listener: TcpListener, tls: Option<TlsAcceptor>, family: F) -> JoinHandle<()> {
        tokio::spawn(listener::run(
            listener,
            tls,
            Arc::new(family),
            Arc::clone(self.shared),
            self.max_connections,
            self.stopped.clone(),
        ))
    }
}

/// A listener on 127.0.0.1 and the port it got.
async fn bind(name: &'static str, port: Option<u16>) -> Result<(TcpListener, u16), Error> {
    let port = port.unwrap_or(0);
    let error = |source| Error::Bind {
        listener: name,
        port,
        source,
    };
    let listener = TcpListener::bind(("127.0.0.1", port)).await.map_err(error)?;
    let bound = listener.local_addr().map_err(error)?.port();
    Ok((listener, bound))
}

/// The platform variables of container processes: the emulator's cloud, endpoints and CA.
fn platform(env: &std::collections::BTreeMap<String, String>, endpoints: &Endpoints) -> Platform {
    let fixed = [
        "AZ_CLOUD",
        "AZ_ARM_ENDPOINT",
        "AZ_AUTHORITY_HOST",
        "AZURE_AUTHORITY_HOST",
        "AZ_CA_BUNDLE",
        "SSL_CERT_FILE",
    ]
    .iter()
    .filter_map(|name| env.get(*name).map(|value| ((*name).to_owned(), value.clone())))
    .collect();
    Platform {
        fixed,
        imds: endpoints.imds.clone(),
    }
}

fn defaults(
    seeded: &Seeded,
    devops: &SeededDevops,
    endpoints: &Endpoints,
    identity_header: &str,
    location: &str,
) -> Defaults {
    let sp = seeded.service_principals.first();
    let identity = seeded
        .managed_identities
        .iter()
        .find(|mi| mi.kind == IdentityKind::User);
    let text = |value: Option<&String>| value.cloned().unwrap_or_default();
    Defaults {
        tenant_id: text(seeded.tenants.first().map(|t| &t.id)),
        client_id: text(sp.map(|sp| &sp.client_id)),
        client_secret: text(sp.map(|sp| &sp.client_secret)),
        subscription_id: text(seeded.subscriptions.first().map(|s| &s.id)),
        resource_group: text(seeded.resource_groups.first().map(|g| &g.name)),
        identity_client_id: text(identity.map(|mi| &mi.client_id)),
        identity_principal_id: text(identity.map(|mi| &mi.principal_id)),
        identity_resource_id: text(identity.map(|mi| &mi.resource_id)),
        identity_header: identity_header.to_owned(),
        location: location.to_owned(),
        devops_organization: devops.organization.clone(),
        devops_url: if devops.organization.is_empty() {
            String::new()
        } else {
            format!("{}/{}", endpoints.devops, devops.organization)
        },
        devops_pool: devops.pool.clone(),
        devops_pat: devops.pat.clone(),
    }
}
