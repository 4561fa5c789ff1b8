//! ARM's unauthenticated cloud discovery, `GET /metadata/endpoints?api-version=...`, describing
//! the emulator's own cloud, so that `az cloud register -n Emulator --endpoint-resource-manager
//! <arm>` (which reads `{arm}/metadata/endpoints?api-version=2022-09-01`) learns its login
//! endpoint and token audiences. `2022-09-01` answers one cloud object; `2019-05-01` and
//! `2020-06-01` (what `ARM_CLOUD_METADATA_URL` and Az PowerShell's `-AutoDiscover` read) an array
//! of clouds, here the one. A doubled slash after the host (`//metadata/endpoints`, what the CLI
//! sends for an endpoint given with a trailing slash) is the same path, as in ARM.

use hyper::{Method, StatusCode};
use serde_json::{Value, json};

use super::api_version::{self, ApiVersions};
use super::error::ArmError;
use crate::http::{Reply, Request};
use crate::startup::{CLOUD_NAME, Endpoints};

/// The api-versions answered: the newest as one object, the others as an array.
const VERSIONS: &[&str] = &["2022-09-01", "2020-06-01", "2019-05-01"];

/// The DNS suffixes of the cloud: those of the public cloud, whose names (and token audiences)
/// the emulator keeps; clients take the endpoints of the emulator's accounts from ARM.
const SUFFIXES: &[(&str, &str)] = &[
    ("storage", "core.windows.net"),
    ("keyVaultDns", "vault.azure.net"),
    ("acrLoginServer", "azurecr.io"),
];

/// Whether `request` asks for the cloud metadata (answered without authentication).
pub(crate) fn is_requested(request: &Request) -> bool {
    request.method == Method::GET && request.path_is(&["metadata", "endpoints"])
}

/// The metadata of the emulator's cloud in the shape of the request's api-version.
pub(crate) fn endpoints(endpoints: &Endpoints, request: &Request) -> Result<Reply, ArmError> {
    let version = request.query("api-version").ok_or_else(api_version::missing)?;
    api_version::check(version, &ApiVersions::Only(VERSIONS))?;
    let cloud = cloud(endpoints);
    let body = if version == VERSIONS[0] { cloud } else { json!([cloud]) };
    Ok(Reply::json(StatusCode::OK, &body))
}

/// The emulator's cloud: its ARM endpoint, its Entra endpoint, the ARM audiences its tokens may
/// carry (its own ARM endpoint first: the Azure CLI asks for `audiences[0]` + `/.default`), and
/// the suffixes.
fn cloud(endpoints: &Endpoints) -> Value {
    let suffixes: serde_json::Map<String, Value> = SUFFIXES
        .iter()
        .map(|(name, suffix)| ((*name).to_owned(), json!(suffix)))
        .collect();
    json!({
        "name": CLOUD_NAME,
        "resourceManager": endpoints.arm,
        "authentication": {
            "loginEndpoint": endpoints.login,
            "audiences": [
                format!("{}/", endpoints.arm),
                "https://management.core.windows.net/",
                "https://management.azure.com/",
            ],
            "tenant": "common",
            "identityProvider": "AAD",
        },
        "suffixes": suffixes,
    })
}
