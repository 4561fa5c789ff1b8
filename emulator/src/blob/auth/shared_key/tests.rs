use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::verify_shared_key;
use crate::blob::auth::test_support::Request;
use crate::blob::auth::{AccountSecrets, signature};

/// Azurite's published development key (not a secret), used by the Python vectors below.
const KEY: &str = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

fn key() -> Vec<u8> {
    STANDARD.decode(KEY).unwrap()
}

fn secrets(keys: &[Vec<u8>]) -> AccountSecrets<'_> {
    AccountSecrets {
        name: "acct",
        keys,
        shared_key_allowed: true,
    }
}

/// Produced by the official Python client (azure-storage-blob 12.31.1, `pip install
/// azure-storage-blob`): `BlobServiceClient("https://127.0.0.1:10000/acct", credential={"account_name":
/// "acct", "account_key": KEY})`, `get_blob_client("cont", "dir/a b+c.txt").upload_blob(b"hello",
/// metadata={"Zeta": "z", "alpha": "a  b"}, overwrite=True)`, with a transport that printed the
/// request instead of sending it. Path-style, the metadata value has a double space (signed
/// as sent), and the `x-ms-meta-Zeta` name is mixed case.
fn python_put() -> Request {
    Request::new("PUT", "/acct/cont/dir/a%20b%2Bc.txt")
        .header("content-length", "5")
        .header("x-ms-meta-Zeta", "z")
        .header("x-ms-meta-alpha", "a  b")
        .header("x-ms-blob-type", "BlockBlob")
        .header("x-ms-version", "2026-10-06")
        .header("content-type", "application/octet-stream")
        .header("accept", "application/xml")
        .header("x-ms-date", "Thu, 03 Dec 2026 21:05:50 GMT")
        .header("x-ms-client-request-id", "51789222-ef5d-11f1-995b-02fc00000001")
        .header(
            "authorization",
            "SharedKey acct:tcq8q6kS3vsaoi0xhE3v/rnga7tXMrrNgH/q41P1A+M=",
        )
}

/// Same client: `get_container_client("cont").list_blobs(name_starts_with="dir/")`, i.e.
/// `GET /acct/cont?restype=container&comp=list&prefix=dir%2F`.
fn python_list() -> Request {
    Request::get("/acct/cont")
        .queries(&[("restype", "container"), ("comp", "list"), ("prefix", "dir/")])
        .header("x-ms-version", "2026-10-06")
        .header("accept", "application/xml")
        .header("x-ms-date", "Thu, 03 Dec 2026 21:05:50 GMT")
        .header("x-ms-client-request-id", "5178d372-ef5d-11f1-995b-02fc00000001")
        .header(
            "authorization",
            "SharedKey acct:7lBSCZVW5pesycxrGv7dV7Lngd0z96gTzdDw4oz2poo=",
        )
}

#[test]
fn the_python_sdk_s_requests_verify_with_either_key() {
    let keys = [key()];
    verify_shared_key(&python_put().signed(), &secrets(&keys)).unwrap();
    verify_shared_key(&python_list().signed(), &secrets(&keys)).unwrap();
    let second = [b"another key".to_vec(), key()];
    verify_shared_key(&python_put().signed(), &secrets(&second)).unwrap();
}

#[test]
fn the_documented_string_to_sign() {
    // learn.microsoft.com "Authorize with Shared Key": verb, 11 standard headers (Content-Length
    // 0 empty, Date empty because x-ms-date is sent), x-ms- headers sorted, then the resource
    // with query names lowercase and a repeated parameter's values sorted and joined.
    let string_to_sign = "PUT\n\nen\n\n\ntext/plain\n\n\n\"e\"\n\n\nbytes=0-9\nx-ms-date:Fri, 26 Jun 2015 23:39:12 GMT\nx-ms-meta-b:two words\nx-ms-version:2015-02-21\n/acct/cont/b%C3%A9\ncomp:block\nids:1,2";
    let keys = [key()];
    let sig = signature::sign(&keys[0], string_to_sign);
    let request = |path: &str| {
        Request::new("PUT", path)
            .queries(&[("ids", "2"), ("Comp", "block"), ("ids", "1")])
            .header("content-language", "en")
            .header("content-length", "0")
            .header("content-type", "text/plain")
            .header("date", "Fri, 26 Jun 2015 23:39:13 GMT")
            .header("if-match", "\"e\"")
            .header("range", "bytes=0-9")
            .header("x-ms-version", "2015-02-21")
            .header("x-ms-meta-b", "two \t words")
            .header("x-ms-date", "Fri, 26 Jun 2015 23:39:12 GMT")
            .header("authorization", &format!("SharedKey acct:{sig}"))
    };
    // Host-style: the path has no account segment. The value with a tab verifies folded.
    verify_shared_key(&request("/cont/b%C3%A9").signed(), &secrets(&keys)).unwrap();
    // Path-style: the same signature (resource without the account segment) is accepted ...
    verify_shared_key(&request("/acct/cont/b%C3%A9").signed(), &secrets(&keys)).unwrap();
    // ... and so is the SDKs' form with the account twice.
    let twice = string_to_sign.replace("/acct/cont", "/acct/acct/cont");
    let sig = signature::sign(&keys[0], &twice);
    let request = request("/acct/cont/b%C3%A9").replace_header("authorization", &format!("SharedKey acct:{sig}"));
    verify_shared_key(&request.signed(), &secrets(&keys)).unwrap();
    // A host-style request whose container is named like the account has one form only: the
    // signature over the path without its first segment does not verify.
    let sig = signature::sign(&keys[0], string_to_sign);
    let host_style = request.replace_header("authorization", &format!("SharedKey acct:{sig}"));
    verify_shared_key(&host_style.signed(), &secrets(&keys)).unwrap();
    assert!(verify_shared_key(&host_style.into_host_style().signed(), &secrets(&keys)).is_err());
}

#[test]
fn content_length_zero_is_kept_before_2015_02_21_and_date_is_used_without_x_ms_date() {
    let keys = [key()];
    let string_to_sign =
        "GET\n\n\n0\n\n\nFri, 26 Jun 2015 23:39:12 GMT\n\n\n\n\n\nx-ms-version:2014-02-14\n/acct/cont/b";
    let sig = signature::sign(&keys[0], string_to_sign);
    let request = Request::new("GET", "/cont/b")
        .header("content-length", "0")
        .header("date", "Fri, 26 Jun 2015 23:39:12 GMT")
        .header("x-ms-version", "2014-02-14")
        .header("authorization", &format!("SharedKey acct:{sig}"));
    verify_shared_key(&request.signed(), &secrets(&keys)).unwrap();
}

#[test]
fn a_tampered_request_is_refused_with_the_string_to_sign_and_nothing_secret() {
    let keys = [key()];
    let tampered = python_put().replace_header("x-ms-meta-alpha", "changed");
    let error = verify_shared_key(&tampered.signed(), &secrets(&keys)).unwrap_err();
    assert_eq!((error.status, error.code), (403, "AuthenticationFailed"));
    let detail = error.detail.unwrap();
    assert!(
        detail.starts_with("The MAC signature found in the HTTP request is not the same as any computed signature. Server used following string to sign: 'PUT\n"),
        "{detail}"
    );
    assert!(detail.contains("x-ms-meta-alpha:changed\n"));
    assert!(!detail.contains("tcq8q6kS3vsaoi0xhE3v"));
    assert!(!detail.contains(KEY));

    let wrong_key = [b"wrong".to_vec()];
    assert!(verify_shared_key(&python_put().signed(), &secrets(&wrong_key)).is_err());
    let garbage = python_put().replace_header("authorization", "SharedKey acct:not-base64!");
    assert!(verify_shared_key(&garbage.signed(), &secrets(&keys)).is_err());
    let other_path = python_put();
    let other_path = Request::new("PUT", "/acct/cont/other").copy_headers_from(&other_path);
    assert!(verify_shared_key(&other_path.signed(), &secrets(&keys)).is_err());
}

#[test]
fn refusals_before_the_signature() {
    let keys = [key()];
    let disabled = AccountSecrets {
        shared_key_allowed: false,
        ..secrets(&keys)
    };
    let error = verify_shared_key(&python_put().signed(), &disabled).unwrap_err();
    assert_eq!((error.status, error.code), (403, "KeyBasedAuthenticationNotPermitted"));
    assert_eq!(
        error.message,
        "Key based authentication is not permitted on this storage account."
    );

    let lite = python_put().replace_header("authorization", "SharedKeyLite acct:abc=");
    let error = verify_shared_key(&lite.signed(), &secrets(&keys)).unwrap_err();
    assert_eq!(error.code, "AuthenticationFailed");
    assert!(error.detail.unwrap().contains("SharedKeyLite"));

    let other_account = python_put().replace_header("authorization", "SharedKey other:abc=");
    let error = verify_shared_key(&other_account.signed(), &secrets(&keys)).unwrap_err();
    assert!(error.detail.unwrap().contains("'other'"));

    let basic = python_put().replace_header("authorization", "Basic abc");
    let error = verify_shared_key(&basic.signed(), &secrets(&keys)).unwrap_err();
    assert!(error.detail.unwrap().contains("'Basic'"));

    assert!(!format!("{:?}", secrets(&keys)).contains("Eby8"));
}
