//! Who is calling: a PAT (Basic), an Entra access token (Bearer, or Basic with the token as the
//! password), or a stand-in listener's agent credential (`Bearer agent.{id}.{key}`). Without an
//! `Authorization` header Azure DevOps answers 203 with its sign-in page, or 401 when the client
//! sends `X-TFS-FedAuthRedirect: Suppress` (as API clients do); an unknown or expired credential
//! gets 401.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use hyper::StatusCode;
use hyper::header::CONTENT_TYPE;

use crate::config::{SCOPE_AGENT_POOLS_MANAGE, SCOPE_AGENT_POOLS_READ};
use crate::http::{Reply, Request};
use crate::shared::Shared;
use crate::token::resources;

/// The PAT scope of a full-access token.
const FULL_ACCESS: &str = "app_token";

/// An authenticated caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Caller {
    /// A personal access token of the organization.
    Pat { name: String, scopes: Vec<String> },
    /// An Entra access token for Azure DevOps (full agent-pool rights): the principal's object
    /// id, tenant and application id.
    Entra { oid: String, tid: String, appid: String },
    /// A listener, with the credential its configuration registered.
    Agent { pool_id: i32, agent_id: i32 },
}

impl Caller {
    /// What the journal records as the principal.
    pub fn principal(&self) -> String {
        match self {
            Caller::Pat { name, .. } => format!("pat:{name}"),
            Caller::Entra { oid, .. } => oid.clone(),
            Caller::Agent { agent_id, .. } => format!("agent:{agent_id}"),
        }
    }

    /// Whether it may read pools, agents, requests and packages.
    pub fn can_read(&self) -> bool {
        match self {
            Caller::Pat { scopes, .. } => scopes
                .iter()
                .any(|s| s == SCOPE_AGENT_POOLS_READ || s == SCOPE_AGENT_POOLS_MANAGE || s == FULL_ACCESS),
            Caller::Entra { .. } => true,
            Caller::Agent { .. } => false,
        }
    }

    /// Whether it may register, replace and delete agents.
    pub fn can_manage(&self) -> bool {
        match self {
            Caller::Pat { scopes, .. } => scopes.iter().any(|s| s == SCOPE_AGENT_POOLS_MANAGE || s == FULL_ACCESS),
            Caller::Entra { .. } => true,
            Caller::Agent { .. } => false,
        }
    }

    /// How the 403 message names it.
    pub fn display(&self) -> String {
        match self {
            Caller::Pat { name, .. } => format!("The personal access token '{name}'"),
            Caller::Entra { oid, .. } => format!("Identity {oid}"),
            Caller::Agent { agent_id, .. } => format!("Agent {agent_id}"),
        }
    }
}

/// Why a request was not authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Denied {
    /// No credentials: 203 with the sign-in page.
    SignIn,
    /// An unknown or expired credential: 401.
    Unauthorized,
}

impl Denied {
    /// The response.
    pub fn reply(self) -> Reply {
        match self {
            Denied::SignIn => sign_in_page(),
            Denied::Unauthorized => unauthorized(),
        }
    }
}

/// The caller of a request to organization `org`.
pub(crate) fn authenticate(shared: &Shared, request: &Request, org: &str) -> Result<Caller, Denied> {
    let unauthorized = || Denied::Unauthorized;
    let Some(header) = request.header("authorization") else {
        let suppressed = request
            .header("x-tfs-fedauthredirect")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("suppress"));
        return Err(
            if suppressed || request.headers.contains_key(hyper::header::AUTHORIZATION) {
                Denied::Unauthorized
            } else {
                Denied::SignIn
            },
        );
    };
    let (scheme, credential) = header.split_once(' ').ok_or_else(unauthorized)?;
    let credential = credential.trim();
    if scheme.eq_ignore_ascii_case("basic") {
        let decoded = STANDARD.decode(credential).map_err(|_| unauthorized())?;
        let decoded = String::from_utf8(decoded).map_err(|_| unauthorized())?;
        let (_, password) = decoded.split_once(':').ok_or_else(unauthorized)?;
        if looks_like_jwt(password)
            && let Ok(caller) = entra(shared, password)
        {
            return Ok(caller);
        }
        return pat(shared, org, password);
    }
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(Denied::Unauthorized);
    }
    match credential.strip_prefix("agent.") {
        Some(agent) => agent_credential(shared, org, agent),
        None => entra(shared, credential),
    }
}

fn looks_like_jwt(text: &str) -> bool {
    text.matches('.').count() == 2
}

/// An Entra access token issued here, for Azure DevOps, not expired on the emulator's clock.
fn entra(shared: &Shared, token: &str) -> Result<Caller, Denied> {
    let claims = shared.tokens.verify_access(token).map_err(|_| Denied::Unauthorized)?;
    let now = shared.clock.unix_now();
    if now >= claims.exp || now + 300 < claims.nbf || !resources::is_devops(&claims.aud) {
        return Err(Denied::Unauthorized);
    }
    Ok(Caller::Entra {
        oid: claims.oid,
        tid: claims.tid,
        appid: claims.appid,
    })
}

/// A PAT of the organization.
fn pat(shared: &Shared, org: &str, token: &str) -> Result<Caller, Denied> {
    let unauthorized = || Denied::Unauthorized;
    let state = shared.pools.lock(&shared.clock);
    let org = state.organization(org).ok_or_else(unauthorized)?;
    org.pats
        .iter()
        .find(|pat| same(pat.token.as_bytes(), token.as_bytes()))
        .map(|pat| Caller::Pat {
            name: pat.name.clone(),
            scopes: pat.scopes.clone(),
        })
        .ok_or_else(unauthorized)
}

/// `{agentId}.{base64url(key)}`: the key the agent registered.
fn agent_credential(shared: &Shared, org: &str, credential: &str) -> Result<Caller, Denied> {
    let unauthorized = || Denied::Unauthorized;
    let (id, key) = credential.split_once('.').ok_or_else(unauthorized)?;
    let agent_id: i32 = id.parse().map_err(|_| unauthorized())?;
    let key = URL_SAFE_NO_PAD.decode(key).map_err(|_| unauthorized())?;
    let state = shared.pools.lock(&shared.clock);
    let org = state.organization(org).ok_or_else(unauthorized)?;
    org.pools
        .iter()
        .find_map(|pool| {
            pool.agent(agent_id)
                .filter(|agent| !agent.key.is_empty() && same(&agent.key, &key))
                .map(|_| Caller::Agent {
                    pool_id: pool.id,
                    agent_id,
                })
        })
        .ok_or_else(unauthorized)
}

/// Compares secrets in time that does not depend on where they differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// 401: an unknown or expired credential.
pub(crate) fn unauthorized() -> Reply {
    let mut reply = Reply::bytes(
        StatusCode::UNAUTHORIZED,
        bytes::Bytes::from_static(
            b"TF400813: The user is not authorized to access this resource. The credential is not valid or has expired.",
        ),
    );
    reply.set_header(CONTENT_TYPE, "text/plain; charset=utf-8");
    reply
        .with_header(
            "www-authenticate",
            "Bearer authorization_uri=https://login.microsoftonline.com/common",
        )
        .with_header("x-tfs-fedauthrealm", "https://app.vssps.visualstudio.com/")
        .with_header(
            "x-tfs-fedauthredirect",
            "https://spsprodcus5.vssps.visualstudio.com/_signin?realm=dev.azure.com",
        )
}

/// 203 Non-Authoritative Information with the sign-in page: what Azure DevOps answers a request
/// without credentials.
pub(crate) fn sign_in_page() -> Reply {
    const PAGE: &str = "<!DOCTYPE html>\n<html lang=\"en-US\">\n<head><title>Azure DevOps Services | Sign In</title></head>\n<body>\n<p>Sign in to Azure DevOps: this request needs credentials (a personal access token or an Entra access token).</p>\n</body>\n</html>\n";
    let mut reply = Reply::bytes(
        StatusCode::NON_AUTHORITATIVE_INFORMATION,
        bytes::Bytes::from_static(PAGE.as_bytes()),
    );
    reply.set_header(CONTENT_TYPE, "text/html; charset=utf-8");
    reply
}

#[cfg(test)]
mod tests {
    use super::{Caller, same};

    #[test]
    fn scopes_grant_read_and_manage() {
        let pat = |scopes: &[&str]| Caller::Pat {
            name: "p".into(),
            scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
        };
        assert!(pat(&["vso.agentpools"]).can_read());
        assert!(!pat(&["vso.agentpools"]).can_manage());
        assert!(pat(&["vso.agentpools_manage"]).can_manage());
        assert!(pat(&["app_token"]).can_manage());
        assert!(!pat(&["vso.build"]).can_read());
        assert!(!pat(&[]).can_read());
        assert!(same(b"abc", b"abc"));
        assert!(!same(b"abc", b"abd"));
        assert!(!same(b"abc", b"ab"));
    }
}
