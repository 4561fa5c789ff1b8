//! The Blob conformance suite: one set of cases, run through `arm_core::storage` (and the
//! official `azure_storage_blob` clients where the module has no call, to set things up) against
//! the az-emulator and against Azurite, the referee. Both are reached over TLS with bearer tokens
//! that the emulator's Entra endpoint issues to a real `azure_identity` credential.
//!
//! Azurite is `$AZURITE_BLOB` or `azurite-blob` on `PATH` (`.ci/run` installs it); without it
//! the Azurite test prints a notice and passes, unless `CI` is set.
//!
//! Where the two servers differ, Azure's documented behaviour decides and the emulator follows
//! it; the differences met are listed in the README ("Blob storage: the emulator and Azurite").
#![cfg(feature = "storage")]

#[path = "support/azurite.rs"]
mod azurite;

use arm_core::ArmEnvironment;
use arm_core::storage::{
    BlobEndpoint, BlobLocation, FollowOptions, SasUrl, StorageClient, UploadOptions, UploadResult,
};
use azure_core::credentials::TokenCredential;
use azure_core::http::{ClientOptions, Method, RequestContent};
use azure_storage_blob::models::KeyInfo;
use azure_storage_blob::{
    BlobClient, BlobClientOptions, BlobContainerClient, BlobContainerClientOptions, BlobServiceClient,
    BlobServiceClientOptions,
};
use azure_storage_sas::{SasBuilder, SasProtocol};
use azurite::{Azurite, TempDir};
use futures::StreamExt;
use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;

/// The storage account created on the emulator.
const ACCOUNT: &str = "stconformance";

/// One Blob server as the suite sees it.
struct Server {
    name: &'static str,
    endpoint: BlobEndpoint,
    credential: Arc<dyn TokenCredential>,
    storage: StorageClient,
    /// For the official clients the suite sets things up with.
    client_options: ClientOptions,
    /// Where it departs from Azure's documented behaviour: the cases it does not run.
    differences: &'static [Difference],
}

impl Server {
    fn blob(&self, container: &str, name: &str) -> BlobLocation {
        self.endpoint.blob(container, name, self.credential.clone()).unwrap()
    }

    fn official_blob(&self, container: &str, name: &str) -> BlobClient {
        let options = BlobClientOptions {
            client_options: self.client_options.clone(),
            ..Default::default()
        };
        BlobClient::new(
            self.endpoint.blob_url(container, name).unwrap(),
            Some(self.credential.clone()),
            Some(options),
        )
        .unwrap()
    }

    /// A new container with a unique name.
    async fn container(&self, prefix: &str) -> String {
        let name = format!("{prefix}-{:08x}", fastrand::u32(..));
        let mut url = self.endpoint.url().clone();
        url.path_segments_mut().unwrap().pop_if_empty().push(&name);
        let options = BlobContainerClientOptions {
            client_options: self.client_options.clone(),
            ..Default::default()
        };
        BlobContainerClient::new(url, Some(self.credential.clone()), Some(options))
            .unwrap()
            .create(None)
            .await
            .unwrap_or_else(|e| panic!("{}: Create Container {name}: {e}", self.name));
        name
    }

    /// A user-delegation SAS URL for one blob with the permissions `grant` sets.
    async fn sas_for(
        &self,
        container: &str,
        name: &str,
        grant: impl FnOnce(
            SasBuilder<'_, azure_storage_sas::blob::BlobState>,
        ) -> SasBuilder<'_, azure_storage_sas::blob::BlobState>,
    ) -> SasUrl {
        let now = OffsetDateTime::now_utc().replace_nanosecond(0).unwrap();
        let expiry = now + Duration::from_secs(600);
        let options = BlobServiceClientOptions {
            client_options: self.client_options.clone(),
            ..Default::default()
        };
        let service = BlobServiceClient::new(
            self.endpoint.url().clone(),
            Some(self.credential.clone()),
            Some(options),
        )
        .unwrap();
        let key_info = KeyInfo {
            start: Some(now - Duration::from_secs(60)),
            expiry: Some(expiry),
            ..Default::default()
        };
        let key = service
            .get_user_delegation_key(key_info.try_into().unwrap(), None)
            .await
            .unwrap_or_else(|e| panic!("{}: Get User Delegation Key: {e}", self.name))
            .into_model()
            .unwrap();
        let builder = SasBuilder::new(self.endpoint.account(), &key, expiry)
            .unwrap()
            .protocol(SasProtocol::Https)
            .blob(container, name);
        let mut url = self.endpoint.blob_url(container, name).unwrap();
        url.set_query(Some(&grant(builder).build()));
        SasUrl::parse(url.as_str()).unwrap()
    }
}

/// `len` bytes of a pattern that differs at every offset of a block.
fn data(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8 ^ (i / 65_536) as u8).collect()
}

async fn upload(server: &Server, blob: &BlobLocation, bytes: &[u8], options: UploadOptions) -> UploadResult {
    server
        .storage
        .upload_stream(blob, bytes, Some(options))
        .await
        .unwrap_or_else(|e| panic!("{}: upload of {} bytes: {e}", server.name, bytes.len()))
}

fn quiet(block_size: usize, blocks_in_flight: usize) -> UploadOptions {
    UploadOptions {
        block_size,
        blocks_in_flight,
        progress: Some(Arc::new(NoProgress)),
        ..Default::default()
    }
}

struct NoProgress;

impl arm_core::storage::Progress for NoProgress {
    fn advance(&self, _bytes: u64) {}
    fn finish(&self) {}
}

type Case = for<'a> fn(&'a Server) -> Pin<Box<dyn Future<Output = ()> + 'a>>;

/// Where Azurite departs from Azure's documented behaviour, which the emulator follows (also
/// listed in the README, "Blob storage: the emulator and Azurite").
#[derive(Clone, Copy, PartialEq, Debug)]
enum Difference {
    /// Azurite 3.35 verifies SAS layouts up to `sv=2025-11-05` and refuses the `2026-04-06` ones
    /// that azure_storage_sas 1.0 signs, with `AuthorizationFailure`.
    SasVersion2026,
    /// Azure answers a range that starts at or past the end of a blob with 416 `InvalidRange`
    /// (learn.microsoft.com "Specify the range header for Blob service operations"); Azurite
    /// answers it with an empty body.
    RangePastTheEnd,
}

/// Every case of the suite: its name, the difference that keeps it from a server, its body.
const CASES: &[(&str, Option<Difference>, Case)] = &[
    ("a_small_blob_is_one_put_and_reads_back_in_ranges", None, |s| {
        Box::pin(small_blob(s))
    }),
    ("a_large_blob_is_committed_from_blocks", None, |s| Box::pin(blocks(s))),
    (
        "a_user_delegation_sas_reads_its_blob_only",
        Some(Difference::SasVersion2026),
        |s| Box::pin(delegation_sas(s)),
    ),
    (
        "an_upload_goes_through_a_sas_url",
        Some(Difference::SasVersion2026),
        |s| Box::pin(upload_through_sas(s)),
    ),
    ("an_append_blob_is_followed_to_its_completion", None, |s| {
        Box::pin(follow(s))
    }),
    ("a_missing_container_is_one_clear_line", None, |s| {
        Box::pin(missing_container(s))
    }),
    (
        "a_range_past_the_end_is_invalid_range",
        Some(Difference::RangePastTheEnd),
        |s| Box::pin(range_past_the_end(s)),
    ),
];

async fn run_suite(server: &Server) {
    for (name, difference, case) in CASES {
        if let Some(difference) = difference.filter(|d| server.differences.contains(d)) {
            println!("{}: {name} not run: {difference:?} (see the README)", server.name);
            continue;
        }
        println!("{}: {name} ...", server.name);
        case(server).await;
        println!("{}: {name} ok", server.name);
    }
}

async fn small_blob(server: &Server) {
    let container = server.container("small").await;
    let blob = server.blob(&container, "dir/notes 1.txt");
    let bytes = data(1000);
    let result = upload(server, &blob, &bytes, quiet(4096, 2)).await;
    assert_eq!(
        (result.bytes, result.blocks),
        (1000, 0),
        "{}: one Put Blob",
        server.name
    );
    let all = server.storage.read_range(&blob, 0..1000).await.unwrap();
    assert_eq!(&all[..], &bytes[..], "{}", server.name);
    let middle = server.storage.read_range(&blob, 10..20).await.unwrap();
    assert_eq!(&middle[..], &bytes[10..20], "{}", server.name);
}

async fn blocks(server: &Server) {
    let container = server.container("blocks").await;
    let blob = server.blob(&container, "artifacts.zip");
    let bytes = data(9 * 1024 * 1024 + 123);
    let result = upload(server, &blob, &bytes, quiet(1024 * 1024, 3)).await;
    assert_eq!(
        (result.bytes, result.blocks),
        (bytes.len() as u64, 10),
        "{}",
        server.name
    );
    let properties = server
        .official_blob(&container, "artifacts.zip")
        .get_properties(None)
        .await
        .unwrap();
    let length = properties.headers().get_optional_str(&"content-length".into());
    assert_eq!(length, Some(bytes.len().to_string().as_str()), "{}", server.name);
    let mut read = Vec::with_capacity(bytes.len());
    for start in (0..bytes.len() as u64).step_by(4 * 1024 * 1024) {
        let end = (start + 4 * 1024 * 1024).min(bytes.len() as u64);
        read.extend_from_slice(&server.storage.read_range(&blob, start..end).await.unwrap());
    }
    assert!(
        read == bytes,
        "{}: the committed blob is the blocks in order",
        server.name
    );
}

async fn delegation_sas(server: &Server) {
    let container = server.container("sas").await;
    let blob = server.blob(&container, "log.txt");
    upload(server, &blob, b"hello through a SAS", quiet(4096, 1)).await;
    upload(
        server,
        &server.blob(&container, "other.txt"),
        b"not for you",
        quiet(4096, 1),
    )
    .await;

    let sas = server
        .storage
        .user_delegation_sas(&blob, Duration::from_secs(300))
        .await
        .unwrap_or_else(|e| panic!("{}: user delegation SAS: {e}", server.name));
    assert!(
        !format!("{sas} {sas:?}").contains("sig="),
        "a SAS URL prints without its query"
    );
    let reader = BlobLocation::from_sas(sas.clone()).unwrap();
    let read = server.storage.read_range(&reader, 0..19).await.unwrap();
    assert_eq!(&read[..], b"hello through a SAS", "{}", server.name);

    let write = server
        .storage
        .upload_stream(&reader, &b"overwrite"[..], Some(quiet(4096, 1)))
        .await;
    let error = write.expect_err("a read-only SAS cannot write");
    assert_eq!(error.status().map(u16::from), Some(403), "{}: {error}", server.name);
    assert_eq!(
        error.code(),
        Some("AuthorizationPermissionMismatch"),
        "{}: {error}",
        server.name
    );
    assert!(!error.to_string().contains("sig="), "{}: {error}", server.name);

    let other = sas.secret().secret().replacen("/log.txt?", "/other.txt?", 1);
    let other = BlobLocation::from_sas(SasUrl::parse(&other).unwrap()).unwrap();
    let error = server
        .storage
        .read_range(&other, 0..5)
        .await
        .expect_err("the SAS names another blob");
    assert_eq!(error.code(), Some("AuthenticationFailed"), "{}: {error}", server.name);
    assert!(
        !format!("{error} {error:?}").contains("sig="),
        "{}: {error}",
        server.name
    );
}

async fn upload_through_sas(server: &Server) {
    let container = server.container("upload").await;
    let sas = server
        .sas_for(&container, "context.tar.gz", |b| b.create().write())
        .await;
    let target = BlobLocation::from_sas(sas).unwrap();
    let bytes = data(3 * 1024 * 1024 + 7);
    let result = upload(server, &target, &bytes, quiet(1024 * 1024, 2)).await;
    assert_eq!(result.blocks, 4, "{}", server.name);
    let blob = server.blob(&container, "context.tar.gz");
    let read = server.storage.read_range(&blob, 0..bytes.len() as u64).await.unwrap();
    assert!(
        read[..] == bytes[..],
        "{}: what the SAS uploaded reads back",
        server.name
    );
}

async fn follow(server: &Server) {
    let container = server.container("logs").await;
    let log = server.official_blob(&container, "run.log");
    log.append_blob_client().create(None).await.unwrap();
    let options = FollowOptions {
        active_delay: Duration::from_millis(50),
        max_idle_delay: Duration::from_millis(200),
        max_wait_for_blob: Duration::from_secs(10),
        ..Default::default()
    };
    let follower = server
        .storage
        .follow_append_blob(&server.blob(&container, "run.log"), Some(options))
        .unwrap();
    let lines: Vec<String> = (0..5).map(|i| format!("step {i}\r\n")).collect();
    let writer = {
        let lines = lines.clone();
        async move {
            for line in lines {
                tokio::time::sleep(Duration::from_millis(80)).await;
                let bytes = line.into_bytes();
                let len = bytes.len() as u64;
                log.append_blob_client()
                    .append_block(RequestContent::from(bytes), len, None)
                    .await
                    .unwrap();
            }
            let metadata = HashMap::from([("complete".to_owned(), "successful".to_owned())]);
            log.set_metadata(&metadata, None).await.unwrap();
        }
    };
    let reader = async {
        let chunks: Vec<_> = follower.collect().await;
        chunks
            .into_iter()
            .map(|chunk| chunk.unwrap_or_else(|e| panic!("{}: following: {e}", server.name)))
            .fold(Vec::new(), |mut all, chunk| {
                all.extend_from_slice(&chunk);
                all
            })
    };
    let ((), followed) = tokio::time::timeout(Duration::from_secs(30), async { tokio::join!(writer, reader) })
        .await
        .unwrap_or_else(|_| {
            panic!(
                "{}: the follower did not end after the completion metadata",
                server.name
            )
        });
    assert_eq!(String::from_utf8(followed).unwrap(), lines.concat(), "{}", server.name);
}

async fn missing_container(server: &Server) {
    let blob = server.blob("absent-container", "x.bin");
    let error = server
        .storage
        .upload_stream(&blob, &b"x"[..], Some(quiet(4096, 1)))
        .await
        .expect_err("no such container");
    assert_eq!(error.code(), Some("ContainerNotFound"), "{}: {error}", server.name);
    let line = error.to_string();
    assert!(!line.contains('\n'), "{}: one line: {line}", server.name);
    assert!(
        line.contains("absent-container"),
        "{}: names the blob: {line}",
        server.name
    );
}

async fn range_past_the_end(server: &Server) {
    let container = server.container("ranges").await;
    let blob = server.blob(&container, "short.bin");
    upload(server, &blob, &data(100), quiet(4096, 1)).await;
    let error = server
        .storage
        .read_range(&blob, 100..200)
        .await
        .expect_err("nothing at 100..200");
    assert_eq!(error.status().map(u16::from), Some(416), "{}: {error}", server.name);
    assert_eq!(error.code(), Some("InvalidRange"), "{}: {error}", server.name);
}

/// An emulator whose service principal is Owner and Storage Blob Data Contributor of the
/// subscription.
async fn emulator() -> az_emulator::Emulator {
    let config = az_emulator::EmulatorConfig::from_toml_str(
        r#"
operation_duration_ms = 300
retry_after_secs = 1

[[tenants]]

[[subscriptions]]

[[resource_groups]]
name = "rg-emulator"

[[service_principals]]
name = "builder"
roles = [{ role = "Owner" }, { role = "Storage Blob Data Contributor" }]
"#,
    )
    .unwrap();
    az_emulator::Emulator::start(config).await.unwrap()
}

/// The suite's view of a Blob server at `endpoint`, through `env` (the emulator's environment,
/// possibly with another CA bundle).
fn server(
    name: &'static str,
    env: &BTreeMap<String, String>,
    endpoint: BlobEndpoint,
    differences: &'static [Difference],
) -> Server {
    let environment = ArmEnvironment::from_env(env).unwrap();
    let client_options = ClientOptions {
        transport: Some(environment.transport.to_transport()),
        ..Default::default()
    };
    Server {
        name,
        endpoint,
        credential: environment.credential().unwrap(),
        storage: StorageClient::for_environment(&environment, None).unwrap(),
        client_options,
        differences,
    }
}

/// An emulator with the account [`ACCOUNT`] (Shared Key access off, as Azure recommends) and the
/// suite's view of its Blob endpoint, resolved through ARM.
async fn emulator_with_an_account() -> (az_emulator::Emulator, Server) {
    let emulator = emulator().await;
    let env = emulator.info().env.clone();
    let environment = ArmEnvironment::from_env(&env).unwrap();
    let arm = environment.arm_client().unwrap();
    let subscription = environment.require_subscription_id().unwrap().to_owned();
    let path = format!(
        "/subscriptions/{subscription}/resourceGroups/rg-emulator/providers/Microsoft.Storage/storageAccounts/{ACCOUNT}"
    );
    let body = serde_json::json!({
        "location": emulator.info().defaults.location,
        "kind": "StorageV2",
        "sku": { "name": "Standard_LRS" },
        "properties": { "allowSharedKeyAccess": false, "minimumTlsVersion": "TLS1_2" }
    });
    let request = arm
        .request(Method::Put, &path, "2024-01-01")
        .unwrap()
        .json(&body)
        .unwrap();
    arm.begin::<serde_json::Value>(request, None)
        .await
        .unwrap()
        .await
        .expect("the storage account is created");
    let endpoint = BlobEndpoint::resolve(&arm, &subscription, "rg-emulator", ACCOUNT, None)
        .await
        .unwrap();
    assert!(
        endpoint.url().as_str().starts_with(&emulator.info().endpoints.blob),
        "the endpoint comes from ARM: {}",
        endpoint.url()
    );
    let server = server("emulator", &env, endpoint, &[]);
    (emulator, server)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_suite_passes_on_the_emulator() {
    let (emulator, server) = emulator_with_an_account().await;
    run_suite(&server).await;
    emulator.shutdown().await;
}

/// A SAS signed with an account key (a service SAS: no `skoid`) on an account whose
/// `allowSharedKeyAccess` is false is refused by the service with
/// `KeyBasedAuthenticationNotPermitted`; the SDK reports it in one line without the query.
#[tokio::test(flavor = "multi_thread")]
async fn an_account_key_sas_on_an_account_without_shared_key_is_one_clear_line() {
    let (emulator, server) = emulator_with_an_account().await;
    let container = server.container("keyless").await;
    upload(&server, &server.blob(&container, "a.txt"), b"data", quiet(4096, 1)).await;
    let expiry = OffsetDateTime::now_utc() + Duration::from_secs(600);
    let expiry = expiry.format(&time::format_description::well_known::Rfc3339).unwrap();
    let mut url = server.endpoint.blob_url(&container, "a.txt").unwrap();
    url.query_pairs_mut()
        .append_pair("sv", "2026-04-06")
        .append_pair("sr", "b")
        .append_pair("sp", "r")
        .append_pair("spr", "https")
        .append_pair("se", &expiry)
        .append_pair("sig", "c2lnbmVkLXdpdGgtYW4tYWNjb3VudC1rZXk=");
    let sas = SasUrl::parse(url.as_str()).unwrap();
    let error = server
        .storage
        .read_range(&BlobLocation::from_sas(sas).unwrap(), 0..4)
        .await
        .expect_err("Shared Key access is off");
    assert_eq!(error.status().map(u16::from), Some(403), "{error}");
    assert_eq!(error.code(), Some("KeyBasedAuthenticationNotPermitted"), "{error}");
    let printed = format!("{error} {error:?}");
    assert!(!error.to_string().contains('\n'), "one line: {error}");
    assert!(!printed.contains("sig=") && !printed.contains("c2lnbmVk"), "{printed}");
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_suite_passes_on_azurite() {
    let Some(executable) = Azurite::executable() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but Azurite is not installed (npm install azurite; AZURITE_BLOB names azurite-blob)"
        );
        eprintln!("skipped the_suite_passes_on_azurite: no azurite-blob (npm install azurite, or set AZURITE_BLOB)");
        return;
    };
    let emulator = emulator().await;
    let azurite = Azurite::start(&executable).await;
    // Tokens come from the emulator's Entra endpoint (issuer https://sts.windows.net/{tenant}/,
    // audience https://storage.azure.com, which Azurite's OAuth accepts); the transport trusts
    // both CAs.
    let bundle = TempDir::new("conformance-ca");
    let bundle_file = bundle.0.join("ca-bundle.pem");
    let mut env = emulator.info().env.clone();
    let emulator_ca = std::fs::read_to_string(&env["AZ_CA_BUNDLE"]).unwrap();
    std::fs::write(&bundle_file, format!("{emulator_ca}\n{}", azurite.ca_pem)).unwrap();
    env.insert("AZ_CA_BUNDLE".to_owned(), bundle_file.display().to_string());
    let endpoint = BlobEndpoint::from_url(azurite::ACCOUNT, azurite.blob_endpoint.parse().unwrap());
    let differences = &[Difference::SasVersion2026, Difference::RangePastTheEnd];
    run_suite(&server("azurite", &env, endpoint, differences)).await;
    drop(azurite);
    emulator.shutdown().await;
}
