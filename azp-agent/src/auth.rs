//! How the client authenticates to Azure DevOps: a PAT (Basic) or an Entra token (Bearer).

use arm_core::AZURE_DEVOPS_SCOPE;
use arm_core::azure_core::credentials::{Secret, TokenCredential};
use arm_core::azure_core::http::policies::auth::BearerTokenAuthorizationPolicy;
use arm_core::azure_core::http::policies::{Policy, PolicyResult};
use arm_core::azure_core::http::{Context, Request};
use async_trait::async_trait;
use base64::Engine;
use std::sync::Arc;

use crate::error::Error;

/// The credential of an Azure DevOps client.
///
/// A PAT travels as HTTP Basic authentication with an empty user name; an Entra credential
/// (service principal, managed identity, workload identity) gets tokens for the Azure DevOps
/// scope `499b84ac-1321-427f-aa17-267ca6975798/.default`. `Debug` never shows the PAT.
#[derive(Clone, Debug)]
pub enum DevOpsCredential {
    /// A personal access token with the Agent Pools (read, manage) scope.
    Pat(Secret),
    /// An Entra credential whose principal is a member of the organization.
    Entra(Arc<dyn TokenCredential>),
}

impl DevOpsCredential {
    /// A PAT credential; an empty token is refused.
    pub fn pat(token: impl Into<String>) -> Result<Self, Error> {
        let token = token.into();
        if token.trim().is_empty() {
            return Err(Error::invalid_input(
                "PAT",
                "is empty; expected a personal access token",
            ));
        }
        Ok(DevOpsCredential::Pat(Secret::new(token.trim().to_owned())))
    }

    /// A token to hand to a child process (`config.sh` reads it from `VSTS_AGENT_INPUT_TOKEN`):
    /// the PAT, or a token fetched now from the Entra credential (tokens last about an hour, so
    /// each call asks the credential again rather than reusing an old one).
    pub async fn token(&self) -> Result<Secret, Error> {
        match self {
            DevOpsCredential::Pat(pat) => Ok(pat.clone()),
            DevOpsCredential::Entra(credential) => credential
                .get_token(&[AZURE_DEVOPS_SCOPE], None)
                .await
                .map(|token| token.token)
                .map_err(|source| {
                    Error::Request(arm_core::Error::Credential {
                        scope: AZURE_DEVOPS_SCOPE.to_owned(),
                        source: Box::new(source),
                    })
                }),
        }
    }

    /// The per-try policy that authenticates requests.
    pub(crate) fn policy(&self) -> Arc<dyn Policy> {
        match self {
            DevOpsCredential::Pat(pat) => Arc::new(BasicPatPolicy::new(pat)),
            DevOpsCredential::Entra(credential) => Arc::new(BearerTokenAuthorizationPolicy::new(
                credential.clone(),
                [AZURE_DEVOPS_SCOPE],
            )),
        }
    }
}

/// Sets `Authorization: Basic base64(":" + PAT)` on every try.
#[derive(Debug)]
struct BasicPatPolicy {
    header: Secret,
}

impl BasicPatPolicy {
    fn new(pat: &Secret) -> Self {
        let encoded = base64::engine::general_purpose::STANDARD.encode(format!(":{}", pat.secret()));
        Self {
            header: Secret::new(format!("Basic {encoded}")),
        }
    }
}

// azure_core's `Policy` trait spells the context type with an elided lifetime.
#[allow(elided_lifetimes_in_paths)]
#[async_trait]
impl Policy for BasicPatPolicy {
    async fn send(&self, ctx: &Context, request: &mut Request, next: &[Arc<dyn Policy>]) -> PolicyResult {
        request.insert_header("authorization", self.header.secret().to_owned());
        next[0].send(ctx, request, &next[1..]).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_pat() {
        let credential = DevOpsCredential::pat("supersecretpat").unwrap();
        let policy = BasicPatPolicy::new(match &credential {
            DevOpsCredential::Pat(p) => p,
            DevOpsCredential::Entra(_) => unreachable!(),
        });
        for text in [format!("{credential:?}"), format!("{policy:?}")] {
            assert!(!text.contains("supersecretpat"), "{text}");
            assert!(!text.contains("OnN1cGVyc2VjcmV0cGF0"), "{text}");
        }
    }

    #[test]
    fn empty_pat_is_refused() {
        let message = DevOpsCredential::pat("  ").unwrap_err().to_string();
        assert_eq!(message, "PAT: is empty; expected a personal access token");
    }
}
