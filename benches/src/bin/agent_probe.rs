//! The process the `agent_install` and `agent_supervise` benchmarks start each time, and the
//! stand-in agent they install (when started as `Agent.Listener`).
//!
//! - `agent_probe install <dest>`: downloads the latest `linux-x64` agent package of `AZP_URL`
//!   (authenticated with `AZP_TOKEN`, trusting `AZ_CA_BUNDLE`) and installs it into `<dest>` as
//!   azp-agent streams it: hashed, gunzipped and untarred on the fly. Prints `bytes=<n>`, then its
//!   own peak resident set size (`peak_rss_kb=<n>`, from `VmHWM`).
//! - `agent_probe supervise <agent-dir> <agent-name>`: a run-once supervision of the agent already
//!   in `<agent-dir>` in pool `AZP_POOL`. Prints `config_us=<n>` (how long `config.sh` itself ran)
//!   and then `listener_started` the moment the listener is spawned; ends on SIGTERM with the
//!   supervisor's exit code.

use arm_core::{HttpTransport, ProcessEnv};
use azp_agent::configure::ConfigureOptions;
use azp_agent::install::{InstallOptions, install_stream};
use azp_agent::supervise::{RunOnce, StopSignals, SuperviseOptions};
use azp_agent::{DevOpsClient, DevOpsClientOptions, DevOpsCredential, OrganizationUrl, Platform};
use azure_core::http::ClientOptions;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::Layer;
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::layer::{Context, SubscriberExt};

fn main() -> ExitCode {
    if az_emulator::standin::invoked_as_standin() {
        return az_emulator::standin::main();
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["install", dest] => runtime.block_on(install(Path::new(dest))),
        ["supervise", dir, name] => runtime.block_on(supervise(Path::new(dir), name)),
        _ => Err("usage: agent_probe install <dest> | supervise <agent-dir> <agent-name>".to_owned()),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("agent_probe: {error}");
            ExitCode::FAILURE
        }
    }
}

fn var(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("{name} is not set"))
}

fn client() -> Result<DevOpsClient, String> {
    let org = OrganizationUrl::parse(&var("AZP_URL")?).map_err(|e| e.to_string())?;
    let credential = DevOpsCredential::pat(var("AZP_TOKEN")?).map_err(|e| e.to_string())?;
    let transport = HttpTransport::from_env(&ProcessEnv).map_err(|e| e.to_string())?;
    let options = DevOpsClientOptions {
        client_options: ClientOptions {
            transport: Some(transport.to_transport()),
            ..Default::default()
        },
        ..Default::default()
    };
    DevOpsClient::new(org, credential, Some(options)).map_err(|e| e.to_string())
}

async fn install(dest: &Path) -> Result<ExitCode, String> {
    let client = client()?;
    let package = client
        .latest_package(Platform::LinuxX64, None)
        .await
        .map_err(|e| e.to_string())?;
    let download = client
        .download_package(&package, None)
        .await
        .map_err(|e| e.to_string())?;
    let total = download.total;
    install_stream(
        download.body,
        package.hash_value.as_deref().unwrap_or_default(),
        dest,
        &InstallOptions::default().with_total(total),
    )
    .await
    .map_err(|e| e.to_string())?;
    println!("bytes={}", total.unwrap_or_default());
    print_peak_rss();
    Ok(ExitCode::SUCCESS)
}

async fn supervise(dir: &Path, name: &str) -> Result<ExitCode, String> {
    let subscriber = tracing_subscriber::registry().with(Marks.with_filter(LevelFilter::DEBUG));
    tracing::subscriber::set_global_default(subscriber).map_err(|e| e.to_string())?;
    let stop = StopSignals::os().map_err(|e| e.to_string())?;
    let client = client()?;
    let mut configure = ConfigureOptions::new(client.organization().clone());
    configure.pool = var("AZP_POOL")?;
    configure.agent_name = name.to_owned();
    let options = SuperviseOptions {
        grace_period: Duration::from_secs(5),
        reap_orphans: Some(false),
        ..Default::default()
    };
    let outcome = RunOnce::new(client, dir, configure).options(options).run(stop).await;
    if !outcome.cleanup.agent_removed {
        return Err(format!("the agent was not removed: {outcome:?}"));
    }
    Ok(ExitCode::from(outcome.exit_code() as u8))
}

fn print_peak_rss() {
    if let Err(error) = benches::rss::print_own_peak_rss() {
        eprintln!("peak RSS: {error}");
    }
}

/// Prints the marks the `agent_supervise` benchmark waits for, from the supervisor's own events.
struct Marks;

impl<S: Subscriber> Layer<S> for Marks {
    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let mark = if fields.message == "listener started" {
            "listener_started".to_owned()
        } else if fields.command == "config.sh" && fields.message.ends_with(" ended") {
            format!("config_us={}", fields.elapsed_us)
        } else {
            return;
        };
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(stdout, "{mark}");
        let _ = stdout.flush();
    }
}

#[derive(Default)]
struct Fields {
    message: String,
    command: String,
    elapsed_us: u64,
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "command" {
            self.command = value.to_owned();
        }
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        if field.name() == "elapsed_us" {
            self.elapsed_us = value;
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.message = format!("{value:?}");
        }
    }
}
