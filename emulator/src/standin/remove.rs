//! `Agent.Listener remove`: deletes the agent from its pool (already gone is fine) and removes
//! the configuration files. Refuses while a listener of this agent runs; fails on purpose when
//! `.remove-fails` exists or `AZ_EMULATOR_AGENT_REMOVE_FAILS=1`.

use std::path::Path;

use hyper::{Method, StatusCode};

use super::client::Client;
use super::files;
use super::inputs::Inputs;
use super::server::{Server, check};
use super::{Failure, credential};

/// The variable that makes `remove` fail on purpose.
pub(crate) const REMOVE_FAILS_VARIABLE: &str = "AZ_EMULATOR_AGENT_REMOVE_FAILS";

/// Unregisters the agent at `root`.
pub(crate) async fn run(root: &Path, inputs: &Inputs) -> Result<(), Failure> {
    let Some(settings) = files::settings(root)? else {
        return Err(Failure::new("The agent is not configured."));
    };
    if root.join(files::REMOVE_FAILS_FILE).exists() || std::env::var(REMOVE_FAILS_VARIABLE).is_ok_and(|v| v == "1") {
        return Err(Failure::new(
            "Failed: Removing agent from the server (scripted failure of the az-emulator stand-in agent)",
        ));
    }
    if files::listener_running(root) {
        return Err(Failure::new(
            "Failed: the agent is running a job; stop it before removing",
        ));
    }
    let emulator = files::emulator(root)?;
    let client = Client::new(&emulator.ca_pem).map_err(Failure::new)?;
    let authorization = credential::authorization(inputs, &client, &emulator.login_endpoint).await?;
    let server = Server {
        client,
        url: settings.server_url.clone(),
        authorization,
    };
    println!("Removing agent from the server");
    let path = format!("pools/{}/agents/{}", settings.pool_id, settings.agent_id);
    let response = server.send(Method::DELETE, &path, &[], None).await?;
    if response.status != StatusCode::NOT_FOUND {
        check(response, &settings.server_url)?;
    }
    println!("Succeeded: Removing agent from the server");
    println!("Removing .credentials");
    files::remove_configuration(root)?;
    println!("Succeeded: Removing .credentials");
    println!("Removing .agent");
    println!("Succeeded: Removing .agent");
    Ok(())
}
