//! The README's main command: `cargo run -p examples --bin demo`.
//!
//! Starts the Azure emulator in this process, signs in with the real
//! `azure_identity::ClientSecretCredential` pointed at the emulator's Entra ID endpoint, creates
//! a resource group through arm-core, lists the subscription's groups, deletes the group as a
//! long-running operation and shows each step.

use arm_core::azure_core::credentials::TokenRequestOptions;
use arm_core::azure_core::http::ClientOptions;
use arm_core::credentials::CredentialSource;
use arm_core::resource_groups::{ResourceGroup, ResourceGroupsClient};
use arm_core::{ArmClient, ArmClientOptions, ArmEnvironment, LroStatus};
use az_emulator::{Emulator, EmulatorConfig};
use futures::TryStreamExt;
use std::process::ExitCode;
use std::time::Instant;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()))
        .with_writer(std::io::stderr)
        .init();
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("demo failed: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let started = Instant::now();
    let step = |n: u32, text: &str| println!("[{:>5.2}s] {n}. {text}", started.elapsed().as_secs_f64());

    step(1, "starting the Azure emulator in this process");
    let emulator = Emulator::start(EmulatorConfig::default()).await?;
    let info = emulator.info().clone();
    println!("          ARM      {}", info.endpoints.arm);
    println!("          Entra ID {}", info.endpoints.login);
    println!("          IMDS     {}", info.endpoints.imds);
    println!("          CA       {}", info.ca_file.display());

    step(
        2,
        "reading the environment the emulator printed (AZ_CLOUD, AZ_SERVICE_PRINCIPAL, ...)",
    );
    let env = ArmEnvironment::from_env(&info.env)?;
    let CredentialSource::ServicePrincipal {
        tenant_id, client_id, ..
    } = &env.credential_source
    else {
        return Err(format!("expected a service principal, got a {}", env.credential_source.kind()).into());
    };
    println!(
        "          cloud {} ({}), {} {client_id} in tenant {tenant_id}",
        env.cloud,
        env.cloud.arm_endpoint(),
        env.credential_source.kind()
    );

    step(3, "getting an ARM token with azure_identity::ClientSecretCredential");
    let credential = env.credential()?;
    let scope = env.cloud.arm_scope();
    let token = credential
        .get_token(&[scope.as_str()], Some(TokenRequestOptions::default()))
        .await?;
    println!("          token for {scope}, expires {}", token.expires_on);

    // The same credential (and its cached token) signs every ARM request.
    let options = ArmClientOptions {
        client_options: ClientOptions {
            transport: Some(env.transport.to_transport()),
            ..ClientOptions::default()
        },
        ..ArmClientOptions::default()
    };
    let arm = ArmClient::new(&env.cloud, credential, Some(options))?;
    let groups = ResourceGroupsClient::from_arm(arm, env.require_subscription_id()?)?;
    let name = "rg-demo-agents";

    step(4, &format!("creating resource group {name}"));
    let created = groups
        .create_or_update(
            name,
            &ResourceGroup::new(&info.defaults.location).with_tag("purpose", "ephemeral-agents"),
        )
        .await?;
    println!(
        "          {} in {} ({})",
        created.id.as_deref().unwrap_or("?"),
        created.location,
        created
            .properties
            .and_then(|p| p.provisioning_state)
            .unwrap_or_default()
    );

    step(5, "listing the subscription's resource groups");
    let names: Vec<String> = groups
        .list(None)?
        .map_ok(|g| g.name.unwrap_or_default())
        .try_collect()
        .await?;
    println!("          {}", names.join(", "));

    step(6, &format!("deleting {name} (a long-running operation)"));
    let mut poller = groups.begin_delete(name, None).await?;
    if let Some(url) = poller.operation_url() {
        println!("          following {}", url.path());
    }
    let mut polls = 0;
    loop {
        let status = poller.poll().await?;
        polls += 1;
        match status {
            LroStatus::InProgress(state) => println!("          poll {polls}: {state}"),
            other => {
                println!("          poll {polls}: {other:?}");
                break;
            }
        }
    }
    poller.await?;

    step(7, "checking that the group is gone");
    let exists = groups.exists(name).await?;
    println!("          {name} exists: {exists}");
    if exists {
        return Err(format!("{name} still exists after its deletion succeeded").into());
    }

    step(8, "stopping the emulator");
    emulator.shutdown().await;
    println!("done in {:.2}s", started.elapsed().as_secs_f64());
    Ok(())
}
