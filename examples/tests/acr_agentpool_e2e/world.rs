//! The world of the `acr-agentpool` end-to-end tests: an in-process az-emulator over TLS, a
//! pipeline principal (Owner), three registries made over ARM (a Premium one in a region with
//! agent pools, a Basic one, a Premium one in a region without), the image `local/echo:1` mapped
//! to a shell command for `cmd` steps, subnets made to order (security group rules, routes), and
//! the real binary run with the emulator's `AZ_*` environment.

use super::cli::{self, Ran, Running, unique};
use arm_core::azure_core::http::Method;
use arm_core::{ArmClient, ArmEnvironment};
use az_emulator::{Control, Emulator, EmulatorConfig, JournalEntry};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::PathBuf;

pub const BIN: &str = env!("CARGO_BIN_EXE_acr-agentpool");
/// The resource group of everything the tests make.
pub const RG: &str = "rg-acr";
/// A Premium registry in a region with agent pools.
pub const REGISTRY: &str = "acrpipelines";
/// A Basic registry (no agent pools).
pub const BASIC: &str = "acrbasicsku";
/// A Premium registry in a region without agent pools (as of the dated list).
pub const ELSEWHERE: &str = "acrwestus";
/// The region of [`REGISTRY`] and [`BASIC`].
pub const REGION: &str = "eastus";
/// The newer api-version with agent pools.
pub const API: &str = "2025-03-01-preview";
/// The older one.
pub const API_2019: &str = "2019-06-01-preview";
const REGISTRY_API: &str = "2023-07-01";
const NETWORK_API: &str = "2024-05-01";

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

# The emulator's default managed identity lives here.
[[resource_groups]]
name = "rg-emulator"

[[service_principals]]
name = "pipeline"
roles = [{{ role = "Owner" }}]
"#
    ))
    .expect("the tests' emulator configuration")
}

pub struct World {
    pub emulator: Emulator,
    pub control: Control,
    pub arm: ArmClient,
    pub subscription: String,
    pub dir: PathBuf,
}

impl Drop for World {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl World {
    /// An emulator whose run steps last `step_ms`, with the three registries.
    pub async fn start(step_ms: u64) -> World {
        let emulator = Emulator::start(config(step_ms)).await.expect("emulator");
        let environment = ArmEnvironment::from_env(&emulator.info().env).expect("environment");
        let arm = environment.arm_client().expect("ARM client");
        let subscription = environment.require_subscription_id().expect("subscription").to_owned();
        let dir = std::env::temp_dir().join(format!("acr-agentpool-e2e-{:016x}", unique()));
        std::fs::create_dir_all(&dir).unwrap();
        let world = World {
            control: emulator.control(),
            emulator,
            arm,
            subscription,
            dir,
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

    /// The binary's environment: the emulator's login and subscription, `GITHUB_OUTPUT` in the
    /// test's folder.
    pub fn env(&self) -> BTreeMap<String, String> {
        let mut env = self.emulator.info().env.clone();
        env.insert("GITHUB_OUTPUT".to_owned(), self.github_output().display().to_string());
        env.insert("PATH".to_owned(), "/usr/bin:/bin".to_owned());
        env
    }

    pub fn github_output(&self) -> PathBuf {
        self.dir.join("github_output")
    }

    /// Runs the binary to its end.
    pub async fn run(&self, args: &[&str]) -> Ran {
        cli::run(BIN, args, &self.env()).await
    }

    /// Runs the binary with `extra` variables in its environment.
    pub async fn run_with(&self, args: &[&str], extra: &[(&str, &str)]) -> Ran {
        let mut env = self.env();
        env.extend(extra.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
        cli::run(BIN, args, &env).await
    }

    /// Starts the binary; its stdout is collected as it comes.
    pub fn spawn(&self, args: &[&str]) -> Running {
        cli::spawn(BIN, args, &self.env())
    }

    /// The id of a resource of [`RG`]: `<provider type>/<name>`.
    pub fn id(&self, type_and_name: &str) -> String {
        format!(
            "/subscriptions/{}/resourceGroups/{RG}/providers/{type_and_name}",
            self.subscription
        )
    }

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
            .begin::<Value>(request, None)
            .await
            .unwrap_or_else(|e| panic!("PUT {path}: {e}"))
            .await
            .unwrap_or_else(|e| panic!("PUT {path}: {e}"))
    }

    /// GET of `path`: `None` for 404.
    pub async fn get(&self, path: &str, api_version: &str) -> Option<Value> {
        let request = self.arm.request(Method::Get, path, api_version).unwrap();
        match self.arm.send_json::<Value>(request).await {
            Ok(value) => Some(value),
            Err(error) if error.is_not_found() => None,
            Err(error) => panic!("GET {path}: {error}"),
        }
    }

    /// Pool `name` of [`REGISTRY`] made over ARM (`tier`, `count`), waited for.
    pub async fn pool(&self, name: &str, tier: &str, count: u32) {
        let path = format!("{}/agentPools/{name}", self.registry_id(REGISTRY));
        let body = json!({ "location": REGION, "properties": { "tier": tier, "count": count, "os": "Linux" } });
        self.put(&path, API, body).await;
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
        self.put(&path, API, json!({ "location": REGION, "properties": properties }))
            .await;
    }

    /// A subnet `agents` in a virtual network of its own (`vnet-<name>`), its security group
    /// (`nsg-<name>`) holding `rules`, and, with `routes`, a route table (`rt-<name>`); its id.
    pub async fn subnet(&self, name: &str, rules: Value, routes: Option<Value>) -> String {
        let nsg = self.id(&format!("Microsoft.Network/networkSecurityGroups/nsg-{name}"));
        self.put(
            &nsg,
            NETWORK_API,
            json!({ "location": REGION, "properties": { "securityRules": rules } }),
        )
        .await;
        let mut subnet = json!({ "addressPrefix": "10.0.1.0/24", "networkSecurityGroup": { "id": nsg } });
        if let Some(routes) = routes {
            let table = self.id(&format!("Microsoft.Network/routeTables/rt-{name}"));
            self.put(
                &table,
                NETWORK_API,
                json!({ "location": REGION, "properties": { "routes": routes } }),
            )
            .await;
            subnet["routeTable"] = json!({ "id": table });
        }
        let vnet = self.id(&format!("Microsoft.Network/virtualNetworks/vnet-{name}"));
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

    /// The journal after `after`.
    pub fn journal_since(&self, after: u64) -> Vec<JournalEntry> {
        self.control.journal().into_iter().filter(|e| e.seq > after).collect()
    }

    /// Asserts that the journal from `after` on holds no write on ARM or Blob.
    pub fn assert_no_write_since(&self, after: u64, what: &str) {
        cli::assert_no_write_since(&self.control, after, what);
    }

    /// The journal's last sequence number.
    pub fn journal_mark(&self) -> u64 {
        cli::journal_mark(&self.control)
    }

    /// A build context: a Dockerfile of `instructions` (none: no Dockerfile) and a file.
    pub fn context(&self, instructions: Option<&str>) -> PathBuf {
        let folder = self.dir.join(format!("ctx-{:08x}", unique() as u32));
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("app.txt"), "the app\n").unwrap();
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

/// The `##vso[task.setvariable]` line of `name`, up to its value.
pub fn variable(name: &str) -> String {
    format!("##vso[task.setvariable variable={name}]")
}
