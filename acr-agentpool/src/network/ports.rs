//! The port fields of security rules: `*`, `443`, `400-500`.

/// Whether `port` is in the rule's port field `spec`: `*` (every port), one port, or a range
/// `low-high` (both ends included). Anything else matches nothing: Azure refuses such a rule,
/// so a body carrying one was not written by Azure.
pub fn port_matches(spec: &str, port: u16) -> bool {
    let spec = spec.trim();
    if spec == "*" {
        return true;
    }
    match spec.split_once('-') {
        Some((low, high)) => match (low.trim().parse::<u16>(), high.trim().parse::<u16>()) {
            (Ok(low), Ok(high)) => (low..=high).contains(&port),
            _ => false,
        },
        None => spec.parse::<u16>() == Ok(port),
    }
}

/// Whether `port` is in any of the rule's port fields (the single one and the list).
pub fn any_port_matches<'a>(specs: impl IntoIterator<Item = &'a str>, port: u16) -> bool {
    specs.into_iter().any(|spec| port_matches(spec, port))
}

#[cfg(test)]
mod tests {
    use super::{any_port_matches, port_matches};

    #[test]
    fn stars_single_ports_ranges_and_lists() {
        assert!(port_matches("*", 12000));
        assert!(port_matches("443", 443));
        assert!(!port_matches("443", 12000));
        assert!(port_matches("400-500", 443));
        assert!(port_matches("400-500", 500));
        assert!(!port_matches("400-500", 12000));
        assert!(!port_matches("https", 443), "not a port");
        assert!(any_port_matches(["80", "12000"], 12000));
        assert!(!any_port_matches([], 443), "no port field");
    }
}
