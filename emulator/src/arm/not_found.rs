//! ARM's 404 for paths no resource provider serves.

use hyper::StatusCode;

use super::error::ArmError;

/// `InvalidResourceType` for a known namespace, `NoRegisteredProviderFound` for an unknown one.
pub(crate) fn unknown_route(segments: &[String], api_version: &str, namespaces: &[&str]) -> ArmError {
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
    if namespaces.iter().any(|known| known.eq_ignore_ascii_case(namespace)) {
        ArmError::new(
            StatusCode::NOT_FOUND,
            "InvalidResourceType",
            format!(
                "The resource type '{resource_type}' could not be found in the namespace '{namespace}' for api version '{api_version}'."
            ),
        )
    } else {
        ArmError::new(
            StatusCode::NOT_FOUND,
            "NoRegisteredProviderFound",
            format!(
                "No registered resource provider found for namespace '{namespace}' and API version '{api_version}' for type '{resource_type}'."
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::unknown_route;

    fn segments(path: &str) -> Vec<String> {
        path.split('/').filter(|s| !s.is_empty()).map(str::to_owned).collect()
    }

    #[test]
    fn known_and_unknown_namespaces() {
        let known = ["Microsoft.Resources"];
        let e = unknown_route(&segments("/subscriptions/s/foo"), "2020-01-01", &known);
        assert_eq!(e.code, "InvalidResourceType");
        assert!(e.message.contains("'foo'"), "{}", e.message);
        let e = unknown_route(
            &segments("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Foo/bars/x"),
            "2020-01-01",
            &known,
        );
        assert_eq!(e.code, "NoRegisteredProviderFound");
        assert!(e.message.contains("'Microsoft.Foo'"), "{}", e.message);
    }
}
