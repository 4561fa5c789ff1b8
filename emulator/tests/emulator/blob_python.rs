//! The official Python client, azure-storage-blob, against the Blob service: with the account
//! key (connection string from ARM `listKeys`) and with a bearer token (a user delegation key
//! and a SAS signed with it). The emulator is judged by a client nobody here wrote.

use std::path::Path;
use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use crate::blob_support::{STORAGE_API, STORAGE_SCOPE, account_id, create_account, grant};
use crate::common::{Harness, imports, in_ci, python};

/// Storage Blob Data Reader (a user delegation SAS grants at most what its signer holds).
const BLOB_DATA_READER: &str = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1";

/// The connection string of account `name` from ARM `listKeys` (its first key) and its Blob
/// endpoint from ARM (`primaryEndpoints.blob`).
async fn connection_string(h: &Harness, name: &str) -> (String, String) {
    let token = h.token().await;
    let id = account_id(h, name);
    let account = h
        .arm(Method::GET, &format!("{id}?api-version={STORAGE_API}"), &token, None)
        .await;
    let endpoint = account.json["properties"]["primaryEndpoints"]["blob"]
        .as_str()
        .expect("primaryEndpoints.blob")
        .trim_end_matches('/')
        .to_owned();
    let keys = h
        .arm(
            Method::POST,
            &format!("{id}/listKeys?api-version={STORAGE_API}"),
            &token,
            None,
        )
        .await;
    let key = keys.json["keys"][0]["value"].as_str().expect("key1");
    let connection =
        format!("DefaultEndpointsProtocol=https;AccountName={name};AccountKey={key};BlobEndpoint={endpoint};");
    (connection, endpoint)
}

#[tokio::test]
async fn the_official_python_client_uploads_lists_reads_and_signs() {
    let python = python();
    if !imports(&python, "azure.storage.blob").await {
        assert!(
            !in_ci(),
            "CI is set but {python} has no azure-storage-blob package (pip install azure-storage-blob==12.27.1)"
        );
        eprintln!(
            "skipped the_official_python_client_uploads_lists_reads_and_signs: {python} has no azure-storage-blob package (pip install azure-storage-blob==12.27.1, or set AZ_EMULATOR_PYTHON)"
        );
        return;
    }
    let h = Harness::start().await;
    create_account(&h, "stpyblob", json!({ "allowSharedKeyAccess": true })).await;
    let storage_token = h.token_for_scope(STORAGE_SCOPE).await;
    grant(&h, &storage_token, BLOB_DATA_READER, &account_id(&h, "stpyblob")).await;
    let (connection, endpoint) = connection_string(&h, "stpyblob").await;

    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/blob_client.py");
    let mut command = tokio::process::Command::new(&python);
    command
        .arg(&script)
        .args([endpoint.as_str(), "pyblob"])
        .env("AZ_BLOB_CONNECTION_STRING", &connection)
        .env("AZ_STORAGE_TOKEN", &storage_token)
        .env("AZ_EMULATOR_CA", &h.info().ca_file)
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("no_proxy", "127.0.0.1,localhost")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true);
    for proxy in [
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ] {
        command.env_remove(proxy);
    }
    let output = tokio::time::timeout(Duration::from_secs(120), command.output())
        .await
        .expect("the Python client ends within 120 s")
        .expect("python starts");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{}\n{stdout}\n{stderr}", output.status);
    let found: Value = serde_json::from_str(stdout.lines().last().unwrap_or_default()).expect("one JSON line");

    let size = 3 * 1024 * 1024 + 12345;
    assert_eq!(found["account"], "stpyblob");
    assert_eq!(found["containerMetadata"], json!({ "purpose": "python" }));
    assert_eq!(found["uploaded"], size);
    assert_eq!(found["blocks"], 4, "{found}");
    assert_eq!(found["sha256"], true);
    assert_eq!(found["range"], true);
    assert_eq!(found["listed"], json!(["dir/big.bin", "dir/sub/a.txt"]));
    // The client puts a page's prefixes before its blobs (BlobPrefixPaged), whatever the order
    // of the XML.
    assert_eq!(found["walked"], json!(["dir/sub/", "dir/sub/a.txt", "dir/big.bin"]));
    assert_eq!(found["metadata"], json!({ "complete": "true", "owner": "python" }));
    assert_eq!(found["size"], size);
    assert_eq!(found["blobType"], "BlobType.BLOCKBLOB");
    assert_eq!(found["appendOffsets"], json!([0, 8]));
    assert_eq!(found["appendCommitted"], 2);
    assert_eq!(found["log"], "step 1\r\nstep 2\r\n");
    assert_eq!(found["serviceSas"], true);
    let oid = crate::common::claims(&storage_token)["oid"].clone();
    assert_eq!(found["delegationKey"]["oid"], oid);
    assert_eq!(found["delegationKey"]["service"], "b");
    assert_eq!(found["userDelegationSas"], "other.txt");
    assert_eq!(found["containers"], json!(["pyblob"]));
    assert_eq!(found["deleted"], true);

    // Every request reached the Blob service and none was refused but the last (`exists()` of
    // the deleted container); no secret was journaled.
    let journal = h.emulator.control().journal();
    let blob: Vec<_> = journal
        .iter()
        .filter(|e| e.listener == az_emulator::ListenerKind::Blob)
        .collect();
    let (last, before) = blob.split_last().expect("Blob requests");
    assert!(before.len() > 20, "{blob:#?}");
    assert!(before.iter().all(|e| e.status.is_some_and(|s| s < 400)), "{blob:#?}");
    assert_eq!(
        (last.method.as_str(), last.query.as_str(), last.status),
        ("GET", "restype=container", Some(404))
    );
    let key = connection
        .split("AccountKey=")
        .nth(1)
        .unwrap()
        .split(';')
        .next()
        .unwrap();
    let text = format!("{journal:?}");
    assert!(!text.contains(key) && !text.contains(&storage_token));
}
