//! HMAC-SHA256 over a string-to-sign, the primitive of Shared Key, SAS and delegation keys
//! (learn.microsoft.com "Authorize with Shared Key": "Signature=Base64(HMAC-SHA256(UTF8(StringToSign), Base64.decode(<your_azure_storage_account_shared_key>)))").

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ring::hmac;

/// `Base64(HMAC-SHA256(key, string_to_sign))`.
pub(crate) fn sign(key: &[u8], string_to_sign: &str) -> String {
    STANDARD.encode(hmac::sign(
        &hmac::Key::new(hmac::HMAC_SHA256, key),
        string_to_sign.as_bytes(),
    ))
}

/// Whether `presented` (the base64 signature a client sent) is the HMAC of `string_to_sign`
/// under `key`, compared in constant time (`ring::hmac::verify`).
pub(crate) fn matches(key: &[u8], string_to_sign: &str, presented: &[u8]) -> bool {
    hmac::verify(
        &hmac::Key::new(hmac::HMAC_SHA256, key),
        string_to_sign.as_bytes(),
        presented,
    )
    .is_ok()
}

/// The bytes of a base64 signature (`None` when it is not base64: it matches nothing).
pub(crate) fn decode(signature: &str) -> Option<Vec<u8>> {
    STANDARD.decode(signature.trim()).ok()
}

#[cfg(test)]
mod tests {
    use super::{decode, matches, sign};

    #[test]
    fn sign_is_hmac_sha256_in_base64_and_matches_checks_it() {
        // RFC 4231 test case 2.
        let signature = sign(b"Jefe", "what do ya want for nothing?");
        assert_eq!(signature, "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=");
        let bytes = decode(&signature).unwrap();
        assert!(matches(b"Jefe", "what do ya want for nothing?", &bytes));
        assert!(!matches(b"Jefe", "what do ya want for nothing!", &bytes));
        assert!(!matches(b"jefe", "what do ya want for nothing?", &bytes));
        assert!(decode("not base64!").is_none());
    }
}
