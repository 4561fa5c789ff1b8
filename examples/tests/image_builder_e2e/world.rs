//! The world of the `image-builder` end-to-end tests: an in-process az-emulator over TLS, a
//! pipeline principal (Owner, Storage Blob Data Contributor), the templates' user-assigned
//! identity (Storage Blob Data Reader on the group), a storage account made over ARM, and the
//! real binary run with the emulator's `AZ_*` environment. Run phases last 300 ms.

use super::cli::{self, Ran, Running, unique};
use arm_core::azure_core::http::Method;
use arm_core::{ArmClient, ArmEnvironment};
use az_emulator::{Control, Emulator, EmulatorConfig, FaultConfig, FaultRule, ListenerKind};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_image-builder");
/// The resource group of everything the tests make.
pub const RG: &str = "rg-images";
/// The storage account of the packages.
pub const ACCOUNT: &str = "stpackages";
/// The templates' identity.
pub const IDENTITY: &str = "id-image-builder";
/// What `latest` resolves to among the emulator's default platform image versions.
pub const LATEST: &str = "2025.11.20";
pub const SOURCE: &str = "Canonical:ubuntu-24_04-lts:server";
const STORAGE_API: &str = "2024-01-01";
const GROUPS_API: &str = "2021-04-01";
const COMPUTE_API: &str = "2024-03-03";
const IMAGES_API: &str = "2024-07-01";
const TEMPLATES_API: &str = "2024-02-01";

fn config(phase_ms: u64) -> EmulatorConfig {
    EmulatorConfig::from_toml_str(&format!(
        r#"
operation_duration_ms = 200
retry_after_secs = 1

[image_builder]
phase_ms = {phase_ms}

[[tenants]]

[[subscriptions]]

[[resource_groups]]
name = "{RG}"

[[service_principals]]
name = "pipeline"
roles = [{{ role = "Owner" }}, {{ role = "Storage Blob Data Contributor" }}]

[[managed_identities]]
kind = "user"
name = "{IDENTITY}"
resource_group = "{RG}"
roles = [{{ role = "Storage Blob Data Reader", resource_group = "{RG}" }}]
"#
    ))
    .expect("the tests' emulator configuration")
}

/// The template name a build announced (`building t_... in ...`).
pub trait Announced {
    /// The template name of the build.
    fn template(&self) -> String;
}

impl Announced for Ran {
    fn template(&self) -> String {
        let at = self
            .stdout
            .find("building t_")
            .unwrap_or_else(|| panic!("no template announced:\n{self:?}"));
        self.stdout[at + "building ".len()..]
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_owned()
    }
}

pub struct World {
    pub emulator: Emulator,
    pub control: Control,
    pub arm: ArmClient,
    pub subscription: String,
    pub location: String,
    pub identity: String,
    pub account: String,
    pub dir: PathBuf,
}

impl Drop for World {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl World {
    /// An emulator whose run phases last `phase_ms`, with the storage account.
    pub async fn start(phase_ms: u64) -> World {
        let emulator = Emulator::start(config(phase_ms)).await.expect("emulator");
        let environment = ArmEnvironment::from_env(&emulator.info().env).expect("environment");
        let arm = environment.arm_client().expect("ARM client");
        let subscription = environment.require_subscription_id().expect("subscription").to_owned();
        let location = emulator.info().defaults.location.clone();
        let dir = std::env::temp_dir().join(format!("image-builder-cli-e2e-{:016x}", unique()));
        std::fs::create_dir_all(&dir).unwrap();
        let world = World {
            control: emulator.control(),
            emulator,
            arm,
            identity: format!(
                "/subscriptions/{subscription}/resourceGroups/{RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{IDENTITY}"
            ),
            account: format!(
                "/subscriptions/{subscription}/resourceGroups/{RG}/providers/Microsoft.Storage/storageAccounts/{ACCOUNT}"
            ),
            subscription,
            location,
            dir,
        };
        let body = json!({
            "location": world.location,
            "kind": "StorageV2",
            "sku": { "name": "Standard_LRS" },
            "properties": { "allowSharedKeyAccess": false, "allowBlobPublicAccess": false }
        });
        world.put(&world.account.clone(), STORAGE_API, body).await;
        world
    }

    /// The binary's environment: the emulator's login and subscription, reads every second,
    /// logs saved under the test's folder, `GITHUB_OUTPUT` there.
    pub fn env(&self) -> BTreeMap<String, String> {
        let mut env = self.emulator.info().env.clone();
        env.insert("IMAGE_BUILDER_POLL_INTERVAL".to_owned(), "1s".to_owned());
        env.insert("AGENT_TEMPDIRECTORY".to_owned(), self.dir.display().to_string());
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

    /// Starts the binary; its stdout is collected as it comes.
    pub fn spawn(&self, args: &[&str]) -> Running {
        cli::spawn(BIN, args, &self.env())
    }

    /// The flags of a build of [`SOURCE`] with a package and an inline script.
    pub fn build_args(&self, package: &Path) -> Vec<String> {
        [
            "build",
            "--location",
            &self.location,
            "--resource-group",
            RG,
            "--identity",
            &self.identity,
            "--source",
            SOURCE,
            "--package-path",
            &package.display().to_string(),
            "--storage-account",
            ACCOUNT,
            "--inline-script",
            "ls /tmp/app\necho done",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }

    /// A package folder `app` with a few files, `size` bytes of data among them.
    pub fn package(&self, size: usize) -> PathBuf {
        let folder = self.dir.join(format!("{:08x}", unique() as u32)).join("app");
        std::fs::create_dir_all(folder.join("bin")).unwrap();
        std::fs::write(folder.join("README.txt"), "the build's artifacts\n").unwrap();
        let data: Vec<u8> = (0..size).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        std::fs::write(folder.join("bin/data.bin"), data).unwrap();
        folder
    }

    /// The id of a resource of [`RG`]: `<provider type>/<name>`.
    pub fn id(&self, type_and_name: &str) -> String {
        format!(
            "/subscriptions/{}/resourceGroups/{RG}/providers/{type_and_name}",
            self.subscription
        )
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

    /// POST of `path` (an action), its answer ignored beyond success.
    pub async fn post(&self, path: &str, api_version: &str) {
        let request = self.arm.request(Method::Post, path, api_version).unwrap();
        self.arm
            .send(request)
            .await
            .unwrap_or_else(|e| panic!("POST {path}: {e}"));
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

    pub fn template_path(&self, name: &str) -> String {
        self.id(&format!("Microsoft.VirtualMachineImages/imageTemplates/{name}"))
    }

    pub async fn template(&self, name: &str) -> Option<Value> {
        self.get(&self.template_path(name), TEMPLATES_API).await
    }

    /// Creates template `name` (tagged as this command's, or not) of a VHD; waits for it.
    pub async fn create_template(&self, name: &str, ours: bool) {
        let tags = if ours {
            json!({"createdBy": "azure-ephemeral-image-builder"})
        } else {
            json!({})
        };
        let body = json!({
            "location": self.location,
            "tags": tags,
            "identity": { "type": "UserAssigned", "userAssignedIdentities": { self.identity.clone(): {} } },
            "properties": {
                "source": { "type": "PlatformImage", "publisher": "Canonical", "offer": "ubuntu-24_04-lts", "sku": "server", "version": "latest" },
                "customize": [{ "type": "Shell", "name": "hello", "inline": ["echo hello"] }],
                "distribute": [{ "type": "VHD", "runOutputName": "vhd" }]
            }
        });
        self.put(&self.template_path(name), TEMPLATES_API, body).await;
    }

    /// Starts a run of template `name`.
    pub async fn start_run(&self, name: &str) {
        self.post(&format!("{}/run", self.template_path(name)), TEMPLATES_API)
            .await;
    }

    /// The run state of template `name`.
    pub async fn run_state(&self, name: &str) -> Option<String> {
        let template = self.template(name).await?;
        template["properties"]["lastRunStatus"]["runState"]
            .as_str()
            .map(str::to_owned)
    }

    /// The names of the resource groups of the subscription.
    pub async fn resource_groups(&self) -> Vec<String> {
        let path = format!("/subscriptions/{}/resourcegroups", self.subscription);
        let list = self.get(&path, GROUPS_API).await.expect("the resource group list");
        list["value"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|g| g["properties"]["provisioningState"] != "Deleting")
            .filter_map(|g| g["name"].as_str().map(str::to_owned))
            .collect()
    }

    /// The staging groups of template `name`.
    pub async fn staging_groups(&self, template: &str) -> Vec<String> {
        let prefix = format!("IT_{RG}_{template}_");
        self.resource_groups()
            .await
            .into_iter()
            .filter(|g| g.starts_with(&prefix))
            .collect()
    }

    /// Creates gallery `gallery` with a Linux image definition `image`; its id.
    pub async fn gallery_image(&self, gallery: &str, image: &str) -> String {
        let gallery_id = self.id(&format!("Microsoft.Compute/galleries/{gallery}"));
        self.put(
            &gallery_id,
            COMPUTE_API,
            json!({ "location": self.location, "properties": {} }),
        )
        .await;
        let image_id = format!("{gallery_id}/images/{image}");
        let body = json!({
            "location": self.location,
            "properties": {
                "osType": "Linux", "osState": "Generalized", "hyperVGeneration": "V2",
                "identifier": { "publisher": "contoso", "offer": "app", "sku": "1" }
            }
        });
        self.put(&image_id, COMPUTE_API, body).await;
        image_id
    }

    /// The managed image `id`, if it exists.
    pub async fn managed_image(&self, id: &str) -> Option<Value> {
        self.get(id, IMAGES_API).await
    }

    /// Whether the package blob of build `template` (`app.tar.gz` or `app.zip` under its
    /// name in the package container) is still there, read over Blob with the pipeline's
    /// credential.
    pub async fn package_left(&self, template: &str) -> bool {
        let environment = ArmEnvironment::from_env(&self.emulator.info().env).unwrap();
        let storage = arm_core::storage::StorageClient::for_environment(&environment, None).unwrap();
        let endpoint = arm_core::storage::BlobEndpoint::resolve(&self.arm, &self.subscription, RG, ACCOUNT, None)
            .await
            .unwrap();
        for extension in ["tar.gz", "zip"] {
            let blob = endpoint
                .blob(
                    image_builder::artifacts::ARTIFACT_CONTAINER,
                    &format!("{template}/app.{extension}"),
                    environment.credential().unwrap(),
                )
                .unwrap();
            match storage.read_range(&blob, 0..1).await {
                Ok(_) => return true,
                Err(error) if error.status().is_some_and(|s| u16::from(s) == 404) => {}
                Err(error) => panic!("{template}'s package: {error}"),
            }
        }
        false
    }

    /// Replaces the fault rules.
    pub fn latency(&self, listener: ListenerKind, method: &str, path_contains: &str, latency_ms: u64) {
        let faults = FaultConfig {
            routes: vec![FaultRule {
                listener: Some(listener),
                method: Some(method.to_owned()),
                path_contains: Some(path_contains.to_owned()),
                latency_ms,
                ..FaultRule::default()
            }],
            ..FaultConfig::default()
        };
        self.control.set_faults(&faults).unwrap();
    }

    /// Asserts that the journal from `after` on holds no write on ARM or Blob.
    pub fn assert_no_write_since(&self, after: u64, what: &str) {
        cli::assert_no_write_since(&self.control, after, what);
    }

    /// The journal's last sequence number.
    pub fn journal_mark(&self) -> u64 {
        cli::journal_mark(&self.control)
    }

    /// Asserts that nothing of build `template` is left: template, staging group, package blob.
    pub async fn assert_nothing_left(&self, template: &str) {
        assert!(self.template(template).await.is_none(), "{template} is left");
        let deadline = Instant::now() + Duration::from_secs(10);
        while !self.staging_groups(template).await.is_empty() && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(
            self.staging_groups(template).await,
            Vec::<String>::new(),
            "{template}'s staging group"
        );
        assert!(!self.package_left(template).await, "{template}'s package is left");
    }
}
