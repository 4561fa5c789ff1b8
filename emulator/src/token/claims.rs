//! The claims of the tokens the emulator issues and accepts.

use serde::{Deserialize, Serialize};

/// Claims of an Entra v1 access token for an app or a managed identity.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub(crate) struct AccessClaims {
    pub aud: String,
    pub iss: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
    pub appid: String,
    /// `1`: client secret; `2`: certificate or assertion (and managed identities).
    pub appidacr: String,
    pub idp: String,
    pub idtyp: String,
    pub oid: String,
    pub sub: String,
    pub tid: String,
    pub uti: String,
    pub ver: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub xms_mirid: Option<String>,
}

/// Claims of a federated (workload identity) token the admin API mints.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub(crate) struct AssertionClaims {
    pub iss: String,
    pub sub: String,
    pub aud: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
    pub jti: String,
}
