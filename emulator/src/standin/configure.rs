//! `Agent.Listener configure`: finds the pool, registers (or with `--replace` replaces) the
//! agent with a fresh key, and saves `.agent`, `.credentials` and `.credentials_rsaparams`.

use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hyper::{Method, StatusCode};
use serde_json::{Value, json};

use super::client::Client;
use super::files::{self, AgentSettings};
use super::inputs::Inputs;
use super::server::{Server, check};
use super::{Failure, credential, host_name, os_description, stamp};

/// Configures the agent at `root`.
pub(crate) async fn run(root: &Path, inputs: &Inputs) -> Result<(), Failure> {
    if files::settings(root)?.is_some() {
        return Err(Failure::new(
            "Cannot configure the agent because it is already configured. To reconfigure the agent, run 'config.cmd remove' or './config.sh remove' first.",
        ));
    }
    let emulator = files::emulator(root)?;
    println!(">> Connect:");
    println!();
    let url = credential::required(inputs, "url")?.trim_end_matches('/').to_owned();
    let pool_name = inputs.get("pool").unwrap_or("Default").to_owned();
    let agent_name = match inputs.get("agent") {
        Some(name) => name.to_owned(),
        None => host_name(),
    };
    let work = inputs.get("work").unwrap_or("_work").to_owned();
    let client = Client::new(&emulator.ca_pem).map_err(Failure::new)?;
    let authorization = credential::authorization(inputs, &client, &emulator.login_endpoint).await?;
    let server = Server {
        client,
        url: url.clone(),
        authorization,
    };
    println!("Connecting to server ...");
    let pools = server
        .expect(Method::GET, "pools", &[("poolName", &pool_name)], None)
        .await?
        .json();
    let Some(pool_id) = pools["value"]
        .as_array()
        .and_then(|pools| pools.first())
        .and_then(|pool| pool["id"].as_i64())
        .and_then(|id| i32::try_from(id).ok())
    else {
        return Err(Failure::new(format!("Agent pool not found: '{pool_name}'")));
    };
    println!();
    println!(">> Register Agent:");
    println!();
    println!("Scanning for tool capabilities.");
    println!("Connecting to the server.");
    let path = format!("pools/{pool_id}/agents");
    let existing = server
        .expect(Method::GET, &path, &[("agentName", &agent_name)], None)
        .await?
        .json();
    let existing_id = existing["value"]
        .as_array()
        .and_then(|agents| agents.first())
        .and_then(|agent| agent["id"].as_i64());
    let key = crate::random::key_bytes(32).map_err(|e| Failure::new(e.to_string()))?;
    let body = agent_body(&agent_name, &emulator.agent_version, &key);
    let registered = match existing_id {
        Some(_) if !inputs.flag("replace") => {
            return Err(Failure::new(format!(
                "Pool {pool_id} already contains an agent with name {agent_name}."
            )));
        }
        Some(id) => {
            let response = server
                .expect(Method::PUT, &format!("{path}/{id}"), &[], Some(body))
                .await?;
            println!("Successfully replaced the agent");
            response.json()
        }
        None => {
            let response = server.send(Method::POST, &path, &[], Some(body)).await?;
            if response.status == StatusCode::CONFLICT {
                return Err(Failure::new(response.error_message()));
            }
            let response = check(response, &url)?;
            println!("Successfully added the agent");
            response.json()
        }
    };
    let agent_id = registered["id"]
        .as_i64()
        .and_then(|id| i32::try_from(id).ok())
        .ok_or_else(|| Failure::new("The server's answer has no agent id."))?;
    println!("Testing agent connection.");
    let settings = AgentSettings {
        agent_id,
        agent_name,
        pool_id,
        pool_name,
        server_url: url,
        work_folder: work,
    };
    let authorization = &registered["authorization"];
    files::save(
        root,
        &settings,
        authorization["clientId"].as_str().unwrap_or_default(),
        authorization["authorizationUrl"].as_str().unwrap_or_default(),
        &key,
    )?;
    let _ = std::fs::create_dir_all(files::work_folder(root, &settings));
    println!("{}: Settings Saved.", stamp());
    Ok(())
}

/// The `TaskAgent` to register: the key goes as the public key's modulus.
fn agent_body(name: &str, version: &str, key: &[u8]) -> Value {
    json!({
        "name": name,
        "version": version,
        "osDescription": os_description(),
        "enabled": true,
        "maxParallelism": 1,
        "provisioningState": "Provisioned",
        "authorization": {
            "publicKey": { "exponent": "AQAB", "modulus": STANDARD.encode(key) },
        },
        "systemCapabilities": {
            "Agent.Name": name,
            "Agent.OS": "Linux",
            "Agent.Version": version,
        },
    })
}
