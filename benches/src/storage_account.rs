//! A storage account on the emulator, set up over Azure Resource Manager for the Blob
//! benchmarks: created (a long-running PUT), a container in it, its key from `listKeys`.
//!
//! Request shapes follow learn.microsoft.com "Storage Accounts - Create", "Blob Containers -
//! Create" and "Storage Accounts - List Keys" (Microsoft.Storage 2024-01-01).

use arm_core::azure_core::credentials::Secret;
use arm_core::azure_core::http::Method;
use arm_core::storage::{BlobEndpoint, DEFAULT_STORAGE_API_VERSION};
use arm_core::{ArmClient, ResourceId};
use serde::Deserialize;

/// The resource group of [`EMULATOR_CONFIG`] that the benchmarks' accounts go in.
pub const RESOURCE_GROUP: &str = "rg-emulator";

/// An emulator configuration for the Blob benchmarks: one tenant and subscription, the
/// resource group [`RESOURCE_GROUP`], and a service principal that is Owner and Storage Blob
/// Data Contributor of the subscription (the first one, so the emulator's environment uses it).
pub const EMULATOR_CONFIG: &str = r#"
operation_duration_ms = 100

[[tenants]]

[[subscriptions]]

[[resource_groups]]
name = "rg-emulator"

[[service_principals]]
name = "bench"
roles = [{ role = "Owner" }, { role = "Storage Blob Data Contributor" }]
"#;

/// A storage account the benchmark created.
pub struct BenchAccount {
    arm: ArmClient,
    subscription: String,
    resource_group: String,
    name: String,
}

#[derive(Deserialize)]
struct Keys {
    keys: Vec<Key>,
}

#[derive(Deserialize)]
struct Key {
    value: String,
}

impl BenchAccount {
    /// Creates the StorageV2 account `name` in [`RESOURCE_GROUP`] of `subscription` at
    /// `location`, with Shared Key access allowed or not, and waits for the operation to succeed.
    pub async fn create(
        arm: &ArmClient,
        subscription: &str,
        name: &str,
        location: &str,
        allow_shared_key_access: bool,
    ) -> BenchAccount {
        let account = BenchAccount {
            arm: arm.clone(),
            subscription: subscription.to_owned(),
            resource_group: RESOURCE_GROUP.to_owned(),
            name: name.to_owned(),
        };
        let body = serde_json::json!({
            "location": location,
            "kind": "StorageV2",
            "sku": { "name": "Standard_LRS" },
            "properties": { "allowSharedKeyAccess": allow_shared_key_access, "minimumTlsVersion": "TLS1_2" }
        });
        let request = arm
            .request(Method::Put, &account.id(), DEFAULT_STORAGE_API_VERSION)
            .expect("a PUT of the storage account")
            .json(&body)
            .expect("a JSON body");
        arm.begin::<serde_json::Value>(request, None)
            .await
            .expect("the storage account PUT is accepted")
            .await
            .expect("the storage account is created");
        account
    }

    /// The account's Blob endpoint, as ARM gives it (`primaryEndpoints.blob`).
    pub async fn endpoint(&self) -> BlobEndpoint {
        BlobEndpoint::resolve(&self.arm, &self.subscription, &self.resource_group, &self.name, None)
            .await
            .expect("the account's Blob endpoint")
    }

    /// Creates the container `name` (private).
    pub async fn create_container(&self, name: &str) {
        let path = format!("{}/blobServices/default/containers/{name}", self.id());
        let request = self
            .arm
            .request(Method::Put, &path, DEFAULT_STORAGE_API_VERSION)
            .expect("a PUT of the container")
            .json(&serde_json::json!({ "properties": {} }))
            .expect("a JSON body");
        self.arm.send(request).await.expect("the container is created");
    }

    /// The account's first key (`listKeys`).
    pub async fn primary_key(&self) -> Secret {
        let path = format!("{}/listKeys", self.id());
        let request = self
            .arm
            .request(Method::Post, &path, DEFAULT_STORAGE_API_VERSION)
            .expect("a POST of listKeys");
        let keys: Keys = self.arm.send_json(request).await.expect("the account's keys");
        let key = keys.keys.into_iter().next().expect("at least one key");
        Secret::new(key.value)
    }

    fn id(&self) -> String {
        ResourceId::resource(
            &self.subscription,
            &self.resource_group,
            "Microsoft.Storage",
            "storageAccounts",
            &self.name,
        )
        .to_string()
    }
}
