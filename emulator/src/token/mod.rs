//! Issuing and checking the emulator's tokens.

pub(crate) mod claims;
pub(crate) mod jwt;
pub(crate) mod resources;

use claims::{AccessClaims, AssertionClaims};
use jwt::{JwtError, Signer};

use crate::error::Error;
use crate::model::principals::{ManagedIdentity, ServicePrincipal};
use crate::random;

/// Lifetime of admin-minted federated tokens, in seconds.
const FEDERATED_TOKEN_LIFETIME: i64 = 3600;

/// `typ` of access tokens (as Entra's).
const ACCESS_TYP: &str = "JWT";
/// `typ` of admin-minted federated assertions, distinct from access tokens'.
const ASSERTION_TYP: &str = "az-emulator-federated+jwt";

/// A freshly issued access token and its times (Unix seconds).
pub(crate) struct Issued {
    pub access_token: String,
    pub not_before: i64,
    pub expires_on: i64,
}

impl Issued {
    /// Seconds until expiry as Entra reports it (one second less than the lifetime).
    pub fn expires_in(&self) -> i64 {
        (self.expires_on - self.not_before - 1).max(1)
    }
}

/// Mints and checks tokens with per-start keys: one for access tokens, another for federated
/// assertions.
pub(crate) struct Tokens {
    access: Signer,
    assertions: Signer,
    app_lifetime: i64,
    identity_lifetime: i64,
}

/// Who a token is for.
struct Subject<'a> {
    tenant_id: &'a str,
    object_id: &'a str,
    client_id: &'a str,
    acr: &'static str,
    mirid: Option<String>,
}

/// How a client authenticated to get an app token.
#[derive(Clone, Copy)]
pub(crate) enum ClientAuth {
    Secret,
    Assertion,
}

impl Tokens {
    /// A token service with a fresh key.
    pub fn generate(app_lifetime_secs: u64, identity_lifetime_secs: u64) -> Result<Self, Error> {
        Ok(Tokens {
            access: Signer::generate(ACCESS_TYP)?,
            assertions: Signer::generate(ASSERTION_TYP)?,
            app_lifetime: i64::try_from(app_lifetime_secs).unwrap_or(i64::MAX / 4),
            identity_lifetime: i64::try_from(identity_lifetime_secs).unwrap_or(i64::MAX / 4),
        })
    }

    /// An access token for a service principal (client credentials grant), issued at `now`
    /// (Unix seconds).
    pub fn for_app(&self, sp: &ServicePrincipal, resource: &str, auth: ClientAuth, now: i64) -> Issued {
        let acr = match auth {
            ClientAuth::Secret => "1",
            ClientAuth::Assertion => "2",
        };
        let subject = Subject {
            tenant_id: &sp.tenant_id,
            object_id: &sp.object_id,
            client_id: &sp.client_id,
            acr,
            mirid: None,
        };
        self.issue(resource, subject, now, self.app_lifetime)
    }

    /// An access token for a managed identity, issued at `now` (Unix seconds).
    pub fn for_identity(&self, mi: &ManagedIdentity, resource: &str, now: i64) -> Issued {
        let subject = Subject {
            tenant_id: &mi.tenant_id,
            object_id: &mi.principal_id,
            client_id: &mi.client_id,
            acr: "2",
            mirid: Some(mi.resource_id.clone()),
        };
        self.issue(resource, subject, now, self.identity_lifetime)
    }

    fn issue(&self, resource: &str, subject: Subject<'_>, now: i64, lifetime: i64) -> Issued {
        let issuer = format!("https://sts.windows.net/{}/", subject.tenant_id);
        let claims = AccessClaims {
            aud: resource.to_owned(),
            iss: issuer.clone(),
            iat: now,
            nbf: now,
            exp: now + lifetime,
            appid: subject.client_id.to_owned(),
            appidacr: subject.acr.to_owned(),
            idp: issuer,
            idtyp: "app".to_owned(),
            oid: subject.object_id.to_owned(),
            sub: subject.object_id.to_owned(),
            tid: subject.tenant_id.to_owned(),
            uti: random::uuid().replace('-', ""),
            ver: "1.0".to_owned(),
            xms_mirid: subject.mirid,
        };
        Issued {
            access_token: self.access.sign(&claims),
            not_before: now,
            expires_on: now + lifetime,
        }
    }

    /// The claims of an access token this emulator issued (expiry is not checked here).
    pub fn verify_access(&self, token: &str) -> Result<AccessClaims, JwtError> {
        let payload = self.access.verify(token)?;
        serde_json::from_slice(&payload).map_err(|_| JwtError::Malformed)
    }

    /// A token from an external issuer issued at `now` (Unix seconds), for workload identity
    /// federation tests.
    pub fn federated(&self, issuer: &str, subject: &str, audience: &str, now: i64) -> String {
        self.assertions.sign(&AssertionClaims {
            iss: issuer.to_owned(),
            sub: subject.to_owned(),
            aud: audience.to_owned(),
            iat: now,
            nbf: now,
            exp: now + FEDERATED_TOKEN_LIFETIME,
            jti: random::uuid(),
        })
    }

    /// The claims of a federated token the admin API minted (expiry is not checked here).
    pub fn verify_assertion(&self, token: &str) -> Result<AssertionClaims, JwtError> {
        let payload = self.assertions.verify(token)?;
        serde_json::from_slice(&payload).map_err(|_| JwtError::Malformed)
    }
}

#[cfg(test)]
mod tests {
    use super::Tokens;
    use crate::model::principals::ServicePrincipal;
    use crate::token::ClientAuth;
    use crate::token::jwt::JwtError;

    #[test]
    fn access_tokens_and_assertions_are_not_interchangeable() {
        let tokens = Tokens::generate(3600, 3600).expect("keys");
        let app = ServicePrincipal {
            name: "app".into(),
            tenant_id: "t".into(),
            client_id: "c".into(),
            client_secret: "s".into(),
            object_id: "o".into(),
            federated_credentials: Vec::new(),
        };
        let access = tokens
            .for_app(&app, "https://management.azure.com", ClientAuth::Secret, 1000)
            .access_token;
        let assertion = tokens.federated("https://issuer", "subject", "api://AzureADTokenExchange", 1000);
        assert!(tokens.verify_access(&access).is_ok());
        assert!(tokens.verify_assertion(&assertion).is_ok());
        assert_eq!(tokens.verify_access(&assertion).unwrap_err(), JwtError::BadSignature);
        assert_eq!(tokens.verify_assertion(&access).unwrap_err(), JwtError::BadSignature);
    }
}
