//! The world of the library's end-to-end tests: an in-process az-emulator reached over TLS with
//! real `azure_identity` credentials from its environment (`ArmEnvironment::from_env`), a
//! pipeline principal with Owner, registries created over ARM (a Premium one in a region with
//! agent pools, a Basic one, a Premium one in a region without), the image `local/echo:1`
//! mapped to a shell command for `cmd` steps, subnets made to order, and [`AgentPoolFlow`]s on
//! it with short waits (either api-version).

#![allow(dead_code)] // each test file uses part of it

use acr_agentpool::client::{RegistriesClientOptions, RunListOptions};
use acr_agentpool::flow::RunControlOptions;
use acr_agentpool::logs::LogFollowOptions;
use acr_agentpool::model::Run;
use acr_agentpool::network::NetworkClient;
use acr_agentpool::{AgentPoolFlow, RegistriesClient, RegistryRef};
use arm_core::azure_core::http::Method;
use arm_core::storage::{StorageClient, StorageClientOptions};
use arm_core::{ArmClient, ArmClientOptions, ArmEnvironment, PollOptions, RetryOptions, WaiterOptions};
use az_emulator::{Control, Emulator, EmulatorConfig, ListenerKind};
use futures::TryStreamExt;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::time::Duration;

/// The resource group of everything the tests make.
pub const RG: &str = "rg-emulator";
/// A Premium registry in a region with agent pools.
pub const REGISTRY: &str = "acrlibpremium";
/// A Basic registry (no agent pools).
pub const BASIC: &str = "acrlibbasic";
/// A Premium registry in a region without agent pools (as of the dated list).
pub const ELSEWHERE: &str = "acrlibwestus";
/// The region of [`REGISTRY`] and [`BASIC`].
pub const REGION: &str = "eastus";
const REGISTRY_API: &str = "2023-07-01";
const NETWORK_API: &str = "2024-05-01";

/// The emulator's configuration: short operations, run steps of `step_ms`, the mapped image.
fn config(step_ms: u64) -> EmulatorConfig {
    EmulatorConfig::from_toml_str(&format!(
        r#"
operation_duration_ms = 200
retry_after_secs = 1

[acr]
step_ms = {step_ms}

[images]
"local/echo:1" = ["sh", "-c", "echo \"hello from $1\"", "sh"]

[[tenants]]

[[subscriptions]]

[[resource_groups]]
name = "{RG}"

[[service_principals]]
name = "pipeline"
roles = [{{ role = "Owner" }}]
"#
    ))
    .expect("the tests' emulator configuration")
}

/// Retries that do not make a faulted test slow.
fn fast_retries() -> RetryOptions {
    RetryOptions {
        max_retries: 10,
        initial_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(200),
        deadline: Duration::from_secs(30),
    }
}

/// Polls of long-running operations every 50 to 200 ms.
pub fn fast_poll() -> PollOptions {
    PollOptions {
        default_delay: Duration::from_millis(100),
        min_delay: Duration::from_millis(50),
        max_delay: Duration::from_millis(200),
        deadline: Some(Duration::from_secs(60)),
    }
}

/// A waiter every 50 to 200 ms for at most `max_wait`.
fn quick(max_wait: Duration) -> WaiterOptions {
    WaiterOptions {
        min_delay: Duration::from_millis(50),
        max_delay: Duration::from_millis(200),
        max_wait,
        jitter: false,
    }
}

/// The emulator, and the clients of a pipeline on it.
pub struct World {
    pub emulator: Emulator,
    pub control: Control,
    pub arm: ArmClient,
    pub subscription: String,
    pub storage: StorageClient,
    dir: Folder,
}

/// The test's folder (build contexts), removed when it ends.
struct Folder(PathBuf);

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl World {
    /// An emulator whose run steps last `step_ms`, with the three registries.
    pub async fn start(step_ms: u64) -> World {
        let emulator = Emulator::start(config(step_ms)).await.expect("emulator");
        let environment = ArmEnvironment::from_env(&emulator.info().env).expect("environment");
        let arm = environment
            .arm_client_with(ArmClientOptions {
                retry: fast_retries(),
                ..Default::default()
            })
            .expect("ARM client");
        let subscription = environment.require_subscription_id().expect("subscription").to_owned();
        let storage = StorageClient::for_environment(
            &environment,
            Some(StorageClientOptions {
                retry: fast_retries(),
                ..Default::default()
            }),
        )
        .expect("storage client");
        let dir = std::env::temp_dir().join(format!("acr-agentpool-lib-e2e-{:016x}", fastrand::u64(..)));
        std::fs::create_dir_all(&dir).unwrap();
        let world = World {
            control: emulator.control(),
            emulator,
            arm,
            subscription,
            storage,
            dir: Folder(dir),
        };
        for (name, sku, region) in [
            (REGISTRY, "Premium", REGION),
            (BASIC, "Basic", REGION),
            (ELSEWHERE, "Premium", "westus"),
        ] {
            let body = json!({ "location": region, "sku": { "name": sku } });
            world.put(&world.registry_id(name), REGISTRY_API, body).await;
        }
        world
    }

    /// The flows on this emulator with `api_version` for pools, runs and tasks, short waits
    /// and a quick log follow.
    pub fn flow(&self, api_version: &str) -> AgentPoolFlow {
        let options = RegistriesClientOptions {
            api_version: api_version.to_owned(),
            ..Default::default()
        };
        let registries = RegistriesClient::new(self.arm.clone(), &self.subscription, Some(options)).unwrap();
        let follow = LogFollowOptions {
            status_interval: Duration::from_millis(300),
            settle: Duration::from_secs(1),
            confirm: quick(Duration::from_secs(30)),
            max_wait: Duration::from_secs(60),
            ..LogFollowOptions::default()
        };
        let control = RunControlOptions {
            schedule_attempts: 3,
            find_lost_run: quick(Duration::from_secs(3)),
            cancel_wait: quick(Duration::from_secs(30)),
        };
        AgentPoolFlow::new(
            registries,
            NetworkClient::new(self.arm.clone(), None),
            self.storage.clone(),
        )
        .with_follow_options(follow)
        .with_run_control(control)
    }

    /// Registry `name` of [`RG`].
    pub fn registry(&self, name: &str) -> RegistryRef {
        RegistryRef {
            name: name.to_owned(),
            resource_group: Some(RG.to_owned()),
        }
    }

    /// The id of a resource of [`RG`]: `<provider type>/<name>`.
    pub fn id(&self, type_and_name: &str) -> String {
        format!(
            "/subscriptions/{}/resourceGroups/{RG}/providers/{type_and_name}",
            self.subscription
        )
    }

    /// The id of registry `name`.
    pub fn registry_id(&self, name: &str) -> String {
        self.id(&format!("Microsoft.ContainerRegistry/registries/{name}"))
    }

    /// PUT of `path` as a long-running operation, waited for.
    pub async fn put(&self, path: &str, api_version: &str, body: Value) -> Value {
        let request = self
            .arm
            .request(Method::Put, path, api_version)
            .unwrap()
            .json(&body)
            .unwrap();
        self.arm
            .begin::<Value>(request, Some(fast_poll()))
            .await
            .unwrap_or_else(|e| panic!("PUT {path}: {e}"))
            .await
            .unwrap_or_else(|e| panic!("PUT {path}: {e}"))
    }

    /// Task `name` of [`REGISTRY`] whose one step runs `local/echo:1 <word>`, on `pool` if given.
    pub async fn task(&self, name: &str, word: &str, pool: Option<&str>) {
        use base64::Engine;
        let yaml = format!("version: v1.1.0\nsteps:\n  - cmd: local/echo:1 {word}\n");
        let mut properties = json!({
            "platform": { "os": "Linux", "architecture": "amd64" },
            "status": "Enabled",
            "step": {
                "type": "EncodedTask",
                "encodedTaskContent": base64::engine::general_purpose::STANDARD.encode(yaml),
            }
        });
        if let Some(pool) = pool {
            properties["agentPoolName"] = json!(pool);
        }
        let path = format!("{}/tasks/{name}", self.registry_id(REGISTRY));
        self.put(
            &path,
            acr_agentpool::DEFAULT_API_VERSION,
            json!({ "location": REGION, "properties": properties }),
        )
        .await;
    }

    /// A subnet `agents` in a virtual network of its own (`vnet-<name>`) whose security group
    /// (`nsg-<name>`) holds `rules`; its id.
    pub async fn subnet(&self, name: &str, rules: Value) -> String {
        let nsg = self.id(&format!("Microsoft.Network/networkSecurityGroups/nsg-{name}"));
        self.put(
            &nsg,
            NETWORK_API,
            json!({ "location": REGION, "properties": { "securityRules": rules } }),
        )
        .await;
        let vnet = self.id(&format!("Microsoft.Network/virtualNetworks/vnet-{name}"));
        let subnet = json!({ "addressPrefix": "10.0.1.0/24", "networkSecurityGroup": { "id": nsg } });
        self.put(
            &vnet,
            NETWORK_API,
            json!({
                "location": REGION,
                "properties": {
                    "addressSpace": { "addressPrefixes": ["10.0.0.0/16"] },
                    "subnets": [{ "name": "agents", "properties": subnet }]
                }
            }),
        )
        .await;
        format!("{vnet}/subnets/agents")
    }

    /// The runs of [`REGISTRY`] (every page), read with the default api-version.
    pub async fn runs(&self) -> Vec<Run> {
        let registries = RegistriesClient::new(self.arm.clone(), &self.subscription, None).unwrap();
        registries
            .runs(RG, REGISTRY)
            .unwrap()
            .list(Some(RunListOptions::default()))
            .unwrap()
            .try_collect()
            .await
            .expect("the run list")
    }

    /// The journal's last sequence number.
    pub fn journal_mark(&self) -> u64 {
        self.control.journal().last().map_or(0, |e| e.seq)
    }

    /// The writes (PUT, POST, DELETE, PATCH on ARM or Blob) in the journal after `after`.
    pub fn writes_since(&self, after: u64) -> Vec<String> {
        self.control
            .journal()
            .into_iter()
            .filter(|e| e.seq > after)
            .filter(|e| matches!(e.listener, ListenerKind::Arm | ListenerKind::Blob))
            .filter(|e| matches!(e.method.as_str(), "PUT" | "POST" | "DELETE" | "PATCH"))
            .map(|e| format!("{} {}", e.method, e.path))
            .collect()
    }

    /// The journal's requests after `after` whose path ends with `suffix` and that were
    /// answered `status`.
    pub fn answered_since(&self, after: u64, suffix: &str, status: u16) -> usize {
        self.control
            .journal()
            .iter()
            .filter(|e| e.seq > after && e.path.ends_with(suffix) && e.status == Some(status))
            .count()
    }

    /// A build context: a Dockerfile of `instructions` (none: no Dockerfile), a file, a
    /// subfolder, and a `.dockerignore` leaving out `*.log` and `secrets/`.
    pub fn context(&self, instructions: Option<&str>) -> PathBuf {
        let folder = self.dir.0.join(format!("ctx-{:08x}", fastrand::u32(..)));
        std::fs::create_dir_all(folder.join("src")).unwrap();
        std::fs::create_dir_all(folder.join("secrets")).unwrap();
        std::fs::write(folder.join("app.txt"), "the app\n").unwrap();
        std::fs::write(folder.join("src/main.sh"), "#!/bin/sh\necho main\n").unwrap();
        std::fs::write(folder.join("debug.log"), "noise\n").unwrap();
        std::fs::write(folder.join("secrets/key.pem"), "not for the context\n").unwrap();
        std::fs::write(folder.join(".dockerignore"), "*.log\nsecrets/\n").unwrap();
        if let Some(instructions) = instructions {
            std::fs::write(folder.join("Dockerfile"), instructions).unwrap();
        }
        folder
    }
}

/// An outbound security rule.
pub fn rule(name: &str, priority: u32, access: &str, destination: &str, ports: &str) -> Value {
    json!({
        "name": name,
        "properties": {
            "access": access, "direction": "Outbound", "priority": priority, "protocol": "*",
            "sourceAddressPrefix": "*", "sourcePortRange": "*",
            "destinationAddressPrefix": destination, "destinationPortRange": ports
        }
    })
}

/// The rules that allow everything a pool needs (443 to the five service tags, 12000 to
/// AzureMonitor) and deny the rest of the Internet.
pub fn allowing_rules() -> Vec<Value> {
    [
        "AzureKeyVault",
        "Storage",
        "EventHub",
        "AzureActiveDirectory",
        "AzureMonitor",
    ]
    .iter()
    .enumerate()
    .map(|(i, tag)| rule(&format!("Allow{tag}"), 200 + i as u32, "Allow", tag, "443"))
    .chain([rule("AllowMonitor12000", 210, "Allow", "AzureMonitor", "12000")])
    .chain([rule("DenyInternet", 4000, "Deny", "Internet", "*")])
    .collect()
}
