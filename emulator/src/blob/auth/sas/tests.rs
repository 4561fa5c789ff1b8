use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use time::OffsetDateTime;
use time::macros::datetime;

use super::{SasGrant, SasKind, SasScope, verify_sas};
use crate::blob::auth::test_support::Request;
use crate::blob::auth::{AccountSecrets, AuthError, delegation_key, signature};
use crate::rbac::blob::BlobOperation;

/// Azurite's published development key (not a secret).
const KEY: &str = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
const SECRET: &[u8] = b"delegation-secret";
const OID: &str = "11111111-2222-3333-4444-555555555555";
const TID: &str = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";

// The four vectors below were produced by the official Python client, azure-storage-blob
// 12.31.1 (which signs sv=2026-10-06), with KEY, start 2026-01-01T00:00:00Z and expiry
// 2026-01-02T00:00:00Z:
//
// generate_blob_sas("acct", "cont", "dir/a b.txt", account_key=KEY,
//     permission=BlobSasPermissions(read=True, write=True), start=start, expiry=expiry,
//     protocol="https", content_type="text/plain")
const PYTHON_BLOB_SAS: &str = "st=2026-01-01T00%3A00%3A00Z&se=2026-01-02T00%3A00%3A00Z&sp=rw&spr=https&sv=2026-10-06&sr=b&rsct=text/plain&sig=pPoMcAoa2f4FoSbs6UCqQu9DiE7f8rIfi%2BXQekin9ws%3D";
// generate_container_sas("acct", "cont", account_key=KEY,
//     permission=ContainerSasPermissions(read=True, list=True), expiry=expiry)
const PYTHON_CONTAINER_SAS: &str =
    "se=2026-01-02T00%3A00%3A00Z&sp=rl&sv=2026-10-06&sr=c&sig=c%2B1oaedcHdAcv76J0gDX9vl2ADTWHrpee22AE0lzP7I%3D";
// generate_account_sas("acct", KEY, ResourceTypes(container=True, object=True),
//     AccountSasPermissions(read=True, create=True, list=True), expiry, start=start)
const PYTHON_ACCOUNT_SAS: &str = "st=2026-01-01T00%3A00%3A00Z&se=2026-01-02T00%3A00%3A00Z&sp=rlc&sv=2026-10-06&ss=b&srt=co&sig=p2E5EHM2pgKTgOWLpEcJsHs4p9Wq71bwV3Wb18Xt2s4%3D";
// generate_blob_sas("acct", "cont", "logs/build.log", user_delegation_key=udk,
//     permission=BlobSasPermissions(read=True), start=start, expiry=expiry, protocol="https")
// where udk is a UserDelegationKey with OID, TID, skt 2026-01-01T00:00:00Z, ske
// 2026-01-03T00:00:00Z, sks b, skv 2026-10-06 and the value the emulator derives with SECRET
// (computed in Python as base64(HMAC-SHA256(SECRET, "oid\ntid\nskt\nske\nb\nskv"))).
const PYTHON_USER_DELEGATION_SAS: &str = "st=2026-01-01T00%3A00%3A00Z&se=2026-01-02T00%3A00%3A00Z&sp=r&spr=https&sv=2026-10-06&sr=b&skoid=11111111-2222-3333-4444-555555555555&sktid=aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee&skt=2026-01-01T00%3A00%3A00Z&ske=2026-01-03T00%3A00%3A00Z&sks=b&skv=2026-10-06&sig=tWDDGQveBe4w5AApC35TruHpdHFIxX6sJXHByJQoxic%3D";

const NOON: OffsetDateTime = datetime!(2026-01-01 12:00 UTC);

fn keys() -> Vec<Vec<u8>> {
    vec![b"key1 of another generation".to_vec(), STANDARD.decode(KEY).unwrap()]
}

fn secrets(keys: &[Vec<u8>], shared_key_allowed: bool) -> AccountSecrets<'_> {
    AccountSecrets {
        name: "acct",
        keys,
        shared_key_allowed,
    }
}

/// A request of `path` with the SAS query `sas` (percent-decoded as the data plane does).
fn with_sas(method: &str, path: &str, sas: &str) -> Request {
    sas.split('&').fold(Request::new(method, path), |request, pair| {
        let (name, value) = pair.split_once('=').unwrap();
        request.query(
            name,
            &percent_encoding::percent_decode_str(value).decode_utf8().unwrap(),
        )
    })
}

fn verify(request: &Request, now: OffsetDateTime) -> Result<SasGrant, AuthError> {
    verify_sas(&request.signed(), &secrets(&keys(), true), SECRET, now)
}

fn detail(result: Result<SasGrant, AuthError>) -> String {
    let error = result.unwrap_err();
    assert_eq!((error.status, error.code), (403, "AuthenticationFailed"), "{error:?}");
    error.detail.unwrap()
}

#[test]
fn the_python_blob_sas_grants_its_blob_only() {
    let request = with_sas("GET", "/acct/cont/dir/a%20b.txt", PYTHON_BLOB_SAS);
    let grant = verify(&request, NOON).unwrap();
    assert_eq!(grant.kind, SasKind::Service);
    assert_eq!(
        grant.scope,
        SasScope::Blob {
            container: "cont".into(),
            blob: "dir/a b.txt".into()
        }
    );
    assert_eq!(grant.expiry, datetime!(2026-01-02 0:00 UTC));
    assert_eq!(grant.response_headers[4].as_deref(), Some("text/plain"));
    let (cont, blob) = (Some("cont"), Some("dir/a b.txt"));
    grant.allows(BlobOperation::ReadBlob, cont, blob).unwrap();
    grant
        .allows(BlobOperation::WriteBlob { creates: true }, cont, blob)
        .unwrap();
    grant.allows(BlobOperation::ModifyBlob, cont, blob).unwrap();
    let code = |op, container, blob| grant.allows(op, container, blob).unwrap_err().code;
    assert_eq!(
        code(BlobOperation::DeleteBlob, cont, blob),
        "AuthorizationPermissionMismatch"
    );
    assert_eq!(
        code(BlobOperation::ListBlobs, cont, None),
        "AuthorizationResourceTypeMismatch"
    );
    assert_eq!(
        code(BlobOperation::ReadBlob, cont, Some("other")),
        "AuthorizationFailure"
    );
    assert_eq!(
        code(BlobOperation::GetUserDelegationKey, None, None),
        "AuthenticationFailed"
    );

    // Host-style addressing signs the same resource.
    let host_style = with_sas("GET", "/cont/dir/a%20b.txt", PYTHON_BLOB_SAS);
    verify(&host_style, NOON).unwrap();
}

#[test]
fn a_sas_for_blob_a_used_on_blob_b_fails_its_signature() {
    let request = with_sas("GET", "/acct/cont/dir/other.txt", PYTHON_BLOB_SAS);
    let text = detail(verify(&request, NOON));
    assert_eq!(
        text,
        "Signature did not match. String to sign used was rw\n2026-01-01T00:00:00Z\n2026-01-02T00:00:00Z\n/blob/acct/cont/dir/other.txt\n\n\nhttps\n2026-10-06\nb\n\n\n\n\n\n\ntext/plain"
    );
    assert!(!text.contains("pPoMcAoa2f4"));
    let other_container = with_sas("GET", "/acct/other/dir/a%20b.txt", PYTHON_BLOB_SAS);
    assert!(detail(verify(&other_container, NOON)).starts_with("Signature did not match."));
}

#[test]
fn a_tampered_sas_is_refused() {
    let widened = PYTHON_BLOB_SAS.replace("sp=rw", "sp=rwd");
    let request = with_sas("GET", "/acct/cont/dir/a%20b.txt", &widened);
    assert!(detail(verify(&request, NOON)).starts_with("Signature did not match. String to sign used was rwd\n"));
    let resigned = PYTHON_BLOB_SAS.replace("sig=pPoM", "sig=qPoM");
    let request = with_sas("GET", "/acct/cont/dir/a%20b.txt", &resigned);
    assert!(detail(verify(&request, NOON)).starts_with("Signature did not match."));
    let extended = PYTHON_BLOB_SAS.replace("se=2026-01-02", "se=2027-01-02");
    let request = with_sas("GET", "/acct/cont/dir/a%20b.txt", &extended);
    assert!(detail(verify(&request, NOON)).starts_with("Signature did not match."));
}

#[test]
fn expired_and_not_yet_valid_tokens_are_refused_with_the_time_frame() {
    let request = with_sas("GET", "/acct/cont/dir/a%20b.txt", PYTHON_BLOB_SAS);
    assert_eq!(
        detail(verify(&request, datetime!(2026-01-02 0:00:01 UTC))),
        "Signature not valid in the specified time frame: Start [Thu, 01 Jan 2026 00:00:00 GMT] - Expiry [Fri, 02 Jan 2026 00:00:00 GMT] - Current [Fri, 02 Jan 2026 00:00:01 GMT]"
    );
    assert_eq!(
        detail(verify(&request, datetime!(2025-12-31 23:59 UTC))),
        "Signature not valid in the specified time frame: Start [Thu, 01 Jan 2026 00:00:00 GMT] - Expiry [Fri, 02 Jan 2026 00:00:00 GMT] - Current [Wed, 31 Dec 2025 23:59:00 GMT]"
    );
    // The last instant of the interval is still inside it.
    verify(&request, datetime!(2026-01-02 0:00 UTC)).unwrap();
}

#[test]
fn an_expiry_before_the_start_is_refused() {
    let string_to_sign =
        "r\n2026-01-02T00:00:00Z\n2026-01-01T00:00:00Z\n/blob/acct/cont/b\n\n\n\n2026-10-06\nb\n\n\n\n\n\n\n";
    let sig = signature::sign(&keys()[1], string_to_sign);
    let sas = format!(
        "sp=r&st=2026-01-02T00:00:00Z&se=2026-01-01T00:00:00Z&sv=2026-10-06&sr=b&sig={}",
        encode(&sig)
    );
    assert_eq!(
        detail(verify(&with_sas("GET", "/acct/cont/b", &sas), NOON)),
        "Signed expiry time [Thu, 01 Jan 2026 00:00:00 GMT] must be after signed start time [Fri, 02 Jan 2026 00:00:00 GMT]"
    );
}

/// `value` percent-encoded for a query.
fn encode(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC).to_string()
}

#[test]
fn spr_https_refuses_http() {
    let request = with_sas("GET", "/acct/cont/dir/a%20b.txt", PYTHON_BLOB_SAS).over_http();
    let error = verify(&request, NOON).unwrap_err();
    assert_eq!((error.status, error.code), (403, "AuthorizationProtocolMismatch"));
    // Without spr, http is allowed.
    let request = with_sas("GET", "/acct/cont/x", PYTHON_CONTAINER_SAS).over_http();
    verify(&request, NOON).unwrap();
}

#[test]
fn without_shared_key_access_only_user_delegation_sas_work() {
    let keys = keys();
    let disabled = secrets(&keys, false);
    for (path, sas) in [
        ("/acct/cont/dir/a%20b.txt", PYTHON_BLOB_SAS),
        ("/acct/cont", PYTHON_CONTAINER_SAS),
        ("/acct/cont", PYTHON_ACCOUNT_SAS),
    ] {
        let error = verify_sas(&with_sas("GET", path, sas).signed(), &disabled, SECRET, NOON).unwrap_err();
        assert_eq!((error.status, error.code), (403, "KeyBasedAuthenticationNotPermitted"));
    }
    let request = with_sas("GET", "/acct/cont/logs/build.log", PYTHON_USER_DELEGATION_SAS);
    verify_sas(&request.signed(), &disabled, SECRET, NOON).unwrap();
}

#[test]
fn an_unknown_or_missing_version_is_refused() {
    let old = PYTHON_BLOB_SAS.replace("sv=2026-10-06", "sv=2015-04-05");
    assert_eq!(
        detail(verify(&with_sas("GET", "/acct/cont/dir/a%20b.txt", &old), NOON)),
        "The signed version [2015-04-05] is not supported: use 2018-11-09 or later."
    );
    let made_up = PYTHON_BLOB_SAS.replace("sv=2026-10-06", "sv=2020-12-07");
    assert!(detail(verify(&with_sas("GET", "/acct/cont/dir/a%20b.txt", &made_up), NOON)).contains("[2020-12-07]"));
    let none = PYTHON_BLOB_SAS.replace("sv=2026-10-06&", "");
    assert_eq!(
        detail(verify(&with_sas("GET", "/acct/cont/dir/a%20b.txt", &none), NOON)),
        "sv is mandatory. Cannot be empty"
    );
    let no_sr = PYTHON_BLOB_SAS.replace("&sr=b", "");
    assert_eq!(
        detail(verify(&with_sas("GET", "/acct/cont/dir/a%20b.txt", &no_sr), NOON)),
        "sr is mandatory. Cannot be empty"
    );
}

#[test]
fn the_python_container_sas_lists_and_reads_but_manages_nothing() {
    let grant = verify(&with_sas("GET", "/acct/cont", PYTHON_CONTAINER_SAS), NOON).unwrap();
    assert_eq!(grant.scope, SasScope::Container("cont".into()));
    grant.allows(BlobOperation::ListBlobs, Some("cont"), None).unwrap();
    grant
        .allows(BlobOperation::ReadBlob, Some("cont"), Some("any/blob"))
        .unwrap();
    let code = |op, container, blob| grant.allows(op, container, blob).unwrap_err().code;
    assert_eq!(
        code(BlobOperation::DeleteBlob, Some("cont"), Some("b")),
        "AuthorizationPermissionMismatch"
    );
    assert_eq!(
        code(BlobOperation::CreateContainer, Some("cont"), None),
        "AuthorizationPermissionMismatch"
    );
    assert_eq!(
        code(BlobOperation::ReadBlob, Some("other"), Some("b")),
        "AuthorizationFailure"
    );
    // The same token on a blob of the container verifies (sr=c signs the container only).
    verify(&with_sas("GET", "/acct/cont/any/blob", PYTHON_CONTAINER_SAS), NOON).unwrap();
    // And on another container it does not.
    assert!(
        detail(verify(&with_sas("GET", "/acct/other", PYTHON_CONTAINER_SAS), NOON))
            .starts_with("Signature did not match.")
    );
}

#[test]
fn the_python_account_sas_checks_services_resource_types_and_permissions() {
    let grant = verify(&with_sas("PUT", "/acct/newcont", PYTHON_ACCOUNT_SAS), NOON).unwrap();
    assert_eq!(grant.kind, SasKind::Account);
    assert_eq!(
        grant.scope,
        SasScope::Account {
            services: "b".into(),
            resource_types: "co".into()
        }
    );
    grant
        .allows(BlobOperation::CreateContainer, Some("newcont"), None)
        .unwrap();
    grant.allows(BlobOperation::ListBlobs, Some("c"), None).unwrap();
    grant.allows(BlobOperation::ReadBlob, Some("c"), Some("b")).unwrap();
    grant
        .allows(BlobOperation::WriteBlob { creates: true }, Some("c"), Some("b"))
        .unwrap();
    let code = |op, container, blob| grant.allows(op, container, blob).unwrap_err().code;
    assert_eq!(
        code(BlobOperation::ListContainers, None, None),
        "AuthorizationResourceTypeMismatch"
    );
    assert_eq!(
        code(BlobOperation::DeleteBlob, Some("c"), Some("b")),
        "AuthorizationPermissionMismatch"
    );
    assert_eq!(
        code(BlobOperation::WriteBlob { creates: false }, Some("c"), Some("b")),
        "AuthorizationPermissionMismatch"
    );

    // An account SAS for the Queue service only: documented string-to-sign, signed here.
    let string_to_sign = "acct\nrl\nq\nsco\n\n2026-01-02T00:00:00Z\n\n\n2026-10-06\n\n";
    let sig = signature::sign(&keys()[1], string_to_sign);
    let sas = format!(
        "sp=rl&ss=q&srt=sco&se=2026-01-02T00:00:00Z&sv=2026-10-06&sig={}",
        encode(&sig)
    );
    let grant = verify(&with_sas("GET", "/acct", &sas), NOON).unwrap();
    assert_eq!(
        grant
            .allows(BlobOperation::ListContainers, None, None)
            .unwrap_err()
            .code,
        "AuthorizationServiceMismatch"
    );
    // Before 2020-12-06 the string has no encryption scope line.
    let string_to_sign = "acct\nrl\nb\nsco\n\n2026-01-02T00:00:00Z\n\nhttps\n2020-10-02\n";
    let sig = signature::sign(&keys()[1], string_to_sign);
    let sas = format!(
        "sp=rl&ss=b&srt=sco&se=2026-01-02T00:00:00Z&spr=https&sv=2020-10-02&sig={}",
        encode(&sig)
    );
    let grant = verify(&with_sas("GET", "/acct", &sas), NOON).unwrap();
    grant.allows(BlobOperation::ListContainers, None, None).unwrap();
}

#[test]
fn the_python_user_delegation_sas_verifies_with_the_derived_key() {
    let request = with_sas("GET", "/acct/cont/logs/build.log", PYTHON_USER_DELEGATION_SAS);
    let grant = verify(&request, NOON).unwrap();
    assert_eq!(
        grant.kind,
        SasKind::UserDelegation {
            object_id: OID.into(),
            tenant_id: TID.into()
        }
    );
    grant
        .allows(BlobOperation::ReadBlob, Some("cont"), Some("logs/build.log"))
        .unwrap();
    assert_eq!(
        grant
            .allows(
                BlobOperation::WriteBlob { creates: false },
                Some("cont"),
                Some("logs/build.log")
            )
            .unwrap_err()
            .code,
        "AuthorizationPermissionMismatch"
    );
    // Another delegation secret (another emulator) derives another key.
    assert!(
        detail(verify_sas(&request.signed(), &secrets(&keys(), true), b"other", NOON))
            .starts_with("Signature did not match.")
    );
    // A key field altered derives another key too.
    let widened = PYTHON_USER_DELEGATION_SAS.replace("ske=2026-01-03", "ske=2026-01-04");
    assert!(
        detail(verify(&with_sas("GET", "/acct/cont/logs/build.log", &widened), NOON))
            .starts_with("Signature did not match.")
    );
}

/// A user delegation SAS signed here with the documented layout of `sv`: `fields` are the
/// string-to-sign lines after `sp`, `st`, `se` and the resource, `query` the token without
/// `sig`.
fn user_delegation_sas(key_expiry: &str, string_to_sign: &str, query: &str) -> String {
    let key = delegation_key(SECRET, OID, TID, "2026-01-01T00:00:00Z", key_expiry, "2020-02-10");
    let sig = signature::sign(&STANDARD.decode(&key.value).unwrap(), string_to_sign);
    format!("{query}&sig={}", encode(&sig))
}

#[test]
fn a_user_delegation_sas_whose_key_expired_is_refused() {
    // Signed with a key that expires at 06:00 while the SAS itself runs to the next day.
    let string_to_sign = format!(
        "r\n\n2026-01-02T00:00:00Z\n/blob/acct/cont/b\n{OID}\n{TID}\n2026-01-01T00:00:00Z\n2026-01-01T06:00:00Z\nb\n2020-02-10\n\n\n\n\n\n2020-02-10\nb\n\n\n\n\n\n"
    );
    let sas = user_delegation_sas(
        "2026-01-01T06:00:00Z",
        &string_to_sign,
        &format!(
            "sp=r&se=2026-01-02T00:00:00Z&sv=2020-02-10&sr=b&skoid={OID}&sktid={TID}&skt=2026-01-01T00:00:00Z&ske=2026-01-01T06:00:00Z&sks=b&skv=2020-02-10"
        ),
    );
    let request = with_sas("GET", "/acct/cont/b", &sas);
    verify(&request, datetime!(2026-01-01 05:00 UTC)).unwrap();
    assert_eq!(
        detail(verify(&request, NOON)),
        "Signed key not valid in the specified time frame: Start [Thu, 01 Jan 2026 00:00:00 GMT] - Expiry [Thu, 01 Jan 2026 06:00:00 GMT] - Current [Thu, 01 Jan 2026 12:00:00 GMT]"
    );
    let other_service = sas.replace("sks=b", "sks=q");
    assert!(detail(verify(&with_sas("GET", "/acct/cont/b", &other_service), NOON)).contains("(sks) must be b"));
}

#[test]
fn every_layout_verifies() {
    let ud_query = |sv: &str, extra: &str| {
        format!(
            "sp=r&se=2026-01-02T00:00:00Z&sv={sv}&sr=b&skoid={OID}&sktid={TID}&skt=2026-01-01T00:00:00Z&ske=2026-01-02T00:00:00Z&sks=b&skv=2020-02-10{extra}"
        )
    };
    let key_lines = format!("{OID}\n{TID}\n2026-01-01T00:00:00Z\n2026-01-02T00:00:00Z\nb\n2020-02-10");
    let head = "r\n\n2026-01-02T00:00:00Z\n/blob/acct/cont/b";
    let cases = [
        // 2018-11-09: no agent object ids, no encryption scope.
        (
            ud_query("2018-11-09", ""),
            format!("{head}\n{key_lines}\n\n\n2018-11-09\nb\n\n\n\n\n\n"),
        ),
        // 2020-02-10: saoid, suoid, scid after the key.
        (
            ud_query("2020-02-10", "&saoid=agent&scid=corr"),
            format!("{head}\n{key_lines}\nagent\n\ncorr\n\n\n2020-02-10\nb\n\n\n\n\n\n"),
        ),
        // 2020-12-06: the encryption scope after the snapshot time.
        (
            ud_query("2020-12-06", "&ses=scope1"),
            format!("{head}\n{key_lines}\n\n\n\n\n\n2020-12-06\nb\n\nscope1\n\n\n\n\n"),
        ),
        // 2025-07-05: skdutid and sduoid after scid.
        (
            ud_query("2025-07-05", "&skdutid=dtid&sduoid=duoid"),
            format!("{head}\n{key_lines}\n\n\n\ndtid\nduoid\n\n\n2025-07-05\nb\n\n\n\n\n\n\n"),
        ),
        // 2026-04-06: signed request headers and query parameters, values from the request.
        (
            ud_query("2026-04-06", "&srh=x-ms-foo&srq=comp"),
            format!("{head}\n{key_lines}\n\n\n\n\n\n\n\n2026-04-06\nb\n\n\nx-ms-foo:bar\n\n\ncomp:block\n\n\n\n\n"),
        ),
    ];
    for (query, string_to_sign) in cases {
        let sas = user_delegation_sas("2026-01-02T00:00:00Z", &string_to_sign, &query);
        let request = with_sas("GET", "/acct/cont/b", &sas)
            .query("comp", "block")
            .header("x-ms-foo", "bar");
        verify(&request, NOON).unwrap_or_else(|error| panic!("{query}: {error:?}"));
    }
    // A signed request header with another value fails.
    let (query, string_to_sign) = (
        ud_query("2026-04-06", "&srh=x-ms-foo"),
        format!("{head}\n{key_lines}\n\n\n\n\n\n\n\n2026-04-06\nb\n\n\nx-ms-foo:bar\n\n\n\n\n\n\n"),
    );
    let sas = user_delegation_sas("2026-01-02T00:00:00Z", &string_to_sign, &query);
    verify(&with_sas("GET", "/acct/cont/b", &sas).header("x-ms-foo", "bar"), NOON).unwrap();
    assert!(verify(&with_sas("GET", "/acct/cont/b", &sas).header("x-ms-foo", "baz"), NOON).is_err());

    // Service SAS before 2020-12-06: no encryption scope line.
    let string_to_sign = "rl\n\n2026-01-02T00:00:00Z\n/blob/acct/cont\n\n\nhttps,http\n2019-12-12\nc\n\n\n\n\n\n";
    let sig = signature::sign(&keys()[1], string_to_sign);
    let sas = format!(
        "sp=rl&se=2026-01-02T00:00:00Z&spr=https,http&sv=2019-12-12&sr=c&sig={}",
        encode(&sig)
    );
    verify(&with_sas("GET", "/acct/cont", &sas).over_http(), NOON).unwrap();
}

#[test]
fn unsupported_features_are_refused_clearly() {
    let policy = PYTHON_CONTAINER_SAS.replace("sr=c", "sr=c&si=policy1");
    assert!(detail(verify(&with_sas("GET", "/acct/cont", &policy), NOON)).contains("Stored access policies"));
    let snapshot = PYTHON_BLOB_SAS.replace("sr=b", "sr=bs");
    assert!(detail(verify(&with_sas("GET", "/acct/cont/dir/a%20b.txt", &snapshot), NOON)).contains("[bs]"));
    let error = verify(&with_sas("GET", "/acct/cont", PYTHON_BLOB_SAS), NOON).unwrap_err();
    assert_eq!(error.code, "AuthorizationResourceTypeMismatch");
}

#[test]
fn add_permission_appends_and_nothing_else() {
    let grant = |sp: &str, scope: SasScope| SasGrant {
        kind: SasKind::Service,
        permissions: super::Permissions::new(sp),
        scope,
        expiry: NOON,
        response_headers: Default::default(),
    };
    let blob_scope = || SasScope::Blob {
        container: "cont".into(),
        blob: "log".into(),
    };
    let (cont, blob) = (Some("cont"), Some("log"));
    let code = |grant: &SasGrant, op| grant.allows(op, cont, blob).map_err(|e| e.code);
    let add = grant("a", blob_scope());
    assert_eq!(code(&add, BlobOperation::AppendBlock), Ok(()));
    for op in [
        BlobOperation::ReadBlob,
        BlobOperation::ModifyBlob,
        BlobOperation::WriteBlob { creates: true },
        BlobOperation::WriteBlob { creates: false },
    ] {
        assert_eq!(code(&add, op), Err("AuthorizationPermissionMismatch"), "{op:?}");
    }
    assert_eq!(code(&grant("w", blob_scope()), BlobOperation::AppendBlock), Ok(()));
    assert_eq!(
        code(&grant("r", blob_scope()), BlobOperation::AppendBlock),
        Err("AuthorizationPermissionMismatch")
    );
    assert_eq!(
        code(
            &grant("a", SasScope::Container("cont".into())),
            BlobOperation::AppendBlock
        ),
        Ok(())
    );
    let account = |srt: &str| SasScope::Account {
        services: "b".into(),
        resource_types: srt.into(),
    };
    assert_eq!(code(&grant("a", account("o")), BlobOperation::AppendBlock), Ok(()));
    assert_eq!(
        code(&grant("a", account("c")), BlobOperation::AppendBlock),
        Err("AuthorizationResourceTypeMismatch")
    );
}
