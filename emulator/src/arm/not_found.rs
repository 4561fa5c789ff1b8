//! ARM's answers for paths no resource provider here serves: 404 `InvalidResourceType` in a
//! namespace the emulator serves, 400 `NoRegisteredProviderFound` in one that exists in Azure but
//! is not served (as for a subscription that has not registered it), 400
//! `InvalidResourceNamespace` for one that does not exist.

use hyper::StatusCode;

use super::error::ArmError;
use super::namespaces;

/// The error for a path no route matched; `served` are the namespaces some route serves.
pub(crate) fn unknown_route(segments: &[String], api_version: &str, served: &[&str]) -> ArmError {
    let providers = segments.iter().position(|s| s.eq_ignore_ascii_case("providers"));
    let (namespace, resource_type) = match providers {
        Some(i) if i + 1 < segments.len() => (segments[i + 1].as_str(), segments.get(i + 2).map_or("", String::as_str)),
        _ => {
            let collection = segments
                .len()
                .checked_sub(1)
                .map_or("", |last| segments[last & !1].as_str());
            ("Microsoft.Resources", collection)
        }
    };
    if served.iter().any(|known| known.eq_ignore_ascii_case(namespace)) {
        ArmError::new(
            StatusCode::NOT_FOUND,
            "InvalidResourceType",
            format!(
                "The resource type '{resource_type}' could not be found in the namespace '{namespace}' for api version '{api_version}'."
            ),
        )
    } else if namespaces::exists(namespace) {
        ArmError::bad_request(
            "NoRegisteredProviderFound",
            format!(
                "No registered resource provider found for namespace '{namespace}' and API version '{api_version}' for type '{resource_type}'."
            ),
        )
    } else {
        ArmError::bad_request(
            "InvalidResourceNamespace",
            format!("The resource namespace '{namespace}' is invalid."),
        )
    }
}

#[cfg(test)]
mod tests {
    use hyper::StatusCode;

    use super::unknown_route;

    fn segments(path: &str) -> Vec<String> {
        path.split('/').filter(|s| !s.is_empty()).map(str::to_owned).collect()
    }

    #[test]
    fn served_existing_and_unknown_namespaces() {
        let served = ["Microsoft.Resources"];
        let cases = [
            (
                "/subscriptions/s/foo",
                StatusCode::NOT_FOUND,
                "InvalidResourceType",
                "The resource type 'foo' could not be found in the namespace 'Microsoft.Resources' for api version '2020-01-01'.",
            ),
            (
                "/subscriptions/s/resourceGroups/rg/providers/microsoft.compute/virtualMachines/x",
                StatusCode::BAD_REQUEST,
                "NoRegisteredProviderFound",
                "No registered resource provider found for namespace 'microsoft.compute' and API version '2020-01-01' for type 'virtualMachines'.",
            ),
            (
                "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Foo/bars/x",
                StatusCode::BAD_REQUEST,
                "InvalidResourceNamespace",
                "The resource namespace 'Microsoft.Foo' is invalid.",
            ),
        ];
        for (path, status, code, message) in cases {
            let e = unknown_route(&segments(path), "2020-01-01", &served);
            assert_eq!((e.status, e.code.as_str(), e.message.as_str()), (status, code, message));
        }
    }
}
