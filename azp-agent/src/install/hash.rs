//! SHA-256 of the package: the expected value's syntax and the running digest.

use super::InstallError;

/// `value` as lowercase hexadecimal if it is a SHA-256 (64 hexadecimal digits, any case).
pub(super) fn parse_expected(value: &str) -> Result<String, InstallError> {
    if value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(value.to_ascii_lowercase())
    } else {
        Err(InstallError::InvalidHash {
            value: value.to_owned(),
        })
    }
}

/// A running SHA-256.
pub(super) struct Sha256(ring::digest::Context);

impl Sha256 {
    pub(super) fn new() -> Self {
        Sha256(ring::digest::Context::new(&ring::digest::SHA256))
    }

    pub(super) fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    /// The digest as lowercase hexadecimal.
    pub(super) fn finish_hex(self) -> String {
        to_hex(self.0.finish().as_ref())
    }
}

fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut hex = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        hex.push(char::from(DIGITS[usize::from(b >> 4)]));
        hex.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    hex
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_abc() {
        let mut h = Sha256::new();
        h.update(b"a");
        h.update(b"bc");
        assert_eq!(
            h.finish_hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn expected_hash_is_64_hex_digits_any_case() {
        let upper = "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD";
        assert_eq!(parse_expected(upper).unwrap(), upper.to_ascii_lowercase());
        for bad in [
            "",
            "abc",
            &upper[1..],
            &format!("{upper}0"),
            &upper.replace('B', "g"),
            &format!(" {}", &upper[1..]),
        ] {
            let err = parse_expected(bad).unwrap_err();
            assert!(
                matches!(err, InstallError::InvalidHash { ref value } if value == bad),
                "{bad:?}: {err}"
            );
        }
    }
}
