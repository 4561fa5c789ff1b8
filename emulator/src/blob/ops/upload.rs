//! Receiving a body to disk: streamed into a temporary file with its checksums computed on the
//! way, checked against `Content-MD5` and `x-ms-content-crc64` when the client sent them
//! (learn.microsoft.com "Put Blob", "Put Block", "Append Block": 400 `Md5Mismatch` /
//! `Crc64Mismatch`), and refused beyond the operation's limit (413 `RequestBodyTooLarge`).
//! `Content-Length` is required (411 `MissingContentLengthHeader`, as Storage).
//!
//! Only the checksums the request carries or the answer must carry are computed (each costs CPU
//! over every byte). The same pages, response headers, for versions 2019-02-02 and later:
//! `Content-MD5` is returned when the request has `Content-MD5` (and always by Put Blob of a
//! block blob, which also stores it as the blob's `Content-MD5`), and `x-ms-content-crc64`
//! when the request has no `Content-MD5`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hyper::StatusCode;

use crate::blob::call::Call;
use crate::blob::checksum::{Checksummed, Sums, Wanted};
use crate::blob::data::TempFile;
use crate::blob::error::{BlobError, body_too_large, internal, invalid_header};
use crate::http::{BodyError, Reply};

/// A body on disk.
pub(crate) struct Received {
    pub file: TempFile,
    pub len: u64,
    /// The checksums computed ([`wanted`]).
    pub sums: Sums,
}

/// The checksums of a request body to compute: the MD5 when the request has `Content-MD5` or
/// `store_md5` (Put Blob of a block blob), the CRC64 when the request has `x-ms-content-crc64`
/// or no `Content-MD5`.
pub(crate) fn wanted(call: &Call<'_>, store_md5: bool) -> Wanted {
    let md5_sent = call.header("content-md5").is_some();
    Wanted {
        md5: md5_sent || store_md5,
        crc64: call.header("x-ms-content-crc64").is_some() || !md5_sent,
    }
}

/// Sets the checksum headers of an answer: `Content-MD5` and `x-ms-content-crc64` for those of
/// `sums` that were computed ([`wanted`] decides which).
pub(crate) fn checksum_headers(reply: &mut Reply, sums: &Sums) {
    if let Some(md5) = sums.md5_base64() {
        reply.set_header("content-md5", &md5);
    }
    if let Some(crc64) = sums.crc64_base64() {
        reply.set_header("x-ms-content-crc64", &crc64);
    }
}

/// Receives the request body (at most `limit` bytes) into a temporary file, with the checksums
/// [`wanted`] (`store_md5`: the MD5 is needed whatever the request says).
pub(crate) async fn receive(call: &Call<'_>, limit: u64, store_md5: bool) -> Result<Received, BlobError> {
    let md5 = expected(call, "content-md5", 16)?;
    let crc64 = expected(call, "x-ms-content-crc64", 8)?;
    let body = call
        .request
        .take_body()
        .ok_or_else(|| internal(&"the request body was already read"))?;
    let Some(declared) = body.declared_len() else {
        return Err(BlobError::new(
            StatusCode::LENGTH_REQUIRED,
            "MissingContentLengthHeader",
            "Content-Length HTTP header is missing.",
        ));
    };
    if declared > limit {
        return Err(body_too_large(limit));
    }
    let (file, handle) = call.shared.blob.temp_file().await.map_err(|e| internal(&e))?;
    let mut writer = Checksummed::new(
        tokio::io::BufWriter::with_capacity(256 * 1024, handle),
        wanted(call, store_md5),
    );
    let len = match body.copy_to(&mut writer, limit).await {
        Ok(len) => len,
        Err(BodyError::TooLarge) => return Err(body_too_large(limit)),
        Err(BodyError::Write(error)) => return Err(internal(&error)),
        Err(BodyError::Broken(error)) => {
            return Err(BlobError::new(
                StatusCode::BAD_REQUEST,
                "InvalidInput",
                format!("One of the request inputs is not valid: the body could not be read ({error})."),
            ));
        }
    };
    let (_, sums) = writer.finish();
    if md5.is_some_and(|md5| sums.md5.is_none_or(|sum| md5 != sum)) {
        return Err(BlobError::new(
            StatusCode::BAD_REQUEST,
            "Md5Mismatch",
            "The MD5 value specified in the request did not match with the MD5 value calculated by the server.",
        ));
    }
    if crc64.is_some_and(|crc| sums.crc64.is_none_or(|sum| crc != sum)) {
        return Err(BlobError::new(
            StatusCode::BAD_REQUEST,
            "Crc64Mismatch",
            "The CRC64 value specified in the request did not match with the CRC64 value calculated by the server.",
        ));
    }
    Ok(Received { file, len, sums })
}

/// A base64 checksum header of `len` bytes, if sent; else 400 `InvalidHeaderValue`.
fn expected(call: &Call<'_>, name: &str, len: usize) -> Result<Option<Vec<u8>>, BlobError> {
    let Some(text) = call.header(name) else {
        return Ok(None);
    };
    match STANDARD.decode(text.trim()) {
        Ok(bytes) if bytes.len() == len => Ok(Some(bytes)),
        _ => Err(invalid_header(name, text)),
    }
}
