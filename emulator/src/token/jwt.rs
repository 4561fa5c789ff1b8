//! Compact JWTs signed with HS256 under a key generated at each start.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::hmac;
use serde::Serialize;

use crate::error::Error;
use crate::random;

/// Why a token was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JwtError {
    /// Not three base64url parts, or a payload that is not the expected JSON.
    Malformed,
    /// Not signed by this emulator (wrong header or signature).
    BadSignature,
}

/// Signs and verifies one kind of token: each kind has its own key, key id and `typ`, so that a
/// token of one kind is never accepted as another.
pub(crate) struct Signer {
    key: hmac::Key,
    /// The base64url header every token of this signer carries.
    header: String,
}

impl Signer {
    /// A signer with a fresh random key and key id whose tokens carry `typ`.
    pub fn generate(typ: &str) -> Result<Self, Error> {
        let key = hmac::Key::new(hmac::HMAC_SHA256, &random::key_bytes(32)?);
        let kid = URL_SAFE_NO_PAD.encode(random::key_bytes(16)?);
        let header = serde_json::json!({ "alg": "HS256", "typ": typ, "kid": kid });
        Ok(Signer {
            key,
            header: URL_SAFE_NO_PAD.encode(header.to_string()),
        })
    }

    /// `header.payload.signature` for these claims.
    pub fn sign(&self, claims: &impl Serialize) -> String {
        let payload = serde_json::to_vec(claims).unwrap_or_default();
        let mut token = String::with_capacity(self.header.len() + payload.len() * 4 / 3 + 50);
        token.push_str(&self.header);
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(payload, &mut token);
        let tag = hmac::sign(&self.key, token.as_bytes());
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(tag.as_ref(), &mut token);
        token
    }

    /// The decoded payload of a token this signer made.
    pub fn verify(&self, token: &str) -> Result<Vec<u8>, JwtError> {
        let mut parts = token.split('.');
        let (Some(header), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(JwtError::Malformed);
        };
        let signature = URL_SAFE_NO_PAD.decode(signature).map_err(|_| JwtError::Malformed)?;
        let decoded = URL_SAFE_NO_PAD.decode(payload).map_err(|_| JwtError::Malformed)?;
        if header != self.header {
            return Err(JwtError::BadSignature);
        }
        let signed = &token[..header.len() + 1 + payload.len()];
        hmac::verify(&self.key, signed.as_bytes(), &signature).map_err(|_| JwtError::BadSignature)?;
        Ok(decoded)
    }
}

#[cfg(test)]
mod tests {
    use super::{JwtError, Signer};

    #[test]
    fn round_trip_and_tamper() {
        let signer = Signer::generate("JWT").expect("key");
        let token = signer.sign(&serde_json::json!({ "sub": "x" }));
        let payload = signer.verify(&token).expect("verifies");
        assert_eq!(payload, br#"{"sub":"x"}"#);

        let mut parts: Vec<&str> = token.split('.').collect();
        let forged = signer.sign(&serde_json::json!({ "sub": "y" }));
        let forged_payload = forged.split('.').nth(1).unwrap();
        parts[1] = forged_payload;
        assert_eq!(signer.verify(&parts.join(".")), Err(JwtError::BadSignature));

        let other = Signer::generate("JWT").expect("key");
        assert_eq!(other.verify(&token), Err(JwtError::BadSignature));
        assert_eq!(signer.verify("a.b"), Err(JwtError::Malformed));
        assert_eq!(signer.verify("not a token"), Err(JwtError::Malformed));
    }
}
