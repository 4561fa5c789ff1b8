//! `Agent.Listener run [--once]`: opens a session with the agent's credential, long-polls for
//! messages, obeys directives, runs jobs, and closes the session on the way out.

use std::path::Path;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hyper::{Method, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};

use super::client::Client;
use super::files::{self, AgentSettings, PidFile};
use super::job::{self, JobMessage, Outcome};
use super::server::{POLL_BACKOFF, Server, check};
use super::signals::Signals;
use super::{Failure, host_name, os_description, stamp, update};

/// Consecutive failed polls after which the listener gives up.
const MAX_POLL_FAILURES: u32 = 5;

/// The body of an `EmulatorDirective`.
#[derive(Deserialize)]
struct Directive {
    action: String,
    #[serde(default)]
    code: u8,
}

/// The body of an `AgentRefresh`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Refresh {
    #[serde(default)]
    target_version: String,
    exit_code: u8,
}

/// A listener with an open session.
struct Listener {
    server: Server,
    settings: AgentSettings,
    session_id: String,
}

/// Runs the listener of the agent at `root`; its exit code.
pub(crate) async fn run(root: &Path, once: bool) -> Result<u8, Failure> {
    let settings =
        files::settings(root)?.ok_or_else(|| Failure::new("The agent is not configured. Run ./config.sh first."))?;
    let mut signals = Signals::install().map_err(|e| Failure::new(format!("cannot install signal handlers: {e}")))?;
    let _pid = PidFile::write(root)?;
    let emulator = files::emulator(root)?;
    let key = files::key(root)?;
    let server = Server {
        client: Client::new(&emulator.ca_pem).map_err(Failure::new)?,
        url: settings.server_url.clone(),
        authorization: format!("Bearer agent.{}.{}", settings.agent_id, URL_SAFE_NO_PAD.encode(key)),
    };
    let listener = tokio::select! {
        listener = Listener::open(server, settings, &emulator.agent_version) => listener?,
        received = signals.recv() => {
            println!("{}: Received {}. Exiting...", stamp(), received.name());
            return Ok(0);
        }
    };
    println!("{}: Listening for Jobs", stamp());
    listener.listen(root, once, &mut signals).await
}

impl Listener {
    /// `POST pools/{poolId}/sessions`.
    async fn open(server: Server, settings: AgentSettings, version: &str) -> Result<Listener, Failure> {
        let body = json!({
            "ownerName": host_name(),
            "agent": {
                "id": settings.agent_id,
                "name": settings.agent_name,
                "version": version,
                "osDescription": os_description(),
            },
            "useFipsEncryption": false,
        });
        let path = format!("pools/{}/sessions", settings.pool_id);
        let response = server.send(Method::POST, &path, &[], Some(body)).await?;
        if response.status == StatusCode::UNAUTHORIZED {
            return Err(rejected());
        }
        let session = check(response, &settings.server_url)?.json();
        let session_id = session["sessionId"]
            .as_str()
            .ok_or_else(|| Failure::new("The server's answer has no session id."))?
            .to_owned();
        Ok(Listener {
            server,
            settings,
            session_id,
        })
    }

    /// Polls and handles messages until the listener should exit.
    async fn listen(self, root: &Path, once: bool, signals: &mut Signals) -> Result<u8, Failure> {
        let mut last_message_id: i64 = 0;
        let mut failures = 0;
        loop {
            let polled = tokio::select! {
                polled = self.poll(last_message_id) => polled,
                received = signals.recv() => {
                    self.close().await;
                    println!("{}: Received {}. Exiting...", stamp(), received.name());
                    return Ok(0);
                }
            };
            let message = match polled {
                Ok(Some(message)) => message,
                Ok(None) => {
                    failures = 0;
                    continue;
                }
                Err(failure) if failure.fatal => return Err(failure.into()),
                Err(failure) => {
                    failures += 1;
                    if failures >= MAX_POLL_FAILURES {
                        return Err(failure.into());
                    }
                    eprintln!("{}: {} (retrying)", stamp(), failure.message);
                    tokio::time::sleep(POLL_BACKOFF).await;
                    continue;
                }
            };
            failures = 0;
            last_message_id = message["messageId"].as_i64().unwrap_or(last_message_id);
            let kind = message["messageType"].as_str().unwrap_or_default();
            let body = message["body"].as_str().unwrap_or("{}");
            self.ack(last_message_id).await;
            match kind {
                "EmulatorDirective" => {
                    let directive: Directive = parse(body)?;
                    if directive.action != "exit" {
                        eprintln!("{}: Unknown directive '{}' ignored.", stamp(), directive.action);
                        continue;
                    }
                    self.close().await;
                    println!(
                        "{}: Exiting with code {} (emulator directive).",
                        stamp(),
                        directive.code
                    );
                    return Ok(directive.code);
                }
                "AgentRefresh" => {
                    let refresh: Refresh = parse(body)?;
                    println!(
                        "{}: Agent update to version {} requested.",
                        stamp(),
                        refresh.target_version
                    );
                    self.close().await;
                    let current = files::emulator(root).map_err(Failure::new)?.agent_version;
                    update::start(root, &current, &refresh.target_version)?;
                    println!(
                        "{}: Agent will exit shortly for update ({}).",
                        stamp(),
                        refresh.exit_code
                    );
                    return Ok(refresh.exit_code);
                }
                "PipelineAgentJobRequest" => {
                    let job: JobMessage = parse(body)?;
                    if let Some(code) = self.run_job(root, &job, signals).await? {
                        return Ok(code);
                    }
                    if once {
                        self.close().await;
                        return Ok(0);
                    }
                }
                other => eprintln!("{}: Message of type '{other}' ignored.", stamp()),
            }
        }
    }

    /// Runs a job and reports its result; `Some(code)` when the listener must exit now.
    async fn run_job(&self, root: &Path, job: &JobMessage, signals: &mut Signals) -> Result<Option<u8>, Failure> {
        println!("{}: Running job: {}", stamp(), job.job_name);
        match job::run(&self.server, &self.settings, root, job, signals).await? {
            Outcome::Finished(result) => {
                job::finish(&self.server, &self.settings, job, result).await?;
                println!(
                    "{}: Job {} completed with result: {}",
                    stamp(),
                    job.job_name,
                    title(result)
                );
                Ok(None)
            }
            Outcome::Canceled(received) => {
                let reported = job::finish(&self.server, &self.settings, job, "canceled").await;
                println!("{}: Job {} completed with result: Canceled", stamp(), job.job_name);
                self.close().await;
                println!("{}: Received {}. Exiting...", stamp(), received.name());
                reported.map(|()| Some(0))
            }
        }
    }

    /// One long poll: a message, or `None` after the server's wait.
    async fn poll(&self, last_message_id: i64) -> Result<Option<Value>, PollFailure> {
        let path = format!("pools/{}/messages", self.settings.pool_id);
        let last = last_message_id.to_string();
        let query = [
            ("sessionId", self.session_id.as_str()),
            ("lastMessageId", last.as_str()),
            ("status", "Online"),
        ];
        let response = self
            .server
            .send(Method::GET, &path, &query, None)
            .await
            .map_err(PollFailure::retry)?;
        match response.status {
            StatusCode::OK => Ok(Some(response.json())),
            StatusCode::NO_CONTENT => Ok(None),
            StatusCode::UNAUTHORIZED => Err(PollFailure::fatal(rejected())),
            StatusCode::NOT_FOUND => Err(PollFailure::fatal(Failure::new(format!(
                "The session ended on the server: {}",
                response.error_message()
            )))),
            _ => Err(PollFailure::retry(Failure::new(response.error_message()))),
        }
    }

    /// `DELETE pools/{poolId}/messages/{id}?sessionId=`.
    async fn ack(&self, message_id: i64) {
        let path = format!("pools/{}/messages/{message_id}", self.settings.pool_id);
        let _ = self
            .server
            .send(Method::DELETE, &path, &[("sessionId", &self.session_id)], None)
            .await;
    }

    /// `DELETE pools/{poolId}/sessions/{id}`: the agent goes offline.
    async fn close(&self) {
        let path = format!("pools/{}/sessions/{}", self.settings.pool_id, self.session_id);
        let closing = self.server.send(Method::DELETE, &path, &[], None);
        let _ = tokio::time::timeout(Duration::from_secs(5), closing).await;
    }
}

/// A failed poll, and whether polling again can help.
struct PollFailure {
    fatal: bool,
    message: String,
    failure: Failure,
}

impl PollFailure {
    fn retry(failure: Failure) -> Self {
        PollFailure {
            fatal: false,
            message: failure.message.clone(),
            failure,
        }
    }

    fn fatal(failure: Failure) -> Self {
        PollFailure {
            fatal: true,
            message: failure.message.clone(),
            failure,
        }
    }
}

impl From<PollFailure> for Failure {
    fn from(failure: PollFailure) -> Failure {
        failure.failure
    }
}

/// The listener's credential was refused: the agent was removed or replaced.
fn rejected() -> Failure {
    Failure::new("The agent's credential was rejected by the server: the agent was removed from the pool or replaced.")
}

fn parse<T: serde::de::DeserializeOwned>(body: &str) -> Result<T, Failure> {
    serde_json::from_str(body).map_err(|e| Failure::new(format!("A message from the server is not valid: {e}")))
}

/// `succeeded` → `Succeeded`.
fn title(result: &str) -> String {
    let mut chars = result.chars();
    chars
        .next()
        .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}
