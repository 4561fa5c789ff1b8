//! What a SAS must grant for each Blob operation.
//!
//! Permission letters (learn.microsoft.com "Create a service SAS", "Permissions for a
//! directory, container, or blob"; "Create an account SAS", "Account SAS permissions by
//! operation"): `r` read, `a` add, `c` create, `w` write, `d` delete, `l` list, `t` tags, `f`
//! find by tags, and others the emulator grants nothing with (`x`, `y`, `m`, `e`, `o`, `p`,
//! `i`). An operation is allowed when the SAS holds any of the letters it accepts.
//!
//! A service or user delegation SAS cannot grant service or container management ("A service
//! SAS can't grant access to certain operations: containers can't be created, deleted, or
//! listed; container metadata and properties can't be read or written", "Create a service
//! SAS"), and Get User Delegation Key takes Entra ID only.

use crate::rbac::blob::BlobOperation;

/// The permission letters of a SAS (`sp`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Permissions(String);

impl Permissions {
    /// The permissions of `sp`.
    pub fn new(sp: &str) -> Permissions {
        Permissions(sp.to_owned())
    }

    /// Whether any of `letters` is granted.
    pub fn any(&self, letters: &[char]) -> bool {
        letters.iter().any(|letter| self.0.contains(*letter))
    }
}

/// The account SAS resource type (`srt`: `s` service, `c` container, `o` object) an operation
/// acts on.
pub(crate) fn account_resource_type(op: BlobOperation, container: Option<&str>) -> char {
    match op {
        BlobOperation::ListContainers
        | BlobOperation::GetServiceProperties
        | BlobOperation::SetServiceProperties
        | BlobOperation::GetUserDelegationKey => 's',
        BlobOperation::FindBlobsByTags if container.is_none() => 's',
        BlobOperation::CreateContainer
        | BlobOperation::GetContainerProperties
        | BlobOperation::SetContainerMetadata
        | BlobOperation::DeleteContainer
        | BlobOperation::ListBlobs
        | BlobOperation::FindBlobsByTags => 'c',
        BlobOperation::ReadBlob
        | BlobOperation::WriteBlob { .. }
        | BlobOperation::AppendBlock
        | BlobOperation::ModifyBlob
        | BlobOperation::DeleteBlob
        | BlobOperation::GetBlobTags
        | BlobOperation::SetBlobTags => 'o',
    }
}

/// The letters of which an account SAS needs one ("Create an account SAS": Create Container
/// takes Create or Write, Put Blob Create or Write for a new blob and Write to overwrite,
/// Append Block Add or Write).
pub(crate) fn account_letters(op: BlobOperation) -> &'static [char] {
    match op {
        BlobOperation::ListContainers | BlobOperation::ListBlobs => &['l'],
        BlobOperation::GetServiceProperties | BlobOperation::GetContainerProperties | BlobOperation::ReadBlob => &['r'],
        BlobOperation::SetServiceProperties
        | BlobOperation::SetContainerMetadata
        | BlobOperation::WriteBlob { creates: false }
        | BlobOperation::ModifyBlob => &['w'],
        BlobOperation::CreateContainer | BlobOperation::WriteBlob { creates: true } => &['c', 'w'],
        BlobOperation::AppendBlock => &['a', 'w'],
        BlobOperation::DeleteContainer | BlobOperation::DeleteBlob => &['d'],
        BlobOperation::GetBlobTags | BlobOperation::SetBlobTags => &['t'],
        BlobOperation::FindBlobsByTags => &['f'],
        BlobOperation::GetUserDelegationKey => &[],
    }
}

/// Where a service or user delegation SAS may grant an operation.
pub(crate) enum ServiceReach {
    /// On a blob, with a blob (`sr=b`) or container (`sr=c`) SAS.
    Blob(&'static [char]),
    /// On a container, with a container SAS only.
    Container(&'static [char]),
    /// Never (management and Get User Delegation Key).
    Never,
}

/// What a service or user delegation SAS needs for an operation.
pub(crate) fn service_reach(op: BlobOperation) -> ServiceReach {
    match op {
        BlobOperation::ReadBlob => ServiceReach::Blob(&['r']),
        BlobOperation::WriteBlob { creates: true } => ServiceReach::Blob(&['c', 'w']),
        BlobOperation::WriteBlob { creates: false } | BlobOperation::ModifyBlob => ServiceReach::Blob(&['w']),
        // "Add (a): Add a block to an append blob"; Write also covers it.
        BlobOperation::AppendBlock => ServiceReach::Blob(&['a', 'w']),
        BlobOperation::DeleteBlob => ServiceReach::Blob(&['d']),
        BlobOperation::GetBlobTags | BlobOperation::SetBlobTags => ServiceReach::Blob(&['t']),
        BlobOperation::ListBlobs => ServiceReach::Container(&['l']),
        BlobOperation::FindBlobsByTags => ServiceReach::Container(&['f']),
        BlobOperation::ListContainers
        | BlobOperation::GetServiceProperties
        | BlobOperation::SetServiceProperties
        | BlobOperation::GetUserDelegationKey
        | BlobOperation::CreateContainer
        | BlobOperation::GetContainerProperties
        | BlobOperation::SetContainerMetadata
        | BlobOperation::DeleteContainer => ServiceReach::Never,
    }
}

#[cfg(test)]
mod tests {
    use super::{Permissions, ServiceReach, account_letters, account_resource_type, service_reach};
    use crate::rbac::blob::BlobOperation;

    #[test]
    fn letters_follow_the_documented_tables() {
        let rw = Permissions::new("rw");
        assert!(rw.any(&['r']));
        assert!(!rw.any(&['d', 'l']));
        assert_eq!(rw, Permissions::new("rw"));

        assert_eq!(account_resource_type(BlobOperation::ListContainers, None), 's');
        assert_eq!(account_resource_type(BlobOperation::FindBlobsByTags, None), 's');
        assert_eq!(account_resource_type(BlobOperation::FindBlobsByTags, Some("c")), 'c');
        assert_eq!(account_resource_type(BlobOperation::CreateContainer, Some("c")), 'c');
        assert_eq!(account_resource_type(BlobOperation::ReadBlob, Some("c")), 'o');
        assert_eq!(account_letters(BlobOperation::CreateContainer), &['c', 'w']);
        assert_eq!(account_letters(BlobOperation::WriteBlob { creates: false }), &['w']);
        assert_eq!(account_letters(BlobOperation::AppendBlock), &['a', 'w']);
        assert_eq!(account_resource_type(BlobOperation::AppendBlock, Some("c")), 'o');
        assert!(matches!(
            service_reach(BlobOperation::AppendBlock),
            ServiceReach::Blob(&['a', 'w'])
        ));
        assert!(account_letters(BlobOperation::GetUserDelegationKey).is_empty());

        assert!(matches!(
            service_reach(BlobOperation::ReadBlob),
            ServiceReach::Blob(&['r'])
        ));
        assert!(matches!(
            service_reach(BlobOperation::ListBlobs),
            ServiceReach::Container(&['l'])
        ));
        assert!(matches!(
            service_reach(BlobOperation::CreateContainer),
            ServiceReach::Never
        ));
        assert!(matches!(
            service_reach(BlobOperation::GetUserDelegationKey),
            ServiceReach::Never
        ));
    }
}
