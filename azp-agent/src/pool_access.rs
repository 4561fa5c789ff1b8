//! Access to an agent pool from environment variables: `AZP_URL`, `AZP_POOL`, and a token in
//! `AZP_TOKEN` or the file `AZP_TOKEN_FILE`, as the agent images of the Azure Pipelines
//! documentation read them. Every error is one line naming the variable, and never repeats a
//! secret (a token, a password in `AZP_URL`).

use crate::auth::DevOpsCredential;
use crate::client::{DevOpsClient, DevOpsClientOptions};
use crate::error::Error;
use crate::org_url::OrganizationUrl;
use arm_core::EnvSource;
use arm_core::azure_core::credentials::Secret;

/// `AZP_URL`: the organization (or collection) URL.
pub const AZP_URL: &str = "AZP_URL";
/// `AZP_POOL`: the agent pool's name (default [`DEFAULT_POOL`]).
pub const AZP_POOL: &str = "AZP_POOL";
/// `AZP_TOKEN`: a PAT or OAuth token.
pub const AZP_TOKEN: &str = "AZP_TOKEN";
/// `AZP_TOKEN_FILE`: a file holding the token (a mounted secret).
pub const AZP_TOKEN_FILE: &str = "AZP_TOKEN_FILE";
/// The default of `AZP_POOL`.
pub const DEFAULT_POOL: &str = "Default";

/// Access to an agent pool with a token: `AZP_URL`, `AZP_POOL`, `AZP_TOKEN` or `AZP_TOKEN_FILE`.
///
/// ```
/// use std::collections::HashMap;
///
/// let env: HashMap<String, String> = [("AZP_URL", "https://dev.azure.com/contoso"), ("AZP_TOKEN", "pat\n")]
///     .into_iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
/// let access = azp_agent::PoolAccess::from_env(&env)?;
/// assert_eq!((access.pool.as_str(), access.token_from, access.token.secret()), ("Default", "AZP_TOKEN", "pat"));
/// # Ok::<(), azp_agent::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct PoolAccess {
    /// `AZP_URL`.
    pub organization: OrganizationUrl,
    /// `AZP_POOL`.
    pub pool: String,
    /// The variable the token came from: `AZP_TOKEN` or `AZP_TOKEN_FILE`.
    pub token_from: &'static str,
    /// The token.
    pub token: Secret,
}

impl PoolAccess {
    /// Reads and checks the variables; the token is required. Nothing is contacted.
    pub fn from_env(env: &dyn EnvSource) -> Result<Self, Error> {
        let organization = organization_from_env(env)?;
        let pool = pool_from_env(env)?;
        let (token_from, token) = token_from_env(env)?.ok_or_else(|| {
            Error::invalid_input(
                AZP_TOKEN,
                "is missing: set AZP_TOKEN or AZP_TOKEN_FILE to a PAT with Agent Pools (read & manage), or to $(System.AccessToken)",
            )
        })?;
        Ok(Self {
            organization,
            pool,
            token_from,
            token,
        })
    }

    /// A client of the organization with the token; an error names the variable at fault.
    pub fn client(&self, options: Option<DevOpsClientOptions>) -> Result<DevOpsClient, Error> {
        let credential = DevOpsCredential::pat(self.token.secret())
            .map_err(|e| Error::invalid_input(self.token_from, e.to_string()))?;
        DevOpsClient::new(self.organization.clone(), credential, options)
            .map_err(|e| Error::invalid_input(AZP_URL, e.to_string()))
    }
}

/// `AZP_URL`, required: the organization URL (credentials in it are refused, never repeated).
pub fn organization_from_env(env: &dyn EnvSource) -> Result<OrganizationUrl, Error> {
    let url = env.var(AZP_URL).ok_or_else(|| {
        Error::invalid_input(
            AZP_URL,
            "is missing: set it to the organization URL, e.g. https://dev.azure.com/contoso",
        )
    })?;
    OrganizationUrl::parse_named(AZP_URL, &url)
}

/// `AZP_POOL`, default [`DEFAULT_POOL`]: at most 64 characters, none of `"/:<>\|*?` or control
/// characters.
pub fn pool_from_env(env: &dyn EnvSource) -> Result<String, Error> {
    let pool = env.var(AZP_POOL).unwrap_or_else(|| DEFAULT_POOL.to_owned());
    if pool.chars().count() > 64 {
        return Err(Error::invalid_input(
            AZP_POOL,
            format!("'{pool}' is longer than 64 characters"),
        ));
    }
    if let Some(bad) = pool.chars().find(|c| "\"/:<>\\|*?".contains(*c) || c.is_control()) {
        return Err(Error::invalid_input(
            AZP_POOL,
            format!(
                "'{pool}' contains '{}'; pool names cannot contain \"/:<>\\|*? or control characters",
                bad.escape_default()
            ),
        ));
    }
    Ok(pool)
}

/// The token in `AZP_TOKEN`, or in the file `AZP_TOKEN_FILE` (exactly one of them), with the
/// variable it came from; `None` when neither is set.
pub fn token_from_env(env: &dyn EnvSource) -> Result<Option<(&'static str, Secret)>, Error> {
    match (env.var(AZP_TOKEN), env.var(AZP_TOKEN_FILE)) {
        (Some(_), Some(_)) => Err(Error::invalid_input(
            AZP_TOKEN_FILE,
            "cannot be combined with AZP_TOKEN: set one of them",
        )),
        (Some(token), None) => Ok(Some((AZP_TOKEN, token_from_value(AZP_TOKEN, token)?))),
        (None, Some(path)) => Ok(Some((AZP_TOKEN_FILE, token_from_file(&path)?))),
        (None, None) => Ok(None),
    }
}

/// The token held in the file `path` (`AZP_TOKEN_FILE`).
pub fn token_from_file(path: &str) -> Result<Secret, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Error::invalid_input(
            AZP_TOKEN_FILE,
            format!("cannot read '{path}': {e}; expected a file holding the token"),
        )
    })?;
    token_from_value(AZP_TOKEN_FILE, text)
}

/// A token as read from `variable` (or its file): surrounding whitespace (a final newline)
/// dropped, nothing inside.
pub fn token_from_value(variable: &str, token: String) -> Result<Secret, Error> {
    let token = token.trim();
    if token.is_empty() {
        return Err(Error::invalid_input(
            variable,
            "is empty; expected a PAT or OAuth token",
        ));
    }
    if token.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::invalid_input(
            variable,
            "contains whitespace; expected a single PAT or OAuth token",
        ));
    }
    Ok(Secret::new(token.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn error(pairs: &[(&str, &str)]) -> String {
        PoolAccess::from_env(&env(pairs)).unwrap_err().to_string()
    }

    const URL: (&str, &str) = (AZP_URL, "https://dev.azure.com/contoso");

    #[test]
    fn every_error_names_its_variable() {
        assert_eq!(
            error(&[("AZP_TOKEN", "pat")]),
            "AZP_URL: is missing: set it to the organization URL, e.g. https://dev.azure.com/contoso"
        );
        assert!(error(&[URL]).starts_with("AZP_TOKEN: is missing: set AZP_TOKEN or AZP_TOKEN_FILE"));
        assert_eq!(
            error(&[URL, ("AZP_TOKEN", "two words")]),
            "AZP_TOKEN: contains whitespace; expected a single PAT or OAuth token"
        );
        assert_eq!(
            error(&[URL, ("AZP_TOKEN", "pat"), ("AZP_TOKEN_FILE", "/t")]),
            "AZP_TOKEN_FILE: cannot be combined with AZP_TOKEN: set one of them"
        );
        assert!(error(&[URL, ("AZP_TOKEN_FILE", "/nonexistent/token")]).starts_with("AZP_TOKEN_FILE: cannot read"));
        assert_eq!(
            error(&[URL, ("AZP_TOKEN", "pat"), ("AZP_POOL", "a/b")]),
            "AZP_POOL: 'a/b' contains '/'; pool names cannot contain \"/:<>\\|*? or control characters"
        );
        assert_eq!(
            error(&[URL, ("AZP_TOKEN", "pat"), ("AZP_POOL", &"p".repeat(65))]),
            format!("AZP_POOL: '{}' is longer than 64 characters", "p".repeat(65))
        );
    }

    #[test]
    fn a_password_in_azp_url_is_never_repeated() {
        for url in [
            "https://user:s3cret@dev.azure.com/contoso",
            "https://user:s3cret@dev.azure.com/con_toso/extra",
            "https//user:s3cret@dev.azure.com/contoso",
            "user:s3cret@dev.azure.com",
        ] {
            let env = env(&[(AZP_URL, url), (AZP_TOKEN, "pat")]);
            let error = PoolAccess::from_env(&env).expect_err("refused");
            assert!(
                matches!(&error, Error::InvalidInput { input, .. } if input == AZP_URL),
                "{url}: {error:?}"
            );
            for text in [error.to_string(), format!("{error:?}")] {
                assert!(!text.contains("s3cret"), "{url}: {text}");
            }
        }
    }

    #[test]
    fn a_token_file_is_trimmed() {
        let path = std::env::temp_dir().join(format!("azp-pool-access-token-{}", std::process::id()));
        std::fs::write(&path, "pat-in-file\n").unwrap();
        let access = PoolAccess::from_env(&env(&[URL, (AZP_TOKEN_FILE, path.to_str().unwrap())])).unwrap();
        assert_eq!(
            (access.token_from, access.token.secret()),
            (AZP_TOKEN_FILE, "pat-in-file")
        );
        std::fs::write(&path, "\n").unwrap();
        assert_eq!(
            error(&[URL, (AZP_TOKEN_FILE, path.to_str().unwrap())]),
            "AZP_TOKEN_FILE: is empty; expected a PAT or OAuth token"
        );
        std::fs::remove_file(&path).unwrap();
    }
}
