//! The demo's ACR story: a container build on a dedicated ACR task agent pool in a private
//! network, through `acr-agentpool`, as a pipeline step would run it instead of `az acr build
//! --agent-pool`.
//!
//! The administrator's setup: a Premium registry, and a subnet whose network security group
//! allows every outbound destination a pool needs on 443 but lets a deny-all rule at priority
//! 4000 catch AzureMonitor on 12000, the rule people forget (learn.microsoft.com "Run an ACR
//! task on a dedicated agent pool", "Add firewall rules"; `acr_agentpool::network::REQUIRED_OUTBOUND`).
//! Azure would accept a pool there, report it `Succeeded`, and queue its runs forever;
//! `acr-agentpool preflight` shows the missing rule in its table and `create` refuses the subnet
//! before anything is written. Once the rule is added, the preflight passes, the pool is created
//! in the subnet, a small context with a Dockerfile is built on it by the emulator's run executor
//! with its log streamed (one step per Dockerfile instruction) and the image's digest at the
//! end; then the pool is scaled to 0 and deleted.

use crate::image_story::pipeline_variables;
use crate::story::{Demo, Result};
use acr_agentpool::client::REGISTRY_API_VERSION;
use acr_agentpool::network::{DEFAULT_NETWORK_API_VERSION, REQUIRED_OUTBOUND};
use arm_core::azure_core::http::Method;
use arm_core::{ArmClient, ArmEnvironment, ResourceId};
use az_emulator::ListenerKind;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

/// The emulator's `[acr]` section for the story: each step of a run (a Dockerfile instruction,
/// the push) lasts 400 ms, so that the log visibly streams and the build takes a few seconds.
pub(super) const CONFIG: &str = "[acr]\nstep_ms = 400\n";

/// The registry (Premium: agent pools need it).
const REGISTRY: &str = "acrdemobuilds";
/// The virtual network, its subnet and the subnet's security group.
const VNET: &str = "vnet-acr";
const SUBNET: &str = "acr-agents";
const NSG: &str = "nsg-acr-agents";
/// The rule that blocks what the allow rules do not name.
const DENY_ALL: &str = "DenyAllOutbound";
/// The rule the administrator forgot, added once the preflight shows it missing.
const FIX: &str = "AllowAzureMonitor12000";
/// The port the forgotten rule opens.
const MONITOR_PORT: u16 = 12000;
/// The agent pool: S2 (4 vCPU), one instance.
const POOL: &str = "pool-build";
/// The image the build pushes; `{{.Run.ID}}` becomes the run's id.
const IMAGE: &str = "app:{{.Run.ID}}";

/// Steps 15 to 21.
pub(super) async fn run(demo: &Demo, env: &ArmEnvironment) -> Result<()> {
    demo.step(
        15,
        "ACR agent pools: the administrator's setup: a Premium registry, and a subnet whose \
         security group allows the pool's destinations on 443 and denies everything else",
    );
    let setup = Setup::create(demo, env).await?;
    let subnet = setup.subnet.to_string();

    demo.step(
        16,
        "`acr-agentpool preflight`: the subnet's outbound rules against what a pool needs",
    );
    let table = demo
        .run_tool_expecting(
            "acr-agentpool",
            &["preflight", "--registry", REGISTRY, "--subnet-id", &subnet],
            &demo.base_env(),
            1,
        )
        .await?;
    if !table.contains(DENY_ALL) {
        return Err(format!("the preflight table names no {DENY_ALL} rule").into());
    }
    println!(
        "          exit code 1: AzureMonitor:{MONITOR_PORT} is denied by {DENY_ALL}; \
         a pool there would report Succeeded and queue its runs forever"
    );
    let mark = demo.control.journal().last().map_or(0, |entry| entry.seq);
    demo.run_tool_expecting("acr-agentpool", &create_args(&subnet), &demo.base_env(), 2)
        .await?;
    let writes = writes_since(demo, mark);
    if !writes.is_empty() {
        return Err(format!("the refused create wrote: {writes:?}").into());
    }
    println!("          exit code 2: create refused the subnet; the emulator's journal shows no write");

    demo.step(17, &format!("the administrator adds {FIX}; the preflight passes"));
    setup.add_monitor_rule().await?;
    println!("          {NSG}: {FIX} (priority 300, AzureMonitor, TCP {MONITOR_PORT}, Allow)");
    demo.run_tool_expecting(
        "acr-agentpool",
        &["preflight", "--registry", REGISTRY, "--subnet-id", &subnet],
        &demo.base_env(),
        0,
    )
    .await?;

    demo.step(
        18,
        "pipeline run 105: `acr-agentpool create`: the checks (Premium, region, vCPU quota, the subnet), then the pool",
    );
    demo.run_tool_expecting("acr-agentpool", &create_args(&subnet), &demo.base_env(), 0)
        .await?;

    demo.step(
        19,
        "`acr-agentpool build` on the pool (instead of `az acr build --agent-pool`): the context \
         packed and uploaded, the log streamed, the image's digest at the end",
    );
    let context = build_context(&demo.scratch)?;
    let output = demo
        .run_tool_expecting(
            "acr-agentpool",
            &build_args(&context).iter().map(String::as_str).collect::<Vec<_>>(),
            &demo.base_env(),
            0,
        )
        .await?;
    let variables = pipeline_variables(&output);
    println!("          the variables it set, for the pipeline's next steps:");
    for (name, value) in &variables {
        println!("            $({name}) = {value}");
    }
    let digest = variables
        .get(acr_agentpool::flow::variables::IMAGE_DIGEST)
        .ok_or("acr-agentpool build printed no image digest")?;
    if !digest.starts_with("sha256:") {
        return Err(format!("the image digest {digest} is not a sha256 digest").into());
    }

    demo.step(
        20,
        "after the pipeline: the pool scaled to 0 (no instance billed, runs would queue), then deleted",
    );
    demo.run_tool_expecting(
        "acr-agentpool",
        &["update", "--registry", REGISTRY, "--name", POOL, "--count", "0"],
        &demo.base_env(),
        0,
    )
    .await?;
    demo.run_tool_expecting(
        "acr-agentpool",
        &["delete", "--registry", REGISTRY, "--name", POOL],
        &demo.base_env(),
        0,
    )
    .await?;

    demo.step(21, "checking that the registry has no agent pool left");
    let pools = setup.pools().await?;
    println!("          agent pools of {REGISTRY}: {}", pools.len());
    if !pools.is_empty() {
        return Err(format!("agent pools left: {pools:?}").into());
    }
    Ok(())
}

/// What the administrator set up once for the builds.
struct Setup {
    arm: ArmClient,
    registry: ResourceId,
    nsg: ResourceId,
    subnet: ResourceId,
}

impl Setup {
    /// The registry, the security group and the virtual network with its subnet, over ARM as
    /// the pipeline's service principal (Owner: it may also join the subnet,
    /// `Microsoft.Network/virtualNetworks/subnets/join/action`, which ARM checks when a pool is
    /// placed there).
    async fn create(demo: &Demo, env: &ArmEnvironment) -> Result<Setup> {
        let d = &demo.info.defaults;
        let in_group = |provider: &str, kind: &str, name: &str| {
            ResourceId::resource(&d.subscription_id, &d.resource_group, provider, kind, name)
        };
        let vnet = in_group("Microsoft.Network", "virtualNetworks", VNET);
        let setup = Setup {
            arm: env.arm_client()?,
            registry: in_group("Microsoft.ContainerRegistry", "registries", REGISTRY),
            nsg: in_group("Microsoft.Network", "networkSecurityGroups", NSG),
            subnet: ResourceId::parse(&format!("{vnet}/subnets/{SUBNET}"))?,
        };
        let registry = json!({ "location": d.location, "sku": { "name": "Premium" } });
        let security_group = json!({
            "location": d.location,
            "properties": { "securityRules": security_rules() }
        });
        // The registry and the security group do not depend on each other: made together.
        let (registry_id, nsg_id) = (setup.registry.to_string(), setup.nsg.to_string());
        futures::try_join!(
            setup.put(&registry_id, REGISTRY_API_VERSION, registry),
            setup.put(&nsg_id, DEFAULT_NETWORK_API_VERSION, security_group),
        )?;
        println!("          registry {REGISTRY}: Premium, {}", d.location);
        println!("          security group {NSG}, outbound:");
        for requirement in REQUIRED_OUTBOUND.iter().filter(|r| r.port != MONITOR_PORT) {
            println!("            Allow {requirement}");
        }
        println!("            Deny  * at priority 4000 ({DENY_ALL})");
        let network = json!({
            "location": d.location,
            "properties": {
                "addressSpace": { "addressPrefixes": ["10.20.0.0/16"] },
                "subnets": [{
                    "name": SUBNET,
                    "properties": { "addressPrefix": "10.20.1.0/24", "networkSecurityGroup": { "id": nsg_id } }
                }]
            }
        });
        setup
            .put(&vnet.to_string(), DEFAULT_NETWORK_API_VERSION, network)
            .await?;
        println!("          virtual network {VNET}, subnet {SUBNET} (10.20.1.0/24) behind {NSG}");
        Ok(setup)
    }

    /// The forgotten rule, added as a child resource of the security group (learn.microsoft.com
    /// "Security Rules - Create Or Update").
    async fn add_monitor_rule(&self) -> Result<()> {
        let path = format!("{}/securityRules/{FIX}", self.nsg);
        let rule = outbound_rule(FIX, 300, "Allow", "AzureMonitor", &MONITOR_PORT.to_string());
        let body = json!({ "properties": rule["properties"] });
        self.put(&path, DEFAULT_NETWORK_API_VERSION, body).await?;
        Ok(())
    }

    /// The names of the registry's agent pools, listed over ARM.
    async fn pools(&self) -> Result<Vec<String>> {
        let path = format!("{}/agentPools", self.registry);
        let request = self
            .arm
            .request(Method::Get, &path, acr_agentpool::DEFAULT_API_VERSION)?;
        let list = self.arm.send_json::<Value>(request).await?;
        Ok(list["value"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|pool| pool["name"].as_str().map(str::to_owned))
            .collect())
    }

    /// PUT of `path` as a long-running operation, waited for.
    async fn put(&self, path: &str, api_version: &str, body: Value) -> Result<Value> {
        let request = self.arm.request(Method::Put, path, api_version)?.json(&body)?;
        Ok(self.arm.begin::<Value>(request, None).await?.await?)
    }
}

/// The security group's outbound rules: an Allow for every destination a pool needs but
/// AzureMonitor on 12000, from priority 100 up, and [`DENY_ALL`] at 4000.
fn security_rules() -> Vec<Value> {
    let allowed = REQUIRED_OUTBOUND.iter().filter(|r| r.port != MONITOR_PORT);
    let mut rules: Vec<Value> = allowed
        .zip((100u32..).step_by(10))
        .map(|(requirement, priority)| {
            let name = format!("Allow{}{}", requirement.service_tag, requirement.port);
            let port = requirement.port.to_string();
            outbound_rule(&name, priority, "Allow", requirement.service_tag, &port)
        })
        .collect();
    rules.push(outbound_rule(DENY_ALL, 4000, "Deny", "*", "*"));
    rules
}

/// An outbound TCP rule from the virtual network to `destination` on `ports`
/// (learn.microsoft.com "Network security groups": service tags as destination prefixes).
fn outbound_rule(name: &str, priority: u32, access: &str, destination: &str, ports: &str) -> Value {
    json!({
        "name": name,
        "properties": {
            "access": access, "direction": "Outbound", "priority": priority, "protocol": "Tcp",
            "sourceAddressPrefix": "VirtualNetwork", "sourcePortRange": "*",
            "destinationAddressPrefix": destination, "destinationPortRange": ports
        }
    })
}

/// The writes (PUT, POST, DELETE, PATCH on ARM or Blob) in the emulator's journal after entry
/// `after`.
fn writes_since(demo: &Demo, after: u64) -> Vec<String> {
    demo.control
        .journal()
        .into_iter()
        .filter(|entry| entry.seq > after)
        .filter(|entry| matches!(entry.listener, ListenerKind::Arm | ListenerKind::Blob))
        .filter(|entry| matches!(entry.method.as_str(), "PUT" | "POST" | "DELETE" | "PATCH"))
        .map(|entry| format!("{} {}", entry.method, entry.path))
        .collect()
}

/// `create` of [`POOL`] in `subnet`: S2, one instance.
fn create_args(subnet: &str) -> [&str; 11] {
    [
        "create",
        "--registry",
        REGISTRY,
        "--name",
        POOL,
        "--tier",
        "S2",
        "--count",
        "1",
        "--subnet-id",
        subnet,
    ]
}

/// `build` of `context` on [`POOL`], tagged [`IMAGE`].
fn build_args(context: &Path) -> Vec<String> {
    let args = ["build", "--registry", REGISTRY, "--agent-pool", POOL, "--image", IMAGE];
    let mut args: Vec<String> = args.into_iter().map(str::to_owned).collect();
    args.push(context.display().to_string());
    args
}

/// The build context: a Dockerfile, the script it copies, and a local log file that
/// `.dockerignore` keeps out of the archive (as `az acr build` reads it).
fn build_context(scratch: &Path) -> Result<PathBuf> {
    let folder = scratch.join("acr-context");
    std::fs::create_dir_all(&folder)?;
    std::fs::write(
        folder.join("Dockerfile"),
        "FROM mcr.microsoft.com/azurelinux/base/core:3.0\n\
         COPY hello.sh /usr/local/bin/hello\n\
         RUN chmod 755 /usr/local/bin/hello\n\
         USER 1000\n\
         ENTRYPOINT [\"/usr/local/bin/hello\"]\n",
    )?;
    std::fs::write(
        folder.join("hello.sh"),
        "#!/bin/sh\necho hello from an ACR agent pool\n",
    )?;
    std::fs::write(folder.join(".dockerignore"), "*.log\n")?;
    std::fs::write(folder.join("local-test.log"), "not sent\n")?;
    Ok(folder)
}
