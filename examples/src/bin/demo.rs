//! The README's main command: `cargo run -p examples --bin demo`.
//!
//! Starts the Azure emulator in this process, signs in with the real
//! `azure_identity::ClientSecretCredential` pointed at the emulator's Entra ID endpoint, creates
//! a resource group through arm-core, lists the subscription's groups, deletes the group as a
//! long-running operation, then runs container groups in a subnet: one job whose log it reads,
//! and one agent that deletes its own group through `SelfDelete` as a managed identity. It shows
//! each step.
//!
//! With `--self-delete-child` it is that agent: the emulator runs this binary as the container's
//! process.

use aci_lifecycle::models::{
    Container, ContainerGroup, ContainerGroupIdentity, ContainerGroupSubnetId, EnvironmentVariable, IpAddress, OsType,
    RestartPolicy,
};
use aci_lifecycle::self_delete::self_delete_from_env;
use aci_lifecycle::{ContainerGroupsClient, ListLogsOptions, WaiterOptions};
use arm_core::azure_core::credentials::TokenRequestOptions;
use arm_core::azure_core::http::ClientOptions;
use arm_core::credentials::CredentialSource;
use arm_core::resource_groups::{ResourceGroup, ResourceGroupsClient};
use arm_core::{ArmClient, ArmClientOptions, ArmEnvironment, LroStatus};
use az_emulator::{Emulator, EmulatorConfig};
use futures::TryStreamExt;
use std::process::ExitCode;
use std::time::{Duration, Instant};

#[tokio::main]
async fn main() -> ExitCode {
    if std::env::args().any(|a| a == SELF_DELETE_CHILD) {
        return self_delete_child().await;
    }
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

const SELF_DELETE_CHILD: &str = "--self-delete-child";
const JOB_IMAGE: &str = "demo/job:1";
const AGENT_IMAGE: &str = "demo/ephemeral-agent:1";
const SUBNET: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-network/providers/Microsoft.Network/virtualNetworks/vnet-build/subnets/agents";

/// The container process of the agent group: say what it does, then delete its own group.
async fn self_delete_child() -> ExitCode {
    println!("agent: job done, deleting my own container group");
    match self_delete_from_env(&arm_core::ProcessEnv).await {
        Ok(outcome) => {
            println!("agent: self-delete {outcome:?}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            println!("agent: self-delete failed: {error}");
            ExitCode::FAILURE
        }
    }
}

fn emulator_config() -> Result<EmulatorConfig, Box<dyn std::error::Error>> {
    let me = std::env::current_exe()?;
    let mut config = EmulatorConfig::default();
    config.images.insert(
        JOB_IMAGE.to_owned(),
        [
            "/bin/sh",
            "-c",
            "echo building in the private network; echo artifact ready",
        ]
        .map(str::to_owned)
        .to_vec(),
    );
    config.images.insert(
        AGENT_IMAGE.to_owned(),
        vec![me.display().to_string(), SELF_DELETE_CHILD.to_owned()],
    );
    Ok(config)
}

fn container_group(image: &str) -> ContainerGroup {
    let mut group = ContainerGroup::new("eastus");
    group.properties.os_type = Some(OsType::Linux);
    group.properties.restart_policy = Some(RestartPolicy::Never);
    group.properties.ip_address = Some(IpAddress::private([]));
    group.properties.subnet_ids = Some(vec![ContainerGroupSubnetId::new(SUBNET)]);
    group
        .properties
        .containers
        .push(Container::new("main", image, 1.0, 1.5));
    group
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let started = Instant::now();
    let step = |n: u32, text: &str| println!("[{:>5.2}s] {n}. {text}", started.elapsed().as_secs_f64());

    step(1, "starting the Azure emulator in this process");
    let emulator = Emulator::start(emulator_config()?).await?;
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
    let groups = ResourceGroupsClient::from_arm(arm.clone(), env.require_subscription_id()?)?;
    let containers = ContainerGroupsClient::from_arm(arm, env.require_subscription_id()?)?;
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

    let rg = &info.defaults.resource_group;
    let wait = Some(WaiterOptions {
        min_delay: Duration::from_millis(250),
        max_delay: Duration::from_secs(1),
        max_wait: Duration::from_secs(60),
    });
    step(
        8,
        &format!("creating container group demo-job ({JOB_IMAGE}) with a private IP in subnet agents"),
    );
    containers
        .begin_create_or_update(rg, "demo-job", &container_group(JOB_IMAGE), None)
        .await?
        .await?;
    let exits = containers.wait_until_terminated(rg, "demo-job", wait.clone()).await?;
    for exit in &exits {
        println!(
            "          container {} exited with {:?} ({})",
            exit.name,
            exit.exit_code,
            exit.detail_status.as_deref().unwrap_or("")
        );
    }
    let logs = containers
        .list_logs(
            rg,
            "demo-job",
            "main",
            Some(ListLogsOptions {
                tail: Some(10),
                timestamps: None,
            }),
        )
        .await?;
    for line in logs.content.unwrap_or_default().lines() {
        println!("          log | {line}");
    }
    containers.begin_delete(rg, "demo-job", None).await?.await?;
    println!("          demo-job deleted");

    step(
        9,
        &format!("creating demo-agent ({AGENT_IMAGE}) with the user-assigned identity; it deletes itself"),
    );
    let mut agent = container_group(AGENT_IMAGE);
    agent.identity = Some(ContainerGroupIdentity::user_assigned([info
        .defaults
        .identity_resource_id
        .clone()]));
    agent.properties.containers[0].properties.environment_variables = Some(vec![
        EnvironmentVariable::plain("AZ_MANAGED_IDENTITY", "true"),
        EnvironmentVariable::plain("AZ_MANAGED_IDENTITY_CLIENT_ID", &info.defaults.identity_client_id),
    ]);
    // The agent may delete its group before the creation's final read, so only start it.
    let _creating = containers
        .begin_create_or_update(rg, "demo-agent", &agent, None)
        .await?;
    let gone = async {
        loop {
            match containers.get(rg, "demo-agent").await {
                Err(error) if error.as_arm().is_some_and(|e| e.is_not_found()) => {
                    return Ok::<_, aci_lifecycle::Error>(());
                }
                Err(error) => return Err(error),
                Ok(group) => {
                    let state = group
                        .properties
                        .instance_view
                        .and_then(|v| v.state)
                        .map(|s| s.to_string());
                    let provisioning = group.properties.provisioning_state.map(|s| s.to_string());
                    println!(
                        "          demo-agent: provisioning {}, state {}",
                        provisioning.unwrap_or_default(),
                        state.unwrap_or_default()
                    );
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(60), gone)
        .await
        .map_err(|_| "demo-agent did not delete itself within 60 s")??;
    println!("          demo-agent is gone (GET answers 404 ResourceNotFound)");

    step(10, "stopping the emulator");
    emulator.shutdown().await;
    println!("done in {:.2}s", started.elapsed().as_secs_f64());
    Ok(())
}
