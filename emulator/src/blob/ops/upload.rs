//! Receiving a body to disk: streamed into a temporary file with its MD5 and CRC64 computed on
//! the way, checked against `Content-MD5` and `x-ms-content-crc64` when the client sent them
//! (learn.microsoft.com "Put Blob", "Put Block", "Append Block": 400 `Md5Mismatch` /
//! `Crc64Mismatch`), and refused beyond the operation's limit (413 `RequestBodyTooLarge`).
//! `Content-Length` is required (411 `MissingContentLengthHeader`, as Storage).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hyper::StatusCode;

use crate::blob::call::Call;
use crate::blob::checksum::{Checksummed, Sums};
use crate::blob::data::TempFile;
use crate::blob::error::{BlobError, body_too_large, internal, invalid_header};
use crate::http::BodyError;

/// A body on disk.
pub(crate) struct Received {
    pub file: TempFile,
    pub len: u64,
    pub sums: Sums,
    /// Whether the client sent `x-ms-content-crc64` (then the answer echoes the CRC64).
    pub crc64_sent: bool,
}

/// Receives the request body (at most `limit` bytes) into a temporary file.
pub(crate) async fn receive(call: &Call<'_>, limit: u64) -> Result<Received, BlobError> {
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
    let mut writer = Checksummed::new(tokio::io::BufWriter::with_capacity(256 * 1024, handle));
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
    if md5.as_deref().is_some_and(|md5| md5 != sums.md5) {
        return Err(BlobError::new(
            StatusCode::BAD_REQUEST,
            "Md5Mismatch",
            "The MD5 value specified in the request did not match with the MD5 value calculated by the server.",
        ));
    }
    if crc64.as_deref().is_some_and(|crc| crc != sums.crc64) {
        return Err(BlobError::new(
            StatusCode::BAD_REQUEST,
            "Crc64Mismatch",
            "The CRC64 value specified in the request did not match with the CRC64 value calculated by the server.",
        ));
    }
    Ok(Received {
        file,
        len,
        sums,
        crc64_sent: crc64.is_some(),
    })
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

impl Received {
    /// The headers a write answers about its body: `Content-MD5`, and `x-ms-content-crc64` when
    /// the client sent one.
    pub fn checksum_headers(&self, reply: &mut crate::http::Reply) {
        reply.set_header("content-md5", &self.sums.md5_base64());
        if self.crc64_sent {
            reply.set_header("x-ms-content-crc64", &self.sums.crc64_base64());
        }
    }
}
