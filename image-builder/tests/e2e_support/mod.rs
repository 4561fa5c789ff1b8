//! The world of the end-to-end tests: an in-process az-emulator reached over TLS with real
//! `azure_identity` credentials from its environment (`ArmEnvironment::from_env`), a pipeline
//! principal with Owner and Storage Blob Data Contributor, a user-assigned identity for the
//! templates with Storage Blob Data Reader only, and a storage account created over ARM; runs
//! last a few hundred milliseconds (`[image_builder] phase_ms`), so the tests take seconds.

#![allow(dead_code)] // each test file uses part of it

use arm_core::azure_core::credentials::TokenCredential;
use arm_core::azure_core::http::{ClientOptions, Method};
use arm_core::storage::{StorageClient, StorageClientOptions};
use arm_core::{ArmClient, ArmClientOptions, ArmEnvironment, PollOptions, ResourceId, RetryOptions, WaiterOptions};
use az_emulator::{Emulator, EmulatorConfig};
use azure_storage_blob::{BlobContainerClient, BlobContainerClientOptions};
use futures::TryStreamExt;
use image_builder::flow::{ArtifactRequest, BuildFlow, BuildRequest, CleanupPolicy};
use image_builder::model::{ImageTemplate, ImageTemplateDistributor, ShellScript};
use image_builder::runs::RunWaitOptions;
use image_builder::{ImageTemplateBuilder, ImageTemplatesClient, SourceImage};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// The resource group of everything the tests make.
pub const RG: &str = "rg-emulator";
/// The storage account of the artifacts.
pub const ACCOUNT: &str = "stimagebuilder";
/// The templates' user-assigned identity.
pub const IDENTITY: &str = "id-image-builder";
/// A user-assigned identity without any role.
pub const STRANGER: &str = "id-stranger";
/// The newest of the emulator's default platform image versions (what `latest` resolves to).
pub const LATEST: &str = "2025.11.20";
const STORAGE_API: &str = "2024-01-01";
const GROUPS_API: &str = "2021-04-01";
const COMPUTE_API: &str = "2024-03-03";

/// The emulator's configuration: short operations and run phases, the two principals.
fn config() -> EmulatorConfig {
    EmulatorConfig::from_toml_str(&format!(
        r#"
operation_duration_ms = 200
retry_after_secs = 1

[image_builder]
phase_ms = 400

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

[[managed_identities]]
kind = "user"
name = "{STRANGER}"
resource_group = "{RG}"
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

/// The emulator, the clients of a pipeline on it, and the storage account.
pub struct World {
    pub emulator: Emulator,
    pub arm: ArmClient,
    pub subscription: String,
    pub credential: Arc<dyn TokenCredential>,
    pub client_options: ClientOptions,
    pub templates: ImageTemplatesClient,
    pub storage: StorageClient,
    pub flow: BuildFlow,
    pub account: ResourceId,
    pub identity: String,
    pub location: String,
    folders: Folders,
}

/// The test's artifact folders, removed when it ends.
struct Folders(PathBuf);

impl Drop for Folders {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl World {
    /// A new emulator with the storage account [`ACCOUNT`] created over ARM.
    pub async fn start() -> World {
        let emulator = Emulator::start(config()).await.expect("emulator");
        let environment = ArmEnvironment::from_env(&emulator.info().env).expect("environment");
        let arm = environment
            .arm_client_with(ArmClientOptions {
                retry: fast_retries(),
                ..Default::default()
            })
            .expect("ARM client");
        let subscription = environment.require_subscription_id().expect("subscription").to_owned();
        let credential = environment.credential().expect("credential");
        let storage = StorageClient::for_environment(
            &environment,
            Some(StorageClientOptions {
                retry: fast_retries(),
                ..Default::default()
            }),
        )
        .expect("storage client");
        let templates = ImageTemplatesClient::from_arm(arm.clone(), &subscription).expect("templates client");
        let flow = BuildFlow::new(templates.clone(), storage.clone(), credential.clone());
        let location = emulator.info().defaults.location.clone();
        let account = ResourceId::parse(&format!(
            "/subscriptions/{subscription}/resourceGroups/{RG}/providers/Microsoft.Storage/storageAccounts/{ACCOUNT}"
        ))
        .expect("account id");
        let identity = format!(
            "/subscriptions/{subscription}/resourceGroups/{RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{IDENTITY}"
        );
        let client_options = ClientOptions {
            transport: Some(environment.transport.to_transport()),
            ..Default::default()
        };
        let folders = Folders(std::env::temp_dir().join(format!("image-builder-e2e-{:016x}", fastrand::u64(..))));
        let world = World {
            emulator,
            arm,
            subscription,
            credential,
            client_options,
            templates,
            storage,
            flow,
            account,
            identity,
            location,
            folders,
        };
        let body = json!({
            "location": world.location,
            "kind": "StorageV2",
            "sku": { "name": "Standard_LRS" },
            "properties": { "allowSharedKeyAccess": false, "allowBlobPublicAccess": false, "minimumTlsVersion": "TLS1_2" }
        });
        world.put(&world.account.to_string(), STORAGE_API, body).await;
        world
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

    /// GET of `path`: `None` for 404.
    pub async fn get(&self, path: &str, api_version: &str) -> Option<Value> {
        let request = self.arm.request(Method::Get, path, api_version).unwrap();
        match self.arm.send_json::<Value>(request).await {
            Ok(value) => Some(value),
            Err(error) if error.is_not_found() => None,
            Err(error) => panic!("GET {path}: {error}"),
        }
    }

    /// A folder `<name>` with a few files (one in a subfolder).
    pub fn folder(&self, name: &str) -> PathBuf {
        let folder = self.folders.0.join(format!("{:08x}", fastrand::u32(..))).join(name);
        std::fs::create_dir_all(folder.join("bin")).unwrap();
        std::fs::write(folder.join("README.txt"), "the build's artifacts\n").unwrap();
        std::fs::write(folder.join("bin/run.sh"), "#!/bin/sh\necho run\n").unwrap();
        let data: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(folder.join("bin/data.bin"), data).unwrap();
        folder
    }

    /// The artifacts of `folder` for [`ACCOUNT`].
    pub fn artifacts(
        &self,
        folder: &Path,
        format: image_builder::artifacts::ArchiveFormat,
        sas: bool,
    ) -> ArtifactRequest {
        ArtifactRequest {
            folder: folder.to_owned(),
            storage_account: self.account.clone(),
            format,
            sas,
            upload: arm_core::storage::UploadOptions {
                block_size: 64 * 1024,
                progress: Some(Arc::new(arm_core::storage::LogProgress::new(
                    "artifacts",
                    Duration::from_secs(3600),
                ))),
                ..Default::default()
            },
        }
    }

    /// A template from marketplace `source` with one Shell step, distributed to `target`.
    pub fn template(&self, source: &str, target: impl Into<ImageTemplateDistributor>) -> ImageTemplate {
        ImageTemplateBuilder::new("t_0000000000000", &self.location)
            .identity(&self.identity)
            .source(SourceImage::parse(source).unwrap().into_source())
            .customize(ShellScript::inline("install", ["echo installing"]))
            .distribute(target)
            .build()
            .expect("a valid template")
    }

    /// A build request of `template` with `artifacts`, waited for quickly.
    pub fn request(
        &self,
        template: ImageTemplate,
        artifacts: Option<ArtifactRequest>,
        cleanup: CleanupPolicy,
    ) -> BuildRequest {
        BuildRequest {
            resource_group: RG.to_owned(),
            template_name: None,
            template,
            artifacts,
            cleanup,
            wait: Some(fast_wait()),
        }
    }

    /// The id of a resource of `RG`: `<provider type>/<name>`.
    pub fn id(&self, type_and_name: &str) -> String {
        format!(
            "/subscriptions/{}/resourceGroups/{RG}/providers/{type_and_name}",
            self.subscription
        )
    }

    /// Creates gallery `gallery` and its Linux image definition `image`; returns the definition id.
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
                "osType": "Linux",
                "osState": "Generalized",
                "hyperVGeneration": "V2",
                "identifier": { "publisher": "contoso", "offer": "app", "sku": "1" }
            }
        });
        self.put(&image_id, COMPUTE_API, body).await;
        image_id
    }

    /// The names of the resource groups of the subscription.
    pub async fn resource_groups(&self) -> Vec<String> {
        let path = format!("/subscriptions/{}/resourcegroups", self.subscription);
        let list = self.get(&path, GROUPS_API).await.expect("the resource group list");
        names(&list)
    }

    /// The names of the staging groups of template `name`.
    pub async fn staging_groups(&self, template: &str) -> Vec<String> {
        let prefix = format!("IT_{RG}_{template}_");
        self.resource_groups()
            .await
            .into_iter()
            .filter(|g| g.starts_with(&prefix))
            .collect()
    }

    /// The ids of the resources of [`RG`] (generic list, every provider).
    pub async fn resources(&self) -> Vec<String> {
        let path = format!("/subscriptions/{}/resourceGroups/{RG}/resources", self.subscription);
        let list = self.get(&path, GROUPS_API).await.expect("the resource list");
        list["value"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r["id"].as_str().map(str::to_owned))
            .collect()
    }

    /// The names of the blobs of the artifact container of [`ACCOUNT`] (empty when it does not
    /// exist yet).
    pub async fn artifact_blobs(&self) -> Vec<String> {
        let endpoint = arm_core::storage::BlobEndpoint::resolve(&self.arm, &self.subscription, RG, ACCOUNT, None)
            .await
            .expect("endpoint");
        let mut url = endpoint.url().clone();
        url.path_segments_mut()
            .unwrap()
            .pop_if_empty()
            .push(image_builder::artifacts::ARTIFACT_CONTAINER);
        let options = BlobContainerClientOptions {
            client_options: self.client_options.clone(),
            ..Default::default()
        };
        let container = BlobContainerClient::new(url, Some(self.credential.clone()), Some(options)).unwrap();
        if !container.exists().await.expect("Get Container Properties") {
            return Vec::new();
        }
        container
            .list_blobs(None)
            .unwrap()
            .try_collect::<Vec<_>>()
            .await
            .expect("List Blobs")
            .into_iter()
            .filter_map(|b| b.name)
            .collect()
    }

    /// The template, its staging groups and every artifact blob are gone; the group holds only what
    /// the test made itself (the storage account, identities, galleries, images).
    pub async fn assert_nothing_left(&self, template: &str) {
        let template_path = self.id(&format!("Microsoft.VirtualMachineImages/imageTemplates/{template}"));
        assert!(
            self.get(&template_path, image_builder::DEFAULT_API_VERSION)
                .await
                .is_none(),
            "{template} is gone"
        );
        for group in self.staging_groups(template).await {
            assert!(self.wait_group_gone(&group).await, "staging group {group} is gone");
        }
        let blobs = self.artifact_blobs().await;
        assert!(blobs.is_empty(), "artifact blobs left: {blobs:?}");
        let templates: Vec<String> = self
            .resources()
            .await
            .into_iter()
            .filter(|id| id.to_ascii_lowercase().contains("/imagetemplates/"))
            .collect();
        assert!(templates.is_empty(), "templates left in {RG}: {templates:?}");
    }

    /// Waits (a few seconds at most) until the resource group `name` is gone.
    pub async fn wait_group_gone(&self, name: &str) -> bool {
        let path = format!("/subscriptions/{}/resourceGroups/{name}", self.subscription);
        for _ in 0..50 {
            if self.get(&path, GROUPS_API).await.is_none() {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        false
    }
}

fn names(list: &Value) -> Vec<String> {
    list["value"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|g| g["name"].as_str().map(str::to_owned))
        .collect()
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

/// Reads of a run every 50 to 100 ms (several per phase), for at most a minute.
pub fn fast_wait() -> RunWaitOptions {
    RunWaitOptions {
        waiter: WaiterOptions {
            min_delay: Duration::from_millis(50),
            max_delay: Duration::from_millis(100),
            max_wait: Duration::from_secs(60),
            jitter: false,
        },
        poll: fast_poll(),
    }
}

/// Whether `name` is a template name as the task makes them: `t_` and 13 digits.
pub fn is_task_name(name: &str) -> bool {
    name.strip_prefix("t_")
        .is_some_and(|digits| digits.len() == 13 && digits.bytes().all(|b| b.is_ascii_digit()))
}
