//! What each Blob service operation needs when it is authorized with a bearer token.
//!
//! From learn.microsoft.com "Authorize with Microsoft Entra ID" (Storage REST reference),
//! "Permissions for calling data operations", "Permissions for Blob service operations": some
//! operations need a data action (`.../containers/blobs/read`), some a control plane action
//! checked by the data plane (`Create Container` needs `.../containers/write`,
//! `Get User Delegation Key` `.../generateUserDelegationKey/action`), and some accept either of
//! two (`Put Blob` needs `.../blobs/write`, or `.../blobs/add/action` when it creates a new
//! blob). A request is allowed when any alternative is (see
//! [`super::assignment::Authorizer::is_any_allowed`]); otherwise Storage answers
//! [`super::denial::storage_permission_mismatch`].
//!
//! The scope is the container for container and blob operations (role assignments can be made
//! on a container, not on a blob) and the account for account-level operations.

use super::assignment::Needed;
use super::scope::Scope;

const BLOB_SERVICES: &str = "Microsoft.Storage/storageAccounts/blobServices";
const BLOB_SERVICE_READ: &str = "Microsoft.Storage/storageAccounts/blobServices/read";
const BLOB_SERVICE_WRITE: &str = "Microsoft.Storage/storageAccounts/blobServices/write";
const USER_DELEGATION_KEY: &str = "Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action";
const CONTAINERS_READ: &str = "Microsoft.Storage/storageAccounts/blobServices/containers/read";
const CONTAINERS_WRITE: &str = "Microsoft.Storage/storageAccounts/blobServices/containers/write";
const CONTAINERS_DELETE: &str = "Microsoft.Storage/storageAccounts/blobServices/containers/delete";
const BLOBS_READ: &str = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read";
const BLOBS_WRITE: &str = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write";
const BLOBS_ADD: &str = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action";
const BLOBS_DELETE: &str = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete";
const BLOBS_TAGS_READ: &str = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/tags/read";
const BLOBS_TAGS_WRITE: &str = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/tags/write";
const BLOBS_FILTER: &str = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/filter/action";

/// A Blob service operation (the ones the project and its referees use).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlobOperation {
    /// List Containers.
    ListContainers,
    /// Get or Set Blob Service Properties, Get Blob Service Stats.
    GetServiceProperties,
    /// Set Blob Service Properties.
    SetServiceProperties,
    /// Get User Delegation Key.
    GetUserDelegationKey,
    /// Create Container.
    CreateContainer,
    /// Get Container Properties or Metadata.
    GetContainerProperties,
    /// Set Container Metadata, Lease Container.
    SetContainerMetadata,
    /// Delete Container.
    DeleteContainer,
    /// List Blobs.
    ListBlobs,
    /// Get Blob, Get Blob Properties or Metadata, Get Block List, Get Page Ranges.
    ReadBlob,
    /// Put Blob, Put Block List, Snapshot Blob, Copy Blob (destination): `creates` tells whether
    /// the blob is new (then `.../blobs/add/action` suffices).
    WriteBlob {
        /// Whether the operation creates a new blob.
        creates: bool,
    },
    /// Append Block: adds to an existing blob, which `.../blobs/add/action` grants as well as
    /// `.../blobs/write` ("Permissions for Blob service operations": Append Block takes
    /// either).
    AppendBlock,
    /// Put Block, Put Page, Set Blob Properties or Metadata, Lease Blob, Set Blob Tier, Abort
    /// Copy Blob.
    ModifyBlob,
    /// Delete Blob.
    DeleteBlob,
    /// Get Blob Tags.
    GetBlobTags,
    /// Set Blob Tags.
    SetBlobTags,
    /// Find Blobs by Tags.
    FindBlobsByTags,
}

impl BlobOperation {
    /// The permissions of which the operation needs any one.
    pub fn needs(self) -> &'static [Needed<'static>] {
        match self {
            BlobOperation::ListContainers => &[Needed::Action(CONTAINERS_READ)],
            BlobOperation::GetServiceProperties => &[Needed::Action(BLOB_SERVICE_READ)],
            BlobOperation::SetServiceProperties => &[Needed::Action(BLOB_SERVICE_WRITE)],
            BlobOperation::GetUserDelegationKey => &[Needed::Action(USER_DELEGATION_KEY)],
            BlobOperation::CreateContainer | BlobOperation::SetContainerMetadata => &[Needed::Action(CONTAINERS_WRITE)],
            BlobOperation::GetContainerProperties => &[Needed::Action(CONTAINERS_READ)],
            BlobOperation::DeleteContainer => &[Needed::Action(CONTAINERS_DELETE)],
            BlobOperation::ListBlobs | BlobOperation::ReadBlob => &[Needed::DataAction(BLOBS_READ)],
            BlobOperation::WriteBlob { creates: true } | BlobOperation::AppendBlock => {
                &[Needed::DataAction(BLOBS_WRITE), Needed::DataAction(BLOBS_ADD)]
            }
            BlobOperation::WriteBlob { creates: false } | BlobOperation::ModifyBlob => {
                &[Needed::DataAction(BLOBS_WRITE)]
            }
            BlobOperation::DeleteBlob => &[Needed::DataAction(BLOBS_DELETE)],
            BlobOperation::GetBlobTags => &[Needed::DataAction(BLOBS_TAGS_READ)],
            BlobOperation::SetBlobTags => &[Needed::DataAction(BLOBS_TAGS_WRITE)],
            BlobOperation::FindBlobsByTags => &[Needed::DataAction(BLOBS_FILTER)],
        }
    }
}

/// The scope a Blob request is authorized over: the container
/// (`{account}/blobServices/default/containers/{container}`) when there is one, else the
/// account. `account_id` is the account's ARM resource id.
pub fn blob_scope(account_id: &str, container: Option<&str>) -> Scope {
    let account = Scope::parse(account_id);
    match container {
        Some(container) => Scope::parse(&format!(
            "{}/blobServices/default/containers/{container}",
            account.as_str()
        )),
        None => account,
    }
}

/// The prefix every Blob permission starts with.
pub fn blob_services_prefix() -> &'static str {
    BLOB_SERVICES
}

#[cfg(test)]
mod tests {
    use super::{BlobOperation, blob_scope, blob_services_prefix};
    use crate::rbac::assignment::{Authorizer, PrincipalType, RoleAssignment};
    use crate::rbac::builtin;
    use crate::rbac::scope::Scope;

    const ACCOUNT: &str = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/a";
    const SP: &str = "sp";

    fn with(role: &str, scope: &str) -> Vec<RoleAssignment> {
        vec![RoleAssignment::new(
            "n",
            Scope::parse(scope),
            role,
            SP,
            PrincipalType::ServicePrincipal,
        )]
    }

    fn allowed(assignments: &[RoleAssignment], op: BlobOperation, container: Option<&str>) -> bool {
        Authorizer::new(assignments, &[]).is_any_allowed(SP, op.needs(), &blob_scope(ACCOUNT, container))
    }

    #[test]
    fn the_project_s_blob_flows() {
        let reader = with(builtin::STORAGE_BLOB_DATA_READER.name, ACCOUNT);
        assert!(allowed(&reader, BlobOperation::ReadBlob, Some("c")));
        assert!(allowed(&reader, BlobOperation::ListBlobs, Some("c")));
        assert!(allowed(&reader, BlobOperation::GetUserDelegationKey, None));
        assert!(allowed(&reader, BlobOperation::ListContainers, None));
        assert!(!allowed(&reader, BlobOperation::WriteBlob { creates: true }, Some("c")));
        assert!(!allowed(&reader, BlobOperation::CreateContainer, Some("c")));

        let contributor = with(builtin::STORAGE_BLOB_DATA_CONTRIBUTOR.name, ACCOUNT);
        assert!(allowed(
            &contributor,
            BlobOperation::WriteBlob { creates: true },
            Some("c")
        ));
        assert!(allowed(
            &contributor,
            BlobOperation::WriteBlob { creates: false },
            Some("c")
        ));
        assert!(allowed(&contributor, BlobOperation::AppendBlock, Some("c")));
        assert!(!allowed(&reader, BlobOperation::AppendBlock, Some("c")));
        assert_eq!(
            BlobOperation::AppendBlock.needs(),
            BlobOperation::WriteBlob { creates: true }.needs(),
            "Append Block takes blobs/write or blobs/add/action"
        );
        assert!(allowed(&contributor, BlobOperation::CreateContainer, Some("c")));
        assert!(allowed(&contributor, BlobOperation::DeleteBlob, Some("c")));
        assert!(!allowed(&contributor, BlobOperation::SetBlobTags, Some("c")));

        let owner = with(builtin::STORAGE_BLOB_DATA_OWNER.name, ACCOUNT);
        assert!(allowed(&owner, BlobOperation::SetBlobTags, Some("c")));
        assert!(allowed(&owner, BlobOperation::FindBlobsByTags, Some("c")));

        let delegator = with(builtin::STORAGE_BLOB_DELEGATOR.name, ACCOUNT);
        assert!(allowed(&delegator, BlobOperation::GetUserDelegationKey, None));
        assert!(!allowed(&delegator, BlobOperation::ReadBlob, Some("c")));

        // Control plane roles read no data.
        let arm_owner = with(builtin::OWNER.name, "/subscriptions/s");
        assert!(!allowed(&arm_owner, BlobOperation::ReadBlob, Some("c")));
        assert!(allowed(&arm_owner, BlobOperation::CreateContainer, Some("c")));
        assert!(allowed(&arm_owner, BlobOperation::GetUserDelegationKey, None));

        // A data role on one container covers that container only.
        let one_container = with(
            builtin::STORAGE_BLOB_DATA_READER.name,
            &format!("{ACCOUNT}/blobServices/default/containers/c"),
        );
        assert!(allowed(&one_container, BlobOperation::ReadBlob, Some("C")));
        assert!(!allowed(&one_container, BlobOperation::ReadBlob, Some("d")));
        assert!(!allowed(&one_container, BlobOperation::GetUserDelegationKey, None));
    }

    #[test]
    fn every_permission_is_a_blob_one() {
        let ops = [
            BlobOperation::ListContainers,
            BlobOperation::GetServiceProperties,
            BlobOperation::SetServiceProperties,
            BlobOperation::GetUserDelegationKey,
            BlobOperation::CreateContainer,
            BlobOperation::GetContainerProperties,
            BlobOperation::SetContainerMetadata,
            BlobOperation::DeleteContainer,
            BlobOperation::ListBlobs,
            BlobOperation::ReadBlob,
            BlobOperation::WriteBlob { creates: true },
            BlobOperation::WriteBlob { creates: false },
            BlobOperation::AppendBlock,
            BlobOperation::ModifyBlob,
            BlobOperation::DeleteBlob,
            BlobOperation::GetBlobTags,
            BlobOperation::SetBlobTags,
            BlobOperation::FindBlobsByTags,
        ];
        for op in ops {
            assert!(!op.needs().is_empty());
            for needed in op.needs() {
                let (crate::rbac::assignment::Needed::Action(a) | crate::rbac::assignment::Needed::DataAction(a)) =
                    needed;
                assert!(a.starts_with(blob_services_prefix()), "{a}");
            }
        }
        assert_eq!(
            blob_scope(ACCOUNT, Some("c")).as_str(),
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/a/blobServices/default/containers/c"
        );
        assert_eq!(blob_scope(&format!("{ACCOUNT}/"), None).as_str(), ACCOUNT);
    }
}
