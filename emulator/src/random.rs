//! Random identifiers (fast, not secret) and secrets (from the operating system).

use std::sync::{Mutex, PoisonError};

use ring::rand::{SecureRandom, SystemRandom};

use crate::error::Error;

/// A random version-4 UUID in lowercase hyphenated form, for ids and request ids.
pub(crate) fn uuid() -> String {
    uuid::Builder::from_random_bytes(fastrand::u128(..).to_le_bytes())
        .into_uuid()
        .hyphenated()
        .to_string()
}

/// `len` random bytes from the operating system.
pub(crate) fn key_bytes(len: usize) -> Result<Vec<u8>, Error> {
    let mut bytes = vec![0u8; len];
    SystemRandom::new().fill(&mut bytes).map_err(|_| Error::Random)?;
    Ok(bytes)
}

/// A random secret of `len` characters from the alphabet Entra uses for client secrets.
pub(crate) fn secret(len: usize) -> Result<String, Error> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789~._-";
    Ok(key_bytes(len)?
        .into_iter()
        .map(|b| char::from(ALPHABET[usize::from(b) % ALPHABET.len()]))
        .collect())
}

/// A bearer secret: 32 random bytes from the operating system, base64url without padding (43
/// characters).
pub(crate) fn bearer_secret() -> Result<String, Error> {
    use base64::Engine;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key_bytes(32)?))
}

/// A random Azure DevOps personal access token: 52 characters of `a-z` and `2-7` (base32).
pub(crate) fn pat() -> Result<String, Error> {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz234567";
    Ok(key_bytes(52)?
        .into_iter()
        .map(|b| char::from(ALPHABET[usize::from(b) % ALPHABET.len()]))
        .collect())
}

/// Seeded draws among the answers the API documents for one request (a container group DELETE
/// may answer 200, 202 or 204), so that clients meet every one of them and a run can be repeated.
pub(crate) struct Draws(Mutex<fastrand::Rng>);

impl Draws {
    /// Draws from a generator seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        Draws(Mutex::new(fastrand::Rng::with_seed(seed)))
    }

    /// One of `choices`, each equally likely; `None` when there is none.
    pub fn pick<T: Copy>(&self, choices: &[T]) -> Option<T> {
        if choices.is_empty() {
            return None;
        }
        let index = self
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .usize(..choices.len());
        Some(choices[index])
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn uuid_is_a_version_4_uuid() {
        let id = super::uuid();
        let parsed = uuid::Uuid::parse_str(&id).expect("parses");
        assert_eq!(parsed.get_version_num(), 4);
        assert_ne!(id, super::uuid());
    }

    #[test]
    fn pats_look_like_azure_devops_pats() {
        let pat = super::pat().expect("random");
        assert_eq!(pat.len(), 52);
        assert!(
            pat.bytes()
                .all(|b| b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b))
        );
    }

    #[test]
    fn bearer_secrets_are_43_url_safe_characters_and_differ() {
        let secret = super::bearer_secret().expect("random");
        assert_eq!(secret.len(), 43);
        assert!(
            secret
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_ne!(secret, super::bearer_secret().expect("random"));
    }

    #[test]
    fn draws_repeat_with_their_seed_and_reach_every_choice() {
        let choices = [200u16, 202, 204];
        let first: Vec<_> = (0..30)
            .map(|_| super::Draws::new(7))
            .map(|d| d.pick(&choices))
            .collect();
        assert!(
            first.iter().all(|c| *c == first[0]),
            "a fresh generator repeats its first draw"
        );
        let draws = super::Draws::new(7);
        let sequence: Vec<u16> = (0..30).filter_map(|_| draws.pick(&choices)).collect();
        let again = super::Draws::new(7);
        assert_eq!(
            sequence,
            (0..30).filter_map(|_| again.pick(&choices)).collect::<Vec<_>>()
        );
        for choice in choices {
            assert!(sequence.contains(&choice), "{choice} in {sequence:?}");
        }
        assert_eq!(draws.pick::<u16>(&[]), None);
    }

    #[test]
    fn secret_has_the_asked_length() {
        let secret = super::secret(40).expect("random");
        assert_eq!(secret.chars().count(), 40);
    }
}
