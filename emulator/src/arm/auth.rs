//! Bearer token authentication of ARM requests, with ARM's 401 bodies and `WWW-Authenticate`.

use hyper::StatusCode;

use super::error::ArmError;
use crate::clock;
use crate::http::Request;
use crate::shared::Shared;
use crate::token::jwt::JwtError;
use crate::token::resources;

/// The authenticated principal of a request.
pub(crate) struct Caller {
    /// Object id.
    pub oid: String,
    /// Client (application) id.
    pub appid: String,
    /// Tenant of the token.
    pub tid: String,
}

/// Checks the `Authorization` header; the error is ARM's 401.
pub(crate) fn authenticate(shared: &Shared, request: &Request) -> Result<Caller, ArmError> {
    let challenge_tenant = || challenge_tenant(shared, request);
    let Some(header) = request.headers.get(hyper::header::AUTHORIZATION) else {
        return Err(unauthorized(
            shared,
            &challenge_tenant(),
            "AuthenticationFailed",
            "Authentication failed. The 'Authorization' header is missing.",
            "The authentication failed because of missing 'Authorization' header.",
        ));
    };
    let token = header
        .to_str()
        .ok()
        .and_then(|value| value.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .ok_or_else(|| {
            unauthorized(
                shared,
                &challenge_tenant(),
                "AuthenticationFailed",
                "Authentication failed. The 'Authorization' header is provided in an invalid format.",
                "The authentication failed because of invalid 'Authorization' header format.",
            )
        })?;
    let claims = shared.tokens.verify_access(token).map_err(|error| {
        let message = match error {
            JwtError::Malformed => "The access token is invalid. It could not be parsed.",
            JwtError::BadSignature => "The access token is invalid. Its signature could not be verified.",
        };
        unauthorized(
            shared,
            &challenge_tenant(),
            "InvalidAuthenticationToken",
            message,
            "The access token is invalid.",
        )
    })?;
    let now = shared.clock.unix_now();
    if now >= claims.exp {
        let message = format!(
            "The access token expiry UTC time '{}' is earlier than current UTC time '{}'.",
            clock::arm_expiry(claims.exp),
            clock::arm_expiry(now)
        );
        return Err(unauthorized(
            shared,
            &claims.tid,
            "ExpiredAuthenticationToken",
            &message,
            "The access token has expired.",
        ));
    }
    if now + 300 < claims.nbf {
        return Err(unauthorized(
            shared,
            &claims.tid,
            "InvalidAuthenticationToken",
            "The access token is not yet valid.",
            "The access token is not yet valid.",
        ));
    }
    let arm = &shared.endpoints.arm;
    if !resources::is_arm(&claims.aud, arm) {
        let message = format!(
            "The access token has been obtained for wrong audience or resource '{}'. It should exactly match with one of the allowed audiences {}.",
            claims.aud,
            resources::arm_audience_list(arm)
        );
        return Err(unauthorized(
            shared,
            &claims.tid,
            "InvalidAuthenticationTokenAudience",
            &message,
            "The access token has been obtained for wrong audience or resource.",
        ));
    }
    Ok(Caller {
        oid: claims.oid,
        appid: claims.appid,
        tid: claims.tid,
    })
}

/// The tenant of the subscription in the path, or `common`.
fn challenge_tenant(shared: &Shared, request: &Request) -> String {
    match request.segments.as_slice() {
        [first, subscription, ..] if first.eq_ignore_ascii_case("subscriptions") => shared
            .read()
            .subscription(subscription)
            .map_or_else(|| "common".to_owned(), |s| s.tenant_id.clone()),
        _ => "common".to_owned(),
    }
}

/// A 401 with ARM's body and `WWW-Authenticate` challenge.
pub(crate) fn unauthorized(shared: &Shared, tenant: &str, code: &str, message: &str, description: &str) -> ArmError {
    let challenge = format!(
        "Bearer authorization_uri=\"{}/{tenant}\", error=\"invalid_token\", error_description=\"{description}\"",
        shared.endpoints.login
    );
    ArmError::new(StatusCode::UNAUTHORIZED, code, message).with_header("www-authenticate", challenge)
}
