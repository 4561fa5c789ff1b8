//! The operations: each authorizes itself (it knows whether its container and blob exist) and
//! answers.

mod append;
mod blocks;
mod containers;
mod list_blobs;
mod put_blob;
mod read;
mod service;
mod upload;
mod write_meta;

use hyper::StatusCode;

use super::authorize::authorization_failure;
use super::call::Call;
use super::error::BlobError;
use super::route::Op;
use crate::http::Reply;

/// Runs `op`: the account first (an unknown account is 404 `ResourceNotFound`: in Azure its
/// host name would not resolve; an emulator choice), then its network access (`Disabled` is 403
/// `AuthorizationFailure`, as Storage answers requests its firewall refuses).
pub(crate) async fn run(call: &Call<'_>, op: Op) -> Result<Reply, BlobError> {
    let account = call.account().ok_or_else(|| {
        BlobError::new(
            StatusCode::NOT_FOUND,
            "ResourceNotFound",
            "The specified resource does not exist.",
        )
    })?;
    if account.public_network_access.eq_ignore_ascii_case("Disabled") {
        return Err(authorization_failure());
    }
    match op {
        Op::ListContainers => containers::list(call, &account),
        Op::CreateContainer => containers::create(call, &account),
        Op::GetContainerProperties => containers::properties(call, &account),
        Op::SetContainerMetadata => containers::set_metadata(call, &account),
        Op::DeleteContainer => containers::delete(call, &account),
        Op::ListBlobs => list_blobs::list(call, &account),
        Op::GetUserDelegationKey => service::user_delegation_key(call, &account).await,
        Op::GetAccountInfo => service::account_info(call, &account),
        Op::PutBlob => put_blob::put(call, &account).await,
        Op::PutBlock => blocks::put_block(call, &account).await,
        Op::PutBlockList => blocks::put_block_list(call, &account).await,
        Op::GetBlockList => blocks::get_block_list(call, &account),
        Op::AppendBlock => append::append(call, &account).await,
        Op::GetBlob => read::get(call, &account, true).await,
        Op::GetBlobProperties => read::get(call, &account, false).await,
        Op::SetBlobMetadata => write_meta::set_metadata(call, &account).await,
        Op::DeleteBlob => write_meta::delete(call, &account).await,
    }
}
