//! Test support (feature `test-support`): a clock tests drive, a fixed credential, clients
//! whose `https://` requests land on a local mock server, and the checks of serde models
//! against Azure's examples and specs ([`examples`], [`spec_walker`]).

pub mod examples;
pub mod spec_walker;

use crate::client::{ArmClient, ArmClientOptions};
use crate::clock::Clock;
use crate::cloud::Cloud;
use crate::env::EnvSource;
use crate::environment::ArmEnvironment;
use crate::error::Error;
use crate::transport::{HttpTransport, HttpTransportBuilder};
use async_trait::async_trait;
use azure_core::credentials::{AccessToken, Secret, TokenCredential, TokenRequestOptions};
use azure_core::http::ClientOptions;
use azure_core::time::OffsetDateTime;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A clock whose `sleep` returns at once and moves virtual time forward, recording each wait.
#[derive(Debug)]
pub struct ManualClock {
    start: Instant,
    offset: Mutex<Duration>,
    sleeps: Mutex<Vec<Duration>>,
}

impl Default for ManualClock {
    fn default() -> Self {
        Self {
            start: Instant::now(),
            offset: Mutex::new(Duration::ZERO),
            sleeps: Mutex::new(Vec::new()),
        }
    }
}

impl ManualClock {
    /// A new clock at virtual time zero.
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// Virtual time elapsed since the clock was made.
    pub fn elapsed(&self) -> Duration {
        *self.offset.lock().expect("clock lock")
    }

    /// Moves virtual time forward without a recorded sleep (saturating at [`Duration::MAX`]).
    pub fn advance(&self, by: Duration) {
        let mut offset = self.offset.lock().expect("clock lock");
        *offset = offset.saturating_add(by);
    }

    /// Every wait asked for so far, in order.
    pub fn sleeps(&self) -> Vec<Duration> {
        self.sleeps.lock().expect("clock lock").clone()
    }
}

#[async_trait]
impl Clock for ManualClock {
    /// The start plus the virtual time elapsed, at most a century later (an `Instant` cannot go
    /// much further, and no test needs it to).
    fn now(&self) -> Instant {
        const CENTURY: Duration = Duration::from_secs(100 * 365 * 86_400);
        self.start
            .checked_add(self.elapsed().min(CENTURY))
            .unwrap_or(self.start)
    }

    async fn sleep(&self, duration: Duration) {
        self.sleeps.lock().expect("clock lock").push(duration);
        self.advance(duration);
    }
}

/// A credential that always returns the same token and counts how often it was asked.
#[derive(Debug)]
pub struct StaticTokenCredential {
    token: String,
    calls: AtomicUsize,
}

impl StaticTokenCredential {
    /// A credential returning `token`.
    pub fn new(token: &str) -> Arc<Self> {
        Arc::new(Self {
            token: token.to_owned(),
            calls: AtomicUsize::new(0),
        })
    }

    /// How many tokens were asked for.
    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

#[async_trait]
impl TokenCredential for StaticTokenCredential {
    async fn get_token(
        &self,
        _scopes: &[&str],
        _options: Option<TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Ok(AccessToken::new(
            Secret::new(self.token.clone()),
            OffsetDateTime::now_utc() + azure_core::time::Duration::hours(1),
        ))
    }
}

/// A transport that sends the ARM and Entra ID endpoints of every built-in cloud, and IMDS, to
/// `target` (e.g. a wiremock server's `http://127.0.0.1:port`), keeping the `https://` URLs the
/// bearer policy insists on.
pub fn redirecting_transport(target: &str) -> Result<HttpTransport, Error> {
    redirecting_transport_builder(target)?.build()
}

/// The builder of [`redirecting_transport`], to adjust timeouts or trusted roots first.
pub fn redirecting_transport_builder(target: &str) -> Result<HttpTransportBuilder, Error> {
    let mut builder = HttpTransport::builder();
    for cloud in [Cloud::public(), Cloud::china(), Cloud::us_government()] {
        builder = builder
            .rewrite_origin("test target", cloud.arm_endpoint().as_str(), target)?
            .rewrite_origin("test target", cloud.authority_host().as_str(), target)?;
    }
    builder.rewrite_origin("test target", "http://169.254.169.254", target)
}

/// An [`ArmClient`] for the public cloud whose requests go to `mock_uri`, authenticated with a
/// [`StaticTokenCredential`] (`Bearer test-token`), using `options` for retry, clock and
/// api-version (its transport is replaced).
pub fn mock_arm_client(mock_uri: &str, options: Option<ArmClientOptions>) -> Result<ArmClient, Error> {
    let mut options = options.unwrap_or_default();
    options.client_options = ClientOptions {
        transport: Some(redirecting_transport(mock_uri)?.to_transport()),
        ..options.client_options
    };
    ArmClient::new(
        &Cloud::public(),
        StaticTokenCredential::new("test-token"),
        Some(options),
    )
}

/// An [`ArmClient`] for the emulator, from the `env` object of the JSON line it prints
/// (`StartupInfo::env` of az-emulator), possibly with some variables replaced, using `options`
/// for retry, clock and api-version. Credentials are the real azure_identity ones.
pub fn emulator_arm_client(env: &dyn EnvSource, options: Option<ArmClientOptions>) -> Result<ArmClient, Error> {
    ArmEnvironment::from_env(env)?.arm_client_with(options.unwrap_or_default())
}

/// A bare reqwest client over rustls (ring) that trusts only the certificates of `ca_pem`, for
/// tests and benchmarks that speak to a server without arm-core (an empty string for plain HTTP).
pub fn reqwest_client_trusting(ca_pem: &str) -> reqwest::Client {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(ca_pem.as_bytes()) {
        roots.add(cert.expect("a PEM certificate")).expect("a CA certificate");
    }
    let tls = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .expect("TLS protocol versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    reqwest::Client::builder()
        .use_preconfigured_tls(tls)
        .build()
        .expect("a reqwest client")
}

/// A wiremock responder that answers with the given responses in order, repeating the last one.
///
/// ```
/// use arm_core::test_support::ScriptedResponses;
/// use wiremock::ResponseTemplate;
///
/// let throttled_then_ok = ScriptedResponses::new(vec![ResponseTemplate::new(429), ResponseTemplate::new(200)]);
/// # let _ = throttled_then_ok;
/// ```
pub struct ScriptedResponses(Mutex<Vec<wiremock::ResponseTemplate>>);

impl ScriptedResponses {
    /// A responder playing `responses`.
    ///
    /// # Panics
    /// When `responses` is empty.
    pub fn new(mut responses: Vec<wiremock::ResponseTemplate>) -> Self {
        assert!(!responses.is_empty(), "a script needs at least one response");
        responses.reverse();
        Self(Mutex::new(responses))
    }
}

impl wiremock::Respond for ScriptedResponses {
    fn respond(&self, _request: &wiremock::Request) -> wiremock::ResponseTemplate {
        let mut left = self.0.lock().expect("script lock");
        if left.len() > 1 {
            left.pop().expect("a response")
        } else {
            left[0].clone()
        }
    }
}

/// An ARM error envelope with `x-ms-request-id: req-42` and
/// `x-ms-correlation-request-id: corr-42`.
pub fn arm_error(status: u16, code: &str, message: &str) -> wiremock::ResponseTemplate {
    wiremock::ResponseTemplate::new(status)
        .insert_header("x-ms-request-id", "req-42")
        .insert_header("x-ms-correlation-request-id", "corr-42")
        .set_body_json(serde_json::json!({"error": {"code": code, "message": message}}))
}

/// Live (not zombie) processes whose command line mentions `dir` or whose working directory is
/// under it, as `(pid, command line)`: what a test of child processes expects to find empty once
/// everything it started in `dir` has ended. Linux only (reads `/proc`).
pub fn processes_under(dir: &std::path::Path) -> Vec<(i32, String)> {
    let needle = dir.to_string_lossy().into_owned();
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        if process_state(pid) == Some('Z') {
            continue;
        }
        let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        let cwd = std::fs::read_link(format!("/proc/{pid}/cwd")).unwrap_or_default();
        if cmdline.contains(&needle) || cwd.starts_with(dir) {
            found.push((pid, cmdline));
        }
    }
    found
}

/// The state letter of process `pid` from `/proc/{pid}/stat` (`R`, `S`, `Z` for a zombie...),
/// `None` when it is gone.
pub fn process_state(pid: i32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat.rsplit(')').next()?.trim_start().chars().next()
}

/// One scenario of a harness-less end-to-end test binary: its name, and the test given a clone
/// of the binary's context.
pub type Scenario<C> = (
    &'static str,
    fn(C) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>,
);

/// Runs `scenarios` in turn on a multi-thread runtime, each given a clone of `context`, printing
/// `scenario <name> ...` and `scenario <name> ok (<ms> ms)`; a first command-line argument that
/// does not start with `-` keeps only the scenarios whose name contains it. A failing scenario
/// panics, which ends the binary with a non-zero exit code.
pub fn run_scenarios<C: Clone>(scenarios: Vec<Scenario<C>>, context: C) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async {
        let only = std::env::args().nth(1).filter(|a| !a.starts_with('-'));
        for (name, scenario) in scenarios {
            if only.as_deref().is_some_and(|o| !name.contains(o)) {
                continue;
            }
            let started = Instant::now();
            println!("scenario {name} ...");
            scenario(context.clone()).await;
            println!("scenario {name} ok ({} ms)", started.elapsed().as_millis());
        }
    });
}

/// Waits until `check` answers true, polling with the project's [`Waiter`](crate::Waiter)
/// (every 50 ms, then up to every 200 ms); panics with "timed out waiting for {what}" after
/// `max_wait`.
pub async fn wait_until<F: std::future::Future<Output = bool>>(
    what: &str,
    max_wait: Duration,
    mut check: impl FnMut() -> F,
) {
    let options = crate::WaiterOptions {
        min_delay: Duration::from_millis(50),
        max_delay: Duration::from_millis(200),
        max_wait,
        jitter: false,
    };
    let waited = crate::Waiter::new(options, Arc::new(crate::TokioClock))
        .wait(
            || {
                let done = check();
                async move { Ok::<bool, std::convert::Infallible>(done.await) }
            },
            |done| match done {
                Ok(true) => crate::Acceptance::Success(()),
                _ => crate::Acceptance::Retry,
            },
        )
        .await;
    assert!(waited.is_ok(), "timed out waiting for {what}");
}
