//! Which credential a request presents: the `Authorization` header (learn.microsoft.com
//! "Authorize with Shared Key": `Authorization="SharedKey <AccountName>:<Signature>"`;
//! "Authorize with Microsoft Entra ID": `Authorization: Bearer <token>`) or a SAS in the query
//! (its `sig` parameter, "Create a service SAS").

use super::SignedRequest;
use crate::redact::REDACTED;

/// The credential a request presents.
pub(crate) enum Presented {
    /// No `Authorization` header and no `sig`: anonymous.
    None,
    /// Any `Authorization` header other than `Bearer`: `SharedKey`, and also `SharedKeyLite` or
    /// an unknown scheme, which [`super::verify_shared_key`] refuses with a clear detail.
    SharedKey,
    /// A SAS (`sig` in the query, no `Authorization` header).
    Sas,
    /// An Entra ID token.
    Bearer(String /* token */),
}

impl std::fmt::Debug for Presented {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Presented::None => f.write_str("None"),
            Presented::SharedKey => f.write_str("SharedKey"),
            Presented::Sas => f.write_str("Sas"),
            Presented::Bearer(_) => f.debug_tuple("Bearer").field(&REDACTED).finish(),
        }
    }
}

/// What `req` presents. The `Authorization` header wins over a `sig` in the query (an emulator
/// choice: a request carrying both is authorized by its header, which is what the client asked
/// its pipeline to sign with).
pub(crate) fn presented(req: &SignedRequest<'_>) -> Presented {
    if let Some(authorization) = req.headers.get(hyper::header::AUTHORIZATION) {
        let text = authorization.to_str().unwrap_or_default().trim();
        let (scheme, rest) = text.split_once(' ').unwrap_or((text, ""));
        return if scheme.eq_ignore_ascii_case("Bearer") {
            Presented::Bearer(rest.trim().to_owned())
        } else {
            Presented::SharedKey
        };
    }
    if req.query_value("sig").is_some() {
        Presented::Sas
    } else {
        Presented::None
    }
}

#[cfg(test)]
mod tests {
    use super::{Presented, presented};
    use crate::blob::auth::test_support::Request;

    #[test]
    fn the_header_then_the_query_decide() {
        let none = Request::get("/acct/c/b");
        assert!(matches!(presented(&none.signed()), Presented::None));

        let shared_key = Request::get("/acct/c/b").header("authorization", "SharedKey acct:c2ln");
        assert!(matches!(presented(&shared_key.signed()), Presented::SharedKey));
        let lite = Request::get("/acct/c/b").header("authorization", "SharedKeyLite acct:c2ln");
        assert!(matches!(presented(&lite.signed()), Presented::SharedKey));

        let bearer = Request::get("/acct/c/b").header("authorization", "Bearer eyJ0");
        let Presented::Bearer(token) = presented(&bearer.signed()) else {
            panic!("not bearer");
        };
        assert_eq!(token, "eyJ0");
        assert_eq!(format!("{:?}", Presented::Bearer(token)), "Bearer(\"<redacted>\")");

        let sas = Request::get("/acct/c/b").query("sv", "2020-12-06").query("sig", "c2ln");
        assert!(matches!(presented(&sas.signed()), Presented::Sas));
        let both = sas.header("authorization", "Bearer t");
        assert!(matches!(presented(&both.signed()), Presented::Bearer(_)));
    }
}
