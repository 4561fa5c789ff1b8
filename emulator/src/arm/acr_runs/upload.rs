//! `POST registries/{r}/listBuildSourceUploadUrl`: where a client uploads a build context
//! (`{uploadUrl, relativePath}`, the shape of `RegistriesGetBuildSourceUploadUrl.json`): a new
//! blob `source/<yyyyMMddHHmm>/<guid>.tar.gz` of the registry's container in the internal
//! account ([`super::storage`]), through a service SAS that may create and write that one blob,
//! over https, for an hour. The client then passes `relativePath` as the run's
//! `sourceLocation`.

use hyper::StatusCode;
use serde_json::json;

use super::storage::{self, UPLOAD_SAS_LIFETIME};
use crate::arm::error::ArmError;
use crate::arm::registries;
use crate::arm::route::ArmCall;
use crate::http::Reply;
use crate::model::acr::run::InternalBlob;

/// Answers a fresh upload location.
pub(super) fn upload_url(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let mut world = call.shared.write();
    let registry_id = registries::of_path(call, &world)?.id();
    let (account, container) = storage::registry_container(call.shared, &mut world, &registry_id)?;
    let relative_path = storage::new_source_path(call.shared.clock.now());
    let blob = InternalBlob {
        account,
        container,
        blob: relative_path.clone(),
    };
    let upload_url = storage::sas_url(call.shared, &world, &blob, "cw", UPLOAD_SAS_LIFETIME)?;
    Ok(Reply::json(
        StatusCode::OK,
        &json!({ "uploadUrl": upload_url, "relativePath": relative_path }),
    ))
}
