//! Image names given to a build (`-t`), checked as docker references before anything is sent.
//!
//! The grammar is the one of `github.com/distribution/reference` (`reference.go`), which
//! docker and ACR use: `[domain[:port]/]path[:tag][@digest]`, path components of lowercase
//! letters and digits joined by `.`, `_`, `__` or dashes, a tag of at most 128 word characters,
//! dots and dashes not starting with either, a digest `algorithm:hex` of at least 32 hex
//! digits, a name of at most 255 characters. ACR Tasks expand Go-template placeholders in
//! image names (`myimage:{{.Run.ID}}`, learn.microsoft.com "ACR Tasks reference: YAML", Run
//! variables); each `{{...}}` is checked as if it were a short valid value (`a0`), since what it
//! expands to is only known to ACR.

use crate::error::Error;

/// The longest repository name, domain included (`NameTotalLengthMax`).
const MAX_NAME: usize = 255;
/// The longest tag.
const MAX_TAG: usize = 128;
/// What a template placeholder stands for while checking.
const PLACEHOLDER: &str = "a0";

/// Checks `image` (the value of `--image`) as a docker reference.
///
/// ```
/// use acr_agentpool::flow::validate_image_name;
///
/// assert!(validate_image_name("myregistry.azurecr.io/team/app:{{.Run.ID}}").is_ok());
/// assert!(validate_image_name("app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef").is_ok());
/// let error = validate_image_name("Team/App:latest").unwrap_err().to_string();
/// assert!(error.starts_with("invalid --image: \"Team/App:latest\""), "{error}");
/// ```
pub fn validate_image_name(image: &str) -> Result<(), Error> {
    check(image).map_err(|rule| Error::invalid("--image", format!("{image:?} is not a docker reference: {rule}")))
}

fn check(image: &str) -> Result<(), String> {
    let expanded = expand_placeholders(image)?;
    if expanded.is_empty() {
        return Err("it is empty; expected [registry/]repository[:tag]".to_owned());
    }
    let (rest, digest) = match expanded.split_once('@') {
        Some((rest, digest)) => (rest, Some(digest)),
        None => (expanded.as_str(), None),
    };
    if let Some(digest) = digest {
        check_digest(digest)?;
    }
    let slash = rest.rfind('/').map_or(0, |at| at + 1);
    let (name, tag) = match rest[slash..].find(':') {
        Some(colon) => (&rest[..slash + colon], Some(&rest[slash + colon + 1..])),
        None => (rest, None),
    };
    if let Some(tag) = tag {
        check_tag(tag)?;
    }
    check_name(name)
}

/// `image` with every `{{...}}` replaced by [`PLACEHOLDER`].
fn expand_placeholders(image: &str) -> Result<String, String> {
    let mut expanded = String::with_capacity(image.len());
    let mut rest = image;
    while let Some(open) = rest.find("{{") {
        expanded.push_str(&rest[..open]);
        let Some(close) = rest[open..].find("}}") else {
            return Err("a `{{` placeholder is not closed with `}}`".to_owned());
        };
        expanded.push_str(PLACEHOLDER);
        rest = &rest[open + close + 2..];
    }
    expanded.push_str(rest);
    Ok(expanded)
}

fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("the repository name is empty".to_owned());
    }
    if name.len() > MAX_NAME {
        return Err(format!(
            "the name is {} characters long, at most {MAX_NAME} are allowed",
            name.len()
        ));
    }
    let mut components: Vec<&str> = name.split('/').collect();
    // The first of several components may be a registry (`host[:port]`), which may hold
    // upper-case letters and a port; otherwise it is a path component like the others.
    if components.len() > 1 && !is_path_component(components[0]) {
        let domain = components.remove(0);
        if !is_domain(domain) {
            return Err(format!(
                "{domain:?} is neither a registry host[:port] nor a lowercase repository component"
            ));
        }
    }
    match components.iter().find(|c| !is_path_component(c)) {
        Some(bad) => Err(format!(
            "the repository component {bad:?} must be lowercase letters and digits, \
             separated by '.', '_', '__' or '-' (not at its start or end)"
        )),
        None => Ok(()),
    }
}

/// `[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*`.
fn is_path_component(component: &str) -> bool {
    let bytes = component.as_bytes();
    let alnum = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    if bytes.is_empty() || !alnum(&bytes[0]) || !alnum(&bytes[bytes.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < bytes.len() {
        if alnum(&bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && !alnum(&bytes[i]) {
            i += 1;
        }
        let separator = &component[start..i];
        let valid = matches!(separator, "." | "_" | "__") || separator.bytes().all(|b| b == b'-');
        if !valid {
            return false;
        }
    }
    true
}

/// A host name (labels of letters, digits and inner dashes, separated by dots), an IPv4
/// address or a bracketed IPv6 address, with an optional numeric port.
fn is_domain(domain: &str) -> bool {
    let port_ok = |port: &str| !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit());
    if let Some(inner) = domain.strip_prefix('[') {
        let Some((address, after)) = inner.split_once(']') else {
            return false;
        };
        return address.parse::<std::net::Ipv6Addr>().is_ok()
            && (after.is_empty() || after.strip_prefix(':').is_some_and(port_ok));
    }
    let (host, port) = domain.split_once(':').unwrap_or((domain, "0"));
    let label_ok = |label: &str| {
        let bytes = label.as_bytes();
        !bytes.is_empty()
            && bytes[0].is_ascii_alphanumeric()
            && bytes[bytes.len() - 1].is_ascii_alphanumeric()
            && bytes.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-')
    };
    port_ok(port) && host.split('.').all(label_ok)
}

/// `[\w][\w.-]{0,127}`.
fn check_tag(tag: &str) -> Result<(), String> {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let valid = tag.len() <= MAX_TAG
        && tag.chars().next().is_some_and(word)
        && tag.chars().all(|c| word(c) || c == '.' || c == '-');
    if valid {
        Ok(())
    } else {
        Err(format!(
            "the tag {tag:?} must be 1 to {MAX_TAG} letters, digits, '_', '.' or '-', not starting with '.' or '-'"
        ))
    }
}

/// `[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}`.
fn check_digest(digest: &str) -> Result<(), String> {
    let invalid = || {
        format!("the digest {digest:?} must be algorithm:hex with at least 32 hex digits, e.g. sha256:<64 hex digits>")
    };
    let (algorithm, hex) = digest.split_once(':').ok_or_else(invalid)?;
    let algorithm_ok = algorithm.split(['-', '_', '+', '.']).all(|part| {
        part.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) && part.chars().all(|c| c.is_ascii_alphanumeric())
    });
    if algorithm_ok && hex.len() >= 32 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
        Ok(())
    } else {
        Err(invalid())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIGEST: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn references_docker_accepts_are_accepted() {
        let digested = format!("app@{DIGEST}");
        let tagged_digested = format!("reg.azurecr.io/app:1.0@{DIGEST}");
        for image in [
            "app",
            "app:latest",
            "team/app:v1.2.3-rc_1",
            "myregistry.azurecr.io/team/app:1",
            "localhost:5000/app",
            "MyRegistry.azurecr.io/app",
            "127.0.0.1:5000/a/b/c",
            "[::1]:5000/app:x",
            "a.b_c__d---e/f",
            "app:{{.Run.ID}}",
            "{{.Run.Registry}}/app:{{.Run.ID}}-{{.Run.Date}}",
            &digested,
            &tagged_digested,
        ] {
            assert_eq!(check(image), Ok(()), "{image}");
        }
    }

    #[test]
    fn references_docker_refuses_are_refused_with_the_rule() {
        let long = format!("{}:x", "a".repeat(256));
        let long_tag = format!("app:{}", "t".repeat(129));
        for (image, rule) in [
            ("", "empty"),
            ("App", "lowercase"),
            ("team/App", "lowercase"),
            ("app:", "tag"),
            ("app:-x", "tag"),
            ("app:a b", "tag"),
            (long_tag.as_str(), "tag"),
            ("app@sha256:abc", "digest"),
            ("app@:0123456789abcdef0123456789abcdef", "digest"),
            ("-app", "lowercase"),
            ("app-", "lowercase"),
            ("a..b", "lowercase"),
            ("a//b", "lowercase"),
            ("/app", "neither a registry"),
            ("[::1/app", "neither a registry"),
            ("bad_host:port/app", "neither a registry"),
            ("app:{{.Run.ID", "not closed"),
            (long.as_str(), "255"),
        ] {
            let error = check(image).expect_err(image);
            assert!(error.contains(rule), "{image}: {error}");
        }
    }

    #[test]
    fn the_error_names_the_flag_and_the_value() {
        let error = validate_image_name("App").unwrap_err().to_string();
        assert!(
            error.starts_with("invalid --image: \"App\" is not a docker reference: "),
            "{error}"
        );
        assert!(!error.contains('\n'));
    }
}
