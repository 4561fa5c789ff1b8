//! Helpers of the Blob tests: a storage account made over ARM, data roles, raw Blob requests,
//! and an independent Shared Key signer (learn.microsoft.com "Authorize with Shared Key").

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::Method;
use serde_json::json;

use crate::common::{Harness, claims};

/// The Storage api-version of the ARM calls.
pub const STORAGE_API: &str = "2023-05-01";
/// The `x-ms-version` the tests speak.
pub const VERSION: &str = "2025-11-05";
/// The Storage Entra scope.
pub const STORAGE_SCOPE: &str = "https://storage.azure.com/.default";
/// Storage Blob Data Contributor.
pub const BLOB_DATA_CONTRIBUTOR: &str = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";

/// A response of the Blob service.
pub struct BlobReply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

impl BlobReply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// `x-ms-error-code`.
    pub fn code(&self) -> &str {
        self.header("x-ms-error-code").unwrap_or_default()
    }
}

/// The ARM id of account `name` in the default resource group.
pub fn account_id(h: &Harness, name: &str) -> String {
    account_id_in(h, &h.info().defaults.resource_group, name)
}

/// The ARM id of account `name` in resource group `group`.
pub fn account_id_in(h: &Harness, group: &str, name: &str) -> String {
    format!(
        "/subscriptions/{}/resourceGroups/{group}/providers/Microsoft.Storage/storageAccounts/{name}",
        h.info().defaults.subscription_id
    )
}

/// Creates account `name` in the default resource group over ARM (with `properties`) and waits
/// until it is ready.
pub async fn create_account(h: &Harness, name: &str, properties: serde_json::Value) {
    create_account_in(h, &h.info().defaults.resource_group, name, properties).await;
}

/// Creates account `name` in resource group `group` over ARM (with `properties`) and waits
/// until it is ready.
pub async fn create_account_in(h: &Harness, group: &str, name: &str, properties: serde_json::Value) {
    let token = h.token().await;
    let path = format!("{}?api-version={STORAGE_API}", account_id_in(h, group, name));
    let body = json!({
        "location": h.info().defaults.location,
        "kind": "StorageV2",
        "sku": { "name": "Standard_LRS" },
        "properties": properties,
    });
    let reply = h.arm(Method::PUT, &path, &token, Some(body)).await;
    assert!(matches!(reply.status, 200 | 202), "{}", reply.text);
    for _ in 0..100 {
        let reply = h.arm(Method::GET, &path, &token, None).await;
        if reply.json["properties"]["provisioningState"] == "Succeeded" {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the account {name} did not become ready");
}

/// The first key (decoded) of account `name` of the default resource group, from ARM
/// `listKeys`.
pub async fn account_key(h: &Harness, name: &str) -> Vec<u8> {
    account_key_in(h, &h.info().defaults.resource_group, name).await
}

/// The first key (decoded) of account `name` of resource group `group`, from ARM `listKeys`.
pub async fn account_key_in(h: &Harness, group: &str, name: &str) -> Vec<u8> {
    let token = h.token().await;
    let path = format!("{}/listKeys?api-version={STORAGE_API}", account_id_in(h, group, name));
    let reply = h.arm(Method::POST, &path, &token, None).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    STANDARD
        .decode(reply.json["keys"][0]["value"].as_str().expect("key"))
        .expect("base64 key")
}

/// Grants built-in role `role_guid` at `scope` to the principal of `storage_token`.
pub async fn grant(h: &Harness, storage_token: &str, role_guid: &str, scope: &str) {
    let token = h.token().await;
    let oid = claims(storage_token)["oid"].as_str().expect("oid").to_owned();
    let sub = &h.info().defaults.subscription_id;
    let path = format!(
        "{scope}/providers/Microsoft.Authorization/roleAssignments/{}?api-version=2022-04-01",
        uuid::Uuid::new_v4()
    );
    let body = json!({ "properties": {
        "roleDefinitionId": format!("/subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/{role_guid}"),
        "principalId": oid,
        "principalType": "ServicePrincipal",
    }});
    let reply = h.arm(Method::PUT, &path, &token, Some(body)).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
}

/// A Blob request: `path_and_query` after the endpoint (path-style: starts with `/{account}`).
pub async fn blob(
    h: &Harness,
    method: Method,
    path_and_query: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> BlobReply {
    let url = format!("{}{path_and_query}", h.info().endpoints.blob);
    let mut request = h.http.request(method, &url).header("x-ms-version", VERSION);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.body(body).send().await.expect("the Blob service answers");
    BlobReply {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body: response.bytes().await.expect("body").to_vec(),
    }
}

/// A Blob request with a bearer token.
pub async fn with_token(
    h: &Harness,
    token: &str,
    method: Method,
    path_and_query: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> BlobReply {
    let auth = format!("Bearer {token}");
    let mut all = vec![("authorization", auth.as_str())];
    all.extend_from_slice(headers);
    blob(h, method, path_and_query, &all, body).await
}

/// The `Authorization: SharedKey` value of a request, computed here from the documented
/// string-to-sign (version 2015-02-21 and later: `Content-Length` empty when zero).
pub fn shared_key(
    account: &str,
    key: &[u8],
    method: &str,
    path_and_query: &str,
    headers: &[(&str, &str)],
    content_length: usize,
) -> String {
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map_or("", |(_, v)| *v)
    };
    let mut ms: Vec<(String, &str)> = headers
        .iter()
        .filter(|(n, _)| n.to_ascii_lowercase().starts_with("x-ms-"))
        .map(|(n, v)| (n.to_ascii_lowercase(), *v))
        .collect();
    ms.sort();
    let canonical_headers: String = ms.iter().map(|(n, v)| format!("{n}:{}\n", v.trim())).collect();
    let (path, query) = path_and_query.split_once('?').unwrap_or((path_and_query, ""));
    let mut resource = format!("/{account}{path}");
    let mut pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.to_ascii_lowercase(), v.into_owned()))
        .collect();
    pairs.sort();
    for (name, value) in pairs {
        resource.push_str(&format!("\n{name}:{value}"));
    }
    let length = if content_length == 0 {
        String::new()
    } else {
        content_length.to_string()
    };
    let to_sign = format!(
        "{method}\n{}\n{}\n{length}\n{}\n{}\n\n{}\n{}\n{}\n{}\n{}\n{canonical_headers}{resource}",
        header("content-encoding"),
        header("content-language"),
        header("content-md5"),
        header("content-type"),
        header("if-modified-since"),
        header("if-match"),
        header("if-none-match"),
        header("if-unmodified-since"),
        header("range"),
    );
    let signing = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key);
    let signature = STANDARD.encode(ring::hmac::sign(&signing, to_sign.as_bytes()).as_ref());
    format!("SharedKey {account}:{signature}")
}

/// Now as an HTTP date (`x-ms-date`): RFC 1123 in GMT.
pub fn http_date_now() -> String {
    time::OffsetDateTime::now_utc()
        .format(time::macros::format_description!(
            "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
        ))
        .unwrap()
}

/// A Blob request of account `account` authorized with Shared Key: `path_and_query` after the
/// account segment (`/cont/blob?comp=...`), signed with `key` over `headers`, `x-ms-date` and
/// `x-ms-version`.
pub async fn with_key(
    h: &Harness,
    account: &str,
    key: &[u8],
    method: Method,
    path_and_query: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> BlobReply {
    let date = http_date_now();
    let mut signed = vec![("x-ms-date", date.as_str()), ("x-ms-version", VERSION)];
    signed.extend_from_slice(headers);
    let auth = shared_key(account, key, method.as_str(), path_and_query, &signed, body.len());
    let mut all = vec![("authorization", auth.as_str()), ("x-ms-date", date.as_str())];
    all.extend_from_slice(headers);
    blob(h, method, &format!("/{account}{path_and_query}"), &all, body).await
}

/// A service SAS query (`sv` 2022-11-02, https only, no start) for blob `blob` of `container`
/// (`sr=b`), signed with `key` from the documented string-to-sign (learn.microsoft.com "Create a
/// service SAS", version 2020-12-06 and later).
pub fn service_sas(account: &str, key: &[u8], container: &str, blob: &str, sp: &str, expiry: &str) -> String {
    const SV: &str = "2022-11-02";
    let resource = format!("/blob/{account}/{container}/{blob}");
    let to_sign = [
        sp, "", expiry, &resource, "", "", "https", SV, "b", "", "", "", "", "", "", "",
    ]
    .join("\n");
    let signing = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key);
    let sig = STANDARD.encode(ring::hmac::sign(&signing, to_sign.as_bytes()).as_ref());
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("sp", sp),
            ("se", expiry),
            ("spr", "https"),
            ("sv", SV),
            ("sr", "b"),
            ("sig", &sig),
        ])
        .finish()
}

/// Pulls the text of every `<tag>` out of an XML body, in order.
pub fn texts(xml: &str, tag: &str) -> Vec<String> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    xml.split(&open)
        .skip(1)
        .filter_map(|rest| rest.split_once(&close).map(|(text, _)| text.to_owned()))
        .collect()
}
