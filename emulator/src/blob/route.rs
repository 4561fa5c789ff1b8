//! Which Blob operation a request is, from its method, what its path addresses and its `restype`
//! and `comp` (learn.microsoft.com "Blob service REST API", one page per operation).

use hyper::{Method, StatusCode};

use super::address::Address;
use super::error::{BlobError, invalid_query};

/// The operations the emulator serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    ListContainers,
    GetUserDelegationKey,
    GetAccountInfo,
    CreateContainer,
    GetContainerProperties,
    SetContainerMetadata,
    DeleteContainer,
    ListBlobs,
    PutBlob,
    PutBlock,
    PutBlockList,
    GetBlockList,
    AppendBlock,
    GetBlob,
    GetBlobProperties,
    SetBlobMetadata,
    DeleteBlob,
}

/// The operation of a request, or the error Storage gives for one it does not know.
pub(crate) fn parse(method: &Method, address: &Address, query: &[(String, String)]) -> Result<Op, BlobError> {
    let value = |name: &str| query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let restype = value("restype");
    let comp = value("comp");
    let m = method.as_str();
    if restype == Some("account") && comp == Some("properties") && matches!(m, "GET" | "HEAD") {
        return Ok(Op::GetAccountInfo);
    }
    let op = match (&address.container, &address.blob) {
        (None, _) => match (m, restype, comp) {
            ("GET", _, Some("list")) => Some(Op::ListContainers),
            ("POST", Some("service"), Some("userdelegationkey")) => Some(Op::GetUserDelegationKey),
            _ => None,
        },
        (Some(_), None) => match (m, restype, comp) {
            ("PUT", Some("container"), None) => Some(Op::CreateContainer),
            ("GET" | "HEAD", Some("container"), None | Some("metadata")) => Some(Op::GetContainerProperties),
            ("PUT", Some("container"), Some("metadata")) => Some(Op::SetContainerMetadata),
            ("DELETE", Some("container"), None) => Some(Op::DeleteContainer),
            ("GET", Some("container"), Some("list")) => Some(Op::ListBlobs),
            _ => None,
        },
        (Some(_), Some(_)) => match (m, comp) {
            ("PUT", None) => Some(Op::PutBlob),
            ("PUT", Some("block")) => Some(Op::PutBlock),
            ("PUT", Some("blocklist")) => Some(Op::PutBlockList),
            ("GET", Some("blocklist")) => Some(Op::GetBlockList),
            ("PUT", Some("appendblock")) => Some(Op::AppendBlock),
            ("GET", None) => Some(Op::GetBlob),
            ("HEAD", None) => Some(Op::GetBlobProperties),
            ("GET" | "HEAD", Some("metadata")) => Some(Op::GetBlobProperties),
            ("PUT", Some("metadata")) => Some(Op::SetBlobMetadata),
            ("DELETE", None) => Some(Op::DeleteBlob),
            _ => None,
        },
    };
    op.ok_or_else(|| unsupported(m, restype, comp))
}

/// 501 `NotImplemented` for an operation Storage has and the emulator does not (leases,
/// snapshots, tags, copy, page blobs, ...), as Azurite answers them; 400
/// `InvalidQueryParameterValue` for a `comp` no version of Storage knows; 405
/// `UnsupportedHttpVerb` for a method Storage never takes.
fn unsupported(method: &str, restype: Option<&str>, comp: Option<&str>) -> BlobError {
    const KNOWN_COMPS: &[&str] = &[
        "list",
        "properties",
        "stats",
        "userdelegationkey",
        "batch",
        "blobs",
        "metadata",
        "acl",
        "undelete",
        "rename",
        "lease",
        "expiry",
        "immutabilityPolicies",
        "legalhold",
        "snapshot",
        "copy",
        "tier",
        "block",
        "blocklist",
        "page",
        "pagelist",
        "incrementalcopy",
        "appendblock",
        "seal",
        "query",
        "tags",
    ];
    if !matches!(method, "GET" | "HEAD" | "PUT" | "POST" | "DELETE") {
        return BlobError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "UnsupportedHttpVerb",
            "The resource doesn't support specified Http Verb.",
        );
    }
    if let Some(comp) = comp.filter(|c| !KNOWN_COMPS.contains(c)) {
        return invalid_query("comp", comp);
    }
    let what = match (restype, comp) {
        (Some(restype), Some(comp)) => format!("{method} with restype={restype}&comp={comp}"),
        (None, Some(comp)) => format!("{method} with comp={comp}"),
        (Some(restype), None) => format!("{method} with restype={restype}"),
        (None, None) => format!("{method} on this resource"),
    };
    BlobError::new(
        StatusCode::NOT_IMPLEMENTED,
        "NotImplemented",
        format!("The emulator does not implement {what} (see the Blob storage section of its README)."),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(method: Method, path: &str, query: &str) -> Result<Op, u16> {
        let address = super::super::address::parse(None, path).unwrap();
        let query: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes()).into_owned().collect();
        parse(&method, &address, &query).map_err(|e| e.status.as_u16())
    }

    #[test]
    fn operations_are_told_apart_by_comp_and_restype() {
        assert_eq!(op(Method::GET, "/a", "comp=list"), Ok(Op::ListContainers));
        assert_eq!(op(Method::PUT, "/a/c", "restype=container"), Ok(Op::CreateContainer));
        assert_eq!(
            op(Method::GET, "/a/c", "restype=container&comp=list"),
            Ok(Op::ListBlobs)
        );
        assert_eq!(op(Method::PUT, "/a/c/b/x", "comp=block&blockid=AA"), Ok(Op::PutBlock));
        assert_eq!(op(Method::HEAD, "/a/c/b", ""), Ok(Op::GetBlobProperties));
        assert_eq!(
            op(Method::GET, "/a/c/b", "restype=account&comp=properties"),
            Ok(Op::GetAccountInfo)
        );
        assert_eq!(op(Method::PUT, "/a/c/b", "comp=lease"), Err(501));
        assert_eq!(op(Method::PUT, "/a/c/b", "comp=nonsense"), Err(400));
        assert_eq!(op(Method::PATCH, "/a/c/b", ""), Err(405));
    }
}
