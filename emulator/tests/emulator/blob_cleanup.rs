//! Nothing is left behind: the blob files of a container go when it is deleted over ARM, when
//! its account is deleted, when its resource group is deleted, and when the emulator stops.

use std::path::{Path, PathBuf};
use std::time::Duration;

use reqwest::Method;
use serde_json::json;

use crate::blob_support::{STORAGE_API, account_id_in, account_key_in, blob, create_account_in, with_key};
use crate::common::{Harness, quick_config};
use crate::devops_support::TempDir;

/// The files under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .flat_map(|entry| {
            let path = entry.path();
            if path.is_dir() { files_under(&path) } else { vec![path] }
        })
        .collect()
}

/// The blob files (and uncommitted blocks) under the state directory's `blob/` (not the
/// temporary bodies being received).
fn blob_files(state: &Path) -> Vec<PathBuf> {
    let blob = state.join("blob");
    files_under(&blob)
        .into_iter()
        .filter(|path| !path.starts_with(blob.join("tmp")))
        .collect()
}

/// Waits (up to 5 s) until no blob file is left.
async fn until_no_blob_files(state: &Path, after: &str) {
    for _ in 0..100 {
        if blob_files(state).is_empty() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("blob files left after {after}: {:?}", blob_files(state));
}

/// Account `account` in `group` with container `container` holding a committed blob and an
/// uncommitted block; returns the account key.
async fn filled(h: &Harness, state: &Path, group: &str, account: &str, container: &str) -> Vec<u8> {
    create_account_in(h, group, account, json!({})).await;
    let key = account_key_in(h, group, account).await;
    let send = |method: Method, path: String, headers: &'static [(&'static str, &'static str)]| {
        let key = key.clone();
        async move { with_key(h, account, &key, method, &path, headers, b"content".to_vec()).await }
    };
    let created = with_key(
        h,
        account,
        &key,
        Method::PUT,
        &format!("/{container}?restype=container"),
        &[],
        Vec::new(),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.text());
    let put = send(
        Method::PUT,
        format!("/{container}/dir/blob.bin"),
        &[("x-ms-blob-type", "BlockBlob")],
    )
    .await;
    assert_eq!(put.status, 201, "{}", put.text());
    let block = send(
        Method::PUT,
        format!("/{container}/staged.bin?comp=block&blockid=AAAA"),
        &[],
    )
    .await;
    assert_eq!(block.status, 201, "{}", block.text());
    assert_eq!(blob_files(state).len(), 2, "{:?}", blob_files(state));
    key
}

#[tokio::test]
async fn deleted_containers_accounts_and_groups_leave_no_blob_files() {
    let state = TempDir::new("blob-cleanup");
    let config = az_emulator::EmulatorConfig {
        state_dir: Some(state.path().to_owned()),
        ..quick_config()
    };
    let h = Harness::with(config).await;
    let token = h.token().await;
    let group = h.info().defaults.resource_group.clone();

    // A container deleted over ARM.
    filled(&h, state.path(), &group, "stclean1", "logs").await;
    let container = format!(
        "{}/blobServices/default/containers/logs?api-version={STORAGE_API}",
        account_id_in(&h, &group, "stclean1")
    );
    assert_eq!(h.arm(Method::DELETE, &container, &token, None).await.status, 200);
    until_no_blob_files(state.path(), "an ARM container DELETE").await;

    // An account deleted over ARM.
    filled(&h, state.path(), &group, "stclean1", "again").await;
    let account = format!("{}?api-version={STORAGE_API}", account_id_in(&h, &group, "stclean1"));
    assert_eq!(h.arm(Method::DELETE, &account, &token, None).await.status, 200);
    until_no_blob_files(state.path(), "an ARM account DELETE").await;

    // A resource group deleted: its accounts go in the cascade, their files at the Blob
    // service's next request (here one for an account that does not exist).
    let created = h
        .arm(
            Method::PUT,
            &h.rg_path("rg-cleanup"),
            &token,
            Some(json!({ "location": "eastus" })),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    filled(&h, state.path(), "rg-cleanup", "stclean2", "logs").await;
    assert_eq!(
        h.arm(Method::DELETE, &h.rg_path("rg-cleanup"), &token, None)
            .await
            .status,
        202
    );
    let next = blob(&h, Method::GET, "/stnosuch?comp=list", &[], Vec::new()).await;
    assert_eq!(next.status, 404, "{}", next.text());
    until_no_blob_files(state.path(), "a resource group DELETE").await;

    // The emulator stopping.
    filled(&h, state.path(), &group, "stclean3", "logs").await;
    h.emulator.shutdown().await;
    assert_eq!(blob_files(state.path()), Vec::<PathBuf>::new(), "after shutdown");
}
