//! Client assertions (workload identity federation): checking a JWT against an app's federated
//! identity credentials.

use hyper::StatusCode;

use super::error::AadError;
use crate::clock;
use crate::model::principals::ServicePrincipal;
use crate::token::Tokens;
use crate::token::jwt::JwtError;

/// The only assertion type Entra accepts.
pub(crate) const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// Checks `assertion` for `app` the way Entra does for federated credentials.
/// `now` is the emulator's time in Unix seconds.
pub(crate) fn check(tokens: &Tokens, app: &ServicePrincipal, assertion: &str, now: i64) -> Result<(), AadError> {
    let claims = tokens.verify_assertion(assertion).map_err(|error| match error {
        JwtError::Malformed => AadError::new(
            StatusCode::BAD_REQUEST,
            "invalid_client",
            50_027,
            "JWT token is invalid or malformed.",
        ),
        JwtError::BadSignature => AadError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            50_013,
            "Assertion failed signature validation. [Reason - The key was not found.]",
        ),
    })?;
    if now >= claims.exp || now + 300 < claims.nbf {
        return Err(AadError::new(
            StatusCode::BAD_REQUEST,
            "invalid_client",
            700_024,
            format!(
                "Client assertion is not within its valid time range. Current time: {}, assertion valid from {}, expiry time of assertion {}.",
                clock::arm_expiry(now),
                clock::arm_expiry(claims.nbf),
                clock::arm_expiry(claims.exp)
            ),
        ));
    }
    let mut candidates = app.credentials_for_issuer(&claims.iss).peekable();
    if candidates.peek().is_none() {
        return Err(AadError::new(
            StatusCode::BAD_REQUEST,
            "invalid_client",
            700_211,
            format!(
                "No matching federated identity record found for presented assertion issuer '{}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.",
                claims.iss
            ),
        ));
    }
    if candidates.any(|c| c.subject == claims.sub && c.audience == claims.aud) {
        Ok(())
    } else {
        Err(AadError::new(
            StatusCode::BAD_REQUEST,
            "invalid_client",
            70_021,
            format!(
                "No matching federated identity record found for presented assertion. Assertion Issuer: '{}'. Assertion Subject: '{}'. Assertion Audience: '{}'.",
                claims.iss, claims.sub, claims.aud
            ),
        ))
    }
}
