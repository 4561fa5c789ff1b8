//! `GET {org}/_apis/distributedtask/packages/agent[/{platform}]?$top=` (or `?platform=`;
//! `PackageMetadata`, newest version first), `GET .../packages/agent/{platform}/{version}`, and
//! the download `GET /_packages/{filename}`: no authentication (a CDN in Azure), streamed from
//! disk with `Content-Length`.

use bytes::Bytes;
use hyper::StatusCode;
use hyper::header::CONTENT_TYPE;
use serde_json::{Value, json};

use super::Call;
use super::body::{count, query};
use crate::clock;
use crate::http::{Body, Reply, Request};
use crate::packages::{Package, PackageError, Ready};
use crate::pools::error::{AdoError, Assembly};
use crate::pools::wire;
use crate::shared::Shared;

/// Where Azure DevOps links the agent's documentation.
const INFO_URL: &str = "https://go.microsoft.com/fwlink/?LinkId=798199";

/// The packages of the platform in the path or the query (all without one), newest version
/// first, at most `$top`.
pub(crate) async fn list(call: &Call<'_>, platform: Option<&str>) -> Result<Reply, AdoError> {
    let top = count(call.request, "$top")?;
    let packages = &call.shared.packages;
    let mut selected: Vec<&Package> = match platform.or_else(|| query(call.request, "platform")) {
        Some(platform) => packages.for_platform(platform),
        None => packages.all(),
    };
    selected.sort_by_key(|p| std::cmp::Reverse(version(&p.seed.version)));
    selected.truncate(top.unwrap_or(usize::MAX));
    let mut values = Vec::with_capacity(selected.len());
    for package in selected {
        let ready = packages.ready(package).await.map_err(|e| unavailable(&e))?;
        values.push(metadata(call.shared, package, ready));
    }
    Ok(Reply::json(StatusCode::OK, &wire::list(values)))
}

/// The package of `platform` with this version; 404 `PackageNotFoundException` without one.
pub(crate) async fn get(call: &Call<'_>, platform: &str, wanted: &str) -> Result<Reply, AdoError> {
    let packages = &call.shared.packages;
    let package = packages
        .for_platform(platform)
        .into_iter()
        .find(|p| version(&p.seed.version) == version(wanted))
        .ok_or_else(|| {
            AdoError::new(
                StatusCode::NOT_FOUND,
                "PackageNotFoundException",
                Assembly::DistributedTask,
                format!("No agent package was found for platform {platform} with version {wanted}."),
            )
        })?;
    let ready = packages.ready(package).await.map_err(|e| unavailable(&e))?;
    Ok(Reply::json(StatusCode::OK, &metadata(call.shared, package, ready)))
}

/// `major.minor.patch` as numbers.
fn version(text: &str) -> [i32; 3] {
    let mut parts = text.split('.').map(|p| p.parse().unwrap_or(0));
    [(); 3].map(|()| parts.next().unwrap_or(0))
}

/// A `PackageMetadata`.
fn metadata(shared: &Shared, package: &Package, ready: &Ready) -> Value {
    let seed = &package.seed;
    let [major, minor, patch] = version(&seed.version);
    let filename = seed.filename();
    json!({
        "type": "agent",
        "platform": seed.platform,
        "createdOn": clock::rfc3339(package.created_on),
        "version": { "major": major, "minor": minor, "patch": patch },
        "downloadUrl": format!("{}/_packages/{filename}", shared.endpoints.devops),
        "infoUrl": INFO_URL,
        "filename": filename,
        "hashValue": seed.hash_override.clone().unwrap_or_else(|| ready.sha256.clone()),
    })
}

/// 404 when there is no stand-in to pack, 500 when preparing failed.
fn unavailable(error: &PackageError) -> AdoError {
    match error {
        PackageError::NoAgentBinary => AdoError::new(
            StatusCode::NOT_FOUND,
            "PackageNotFoundException",
            Assembly::DistributedTask,
            error.to_string(),
        ),
        PackageError::Io(_) => AdoError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "VssServiceException",
            Assembly::VssWebApi,
            error.to_string(),
        ),
    }
}

/// A plain-text error of the download server.
fn text(status: StatusCode, message: &str) -> Reply {
    let mut reply = Reply::bytes(status, Bytes::from(format!("{message}\n")));
    reply.set_header(CONTENT_TYPE, "text/plain; charset=utf-8");
    reply
}

/// `GET /_packages/{filename}`: the archive, streamed.
pub(crate) async fn download(shared: &Shared, request: &Request, filename: &str) -> Reply {
    if request.method != hyper::Method::GET {
        return text(StatusCode::METHOD_NOT_ALLOWED, "only GET is served here");
    }
    let Some(package) = shared.packages.named(filename) else {
        return text(StatusCode::NOT_FOUND, &format!("no package named {filename}"));
    };
    let ready = match shared.packages.ready(package).await {
        Ok(ready) => ready,
        Err(error @ PackageError::NoAgentBinary) => return text(StatusCode::NOT_FOUND, &error.to_string()),
        Err(error) => return text(StatusCode::INTERNAL_SERVER_ERROR, &error.to_string()),
    };
    let file = match tokio::fs::File::open(&ready.path).await {
        Ok(file) => file,
        Err(error) => {
            return text(
                StatusCode::INTERNAL_SERVER_ERROR,
                &format!("cannot open {filename}: {error}"),
            );
        }
    };
    let mut reply = Reply::body(StatusCode::OK, Body::file(file, ready.size));
    reply.set_header(CONTENT_TYPE, "application/octet-stream");
    reply
}

#[cfg(test)]
mod tests {
    use super::version;

    #[test]
    fn versions_sort_numerically() {
        assert!(version("4.258.1") > version("4.26.9"));
        assert_eq!(version("3.1"), [3, 1, 0]);
    }
}
