//! The errors Blob authentication and SAS authorization answer, with Azure Storage's codes and
//! messages (learn.microsoft.com "Status and error codes" and "Blob service error codes",
//! Storage REST reference).
//!
//! "Verified" means the code and wording were read in Microsoft's documentation or in captured
//! Storage responses; "emulator choice" means they could not be confirmed and the most plausible
//! ones were picked. No constructor takes a key or a presented signature: details name what was
//! compared (a string-to-sign, times), never a secret.

/// Storage's message for every `AuthenticationFailed` (verified).
const AUTHENTICATION_FAILED_MESSAGE: &str = "Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.";

/// An authentication or authorization failure, ready for Storage's XML error body
/// (`<Code>`, `<Message>`, `<AuthenticationErrorDetail>`) and `x-ms-error-code`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct AuthError {
    /// The HTTP status.
    pub status: u16,
    /// The error code (also `x-ms-error-code`).
    pub code: &'static str,
    /// The message, before the `RequestId`/`Time` lines Storage appends.
    pub message: String,
    /// `AuthenticationErrorDetail`: why authentication failed (never a key or a signature).
    pub detail: Option<String>,
}

impl AuthError {
    fn new(status: u16, code: &'static str, message: &str) -> AuthError {
        AuthError {
            status,
            code,
            message: message.to_owned(),
            detail: None,
        }
    }

    /// 403 `AuthenticationFailed` with `detail` (verified code, status and message).
    pub fn authentication_failed(detail: impl Into<String>) -> AuthError {
        AuthError {
            detail: Some(detail.into()),
            ..AuthError::new(403, "AuthenticationFailed", AUTHENTICATION_FAILED_MESSAGE)
        }
    }

    /// 403 `AuthenticationFailed` for an operation that only takes Entra ID (Get User
    /// Delegation Key with a Shared Key or a SAS). Detail as Azurite words it: "Only
    /// authentication scheme Bearer is supported".
    pub fn bearer_required() -> AuthError {
        AuthError::authentication_failed("Only authentication scheme Bearer is supported")
    }

    /// 403 `KeyBasedAuthenticationNotPermitted`: Shared Key or an account-key SAS on an account
    /// with `allowSharedKeyAccess: false`. Verified: "Key based authentication is not permitted
    /// on this storage account."
    pub fn key_based_not_permitted() -> AuthError {
        AuthError::new(
            403,
            "KeyBasedAuthenticationNotPermitted",
            "Key based authentication is not permitted on this storage account.",
        )
    }

    /// 403 `AuthorizationPermissionMismatch` (verified): the SAS's `sp` lacks what the
    /// operation needs.
    pub fn permission_mismatch() -> AuthError {
        AuthError::new(
            403,
            "AuthorizationPermissionMismatch",
            "This request is not authorized to perform this operation using this permission.",
        )
    }

    /// 403 `AuthorizationProtocolMismatch` (verified): `spr=https` used over http.
    pub fn protocol_mismatch() -> AuthError {
        AuthError::new(
            403,
            "AuthorizationProtocolMismatch",
            "This request is not authorized to perform this operation using this protocol.",
        )
    }

    /// 403 `AuthorizationServiceMismatch` (verified): an account SAS whose `ss` lacks `b`.
    pub fn service_mismatch() -> AuthError {
        AuthError::new(
            403,
            "AuthorizationServiceMismatch",
            "This request is not authorized to perform this operation using this service.",
        )
    }

    /// 403 `AuthorizationResourceTypeMismatch` (verified): an account SAS whose `srt` lacks the
    /// operation's resource type, or a blob SAS (`sr=b`) used for a container operation.
    pub fn resource_type_mismatch() -> AuthError {
        AuthError::new(
            403,
            "AuthorizationResourceTypeMismatch",
            "This request is not authorized to perform this operation using this resource type.",
        )
    }

    /// 403 `AuthorizationFailure` (verified code and message): a SAS used for another
    /// container or blob than the one it was signed for.
    pub fn authorization_failure() -> AuthError {
        AuthError::new(
            403,
            "AuthorizationFailure",
            "This request is not authorized to perform this operation.",
        )
    }

    /// 400 `InvalidXmlNodeValue` for a Get User Delegation Key body whose `Start` or `Expiry`
    /// Azure would not take. Code and message are Storage's common ones (verified); which code
    /// the service picks for each of these cases is an emulator choice. The detail names the
    /// node and the rule.
    pub fn invalid_xml_node_value(detail: impl Into<String>) -> AuthError {
        AuthError {
            detail: Some(detail.into()),
            ..AuthError::new(
                400,
                "InvalidXmlNodeValue",
                "The value for one of the XML nodes is not in the correct format.",
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::AuthError;

    #[test]
    fn every_constructor_has_azure_s_status_and_code() {
        let cases = [
            (AuthError::authentication_failed("d"), 403, "AuthenticationFailed"),
            (AuthError::bearer_required(), 403, "AuthenticationFailed"),
            (
                AuthError::key_based_not_permitted(),
                403,
                "KeyBasedAuthenticationNotPermitted",
            ),
            (AuthError::permission_mismatch(), 403, "AuthorizationPermissionMismatch"),
            (AuthError::protocol_mismatch(), 403, "AuthorizationProtocolMismatch"),
            (AuthError::service_mismatch(), 403, "AuthorizationServiceMismatch"),
            (
                AuthError::resource_type_mismatch(),
                403,
                "AuthorizationResourceTypeMismatch",
            ),
            (AuthError::authorization_failure(), 403, "AuthorizationFailure"),
            (AuthError::invalid_xml_node_value("d"), 400, "InvalidXmlNodeValue"),
        ];
        for (error, status, code) in cases {
            assert_eq!((error.status, error.code), (status, code));
            assert!(error.message.ends_with('.'), "{}", error.message);
        }
        assert_eq!(
            AuthError::key_based_not_permitted().message,
            "Key based authentication is not permitted on this storage account."
        );
        assert_eq!(AuthError::authentication_failed("why").detail.as_deref(), Some("why"));
    }
}
