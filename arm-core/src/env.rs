//! Where configuration variables come from (the process environment, or a map in tests), and
//! the parsers of the values that every crate reads: GUIDs, tenants and durations.

use crate::error::ConfigError;
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

/// A source of environment variables.
///
/// Configuration readers take a `&dyn EnvSource` so that they can be driven from a map in
/// tests and in tools that keep settings elsewhere. Empty values count as unset.
pub trait EnvSource {
    /// The value of `name`, or `None` when it is unset or empty.
    fn var(&self, name: &str) -> Option<String>;
}

/// The environment of the current process.
#[derive(Clone, Copy, Debug, Default)]
pub struct ProcessEnv;

impl EnvSource for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.trim().is_empty())
    }
}

impl EnvSource for HashMap<String, String> {
    fn var(&self, name: &str) -> Option<String> {
        self.get(name).filter(|v| !v.trim().is_empty()).cloned()
    }
}

impl EnvSource for BTreeMap<String, String> {
    fn var(&self, name: &str) -> Option<String> {
        self.get(name).filter(|v| !v.trim().is_empty()).cloned()
    }
}

/// Whether `value` is a GUID: 8-4-4-4-12 hexadecimal digits, as Entra ID writes tenant,
/// application (client) and object ids.
///
/// ```
/// assert!(arm_core::is_guid("72f988bf-86f1-41af-91ab-2d7cd011db47"));
/// assert!(!arm_core::is_guid("72f988bf-86f1-41af-91ab-2d7cd011db4"));
/// ```
pub fn is_guid(value: &str) -> bool {
    let parts: Vec<&str> = value.split('-').collect();
    parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12]) && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_hexdigit()))
}

/// Whether `value` names an Entra ID tenant, by the one rule of this workspace.
///
/// Entra ID takes a tenant in its authority URL as the tenant id (a GUID) or as one of the
/// tenant's verified domain names: its initial `contoso.onmicrosoft.com` or a custom domain
/// such as `contoso.com`. A domain name here is two or more dot-separated labels of 1 to 63
/// letters, digits and hyphens (not at either end of a label), at most 253 characters. A bare
/// word without a dot (`contoso`) is neither: Entra ID answers it with an unknown tenant, so it
/// is refused before any request. The multi-tenant aliases (`common`, `organizations`,
/// `consumers`) are not tenants either: a service principal, workload identity or CLI login
/// needs its own tenant.
///
/// ```
/// assert!(arm_core::is_tenant("72f988bf-86f1-41af-91ab-2d7cd011db47"));
/// assert!(arm_core::is_tenant("contoso.onmicrosoft.com"));
/// assert!(arm_core::is_tenant("contoso.com"));
/// assert!(!arm_core::is_tenant("contoso"));
/// assert!(!arm_core::is_tenant("common"));
/// assert!(!arm_core::is_tenant("contoso..com"));
/// ```
pub fn is_tenant(value: &str) -> bool {
    let label = |label: &str| {
        (1..=63).contains(&label.len())
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    let domain = value.len() <= 253 && value.contains('.') && value.split('.').all(label);
    is_guid(value) || domain
}

/// Parses the duration in `variable`: a number of seconds, or a number with `s`, `m` or `h`;
/// more than zero and at most `max`. The error names `variable`.
///
/// ```
/// use std::time::Duration;
///
/// let max = Duration::from_secs(3600);
/// assert_eq!(arm_core::parse_duration("TIMEOUT", "90m", Duration::MAX)?, Duration::from_secs(5400));
/// assert_eq!(arm_core::parse_duration("TIMEOUT", "25", max)?, Duration::from_secs(25));
/// let error = arm_core::parse_duration("TIMEOUT", "2d", max).unwrap_err();
/// assert_eq!(
///     error.to_string(),
///     "TIMEOUT: '2d' is not a duration between 1 s and 3600 s; expected seconds, or a number with s, m or h (e.g. 30s, 90m, 2h)"
/// );
/// # Ok::<(), arm_core::ConfigError>(())
/// ```
pub fn parse_duration(variable: &str, value: &str, max: Duration) -> Result<Duration, ConfigError> {
    let value = value.trim();
    let (number, unit) = match value.find(|c: char| !c.is_ascii_digit()) {
        Some(at) => value.split_at(at),
        None => (value, "s"),
    };
    let seconds = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        _ => 0,
    };
    let parsed = number.parse::<u64>().ok().filter(|_| seconds > 0);
    match parsed.map(|n| Duration::from_secs(n.saturating_mul(seconds))) {
        Some(d) if !d.is_zero() && d <= max => Ok(d),
        _ => Err(ConfigError::new(
            variable,
            format!(
                "'{value}' is not a duration between 1 s and {} s; expected seconds, or a number with s, m or h (e.g. 30s, 90m, 2h)",
                max.as_secs()
            ),
        )),
    }
}

/// The duration in `variable` (see [`parse_duration`]), `default` when it is unset.
pub fn duration_var(
    env: &dyn EnvSource,
    variable: &str,
    default: Duration,
    max: Duration,
) -> Result<Duration, ConfigError> {
    env.var(variable)
        .map_or(Ok(default), |value| parse_duration(variable, &value, max))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        let max = Duration::from_secs(3600);
        assert_eq!(parse_duration("X", "25", max).unwrap(), Duration::from_secs(25));
        assert_eq!(parse_duration("X", "2m", max).unwrap(), Duration::from_secs(120));
        assert_eq!(parse_duration("X", "1h", max).unwrap(), max);
        assert_eq!(
            parse_duration("X", &format!("{}h", u64::MAX), Duration::MAX).unwrap(),
            Duration::from_secs(u64::MAX),
            "saturates"
        );
        for bad in ["0", "-5", "abc", "2d", "61m", "1.5s", "", "h"] {
            let error = parse_duration("X", bad, max).unwrap_err();
            assert_eq!(error.variable, "X", "{bad}");
        }
        let env: HashMap<String, String> = [("X".to_owned(), "3m".to_owned())].into();
        assert_eq!(duration_var(&env, "X", max, max).unwrap(), Duration::from_secs(180));
        assert_eq!(duration_var(&env, "Y", max, max).unwrap(), max);
    }

    #[test]
    fn guids_and_tenants() {
        assert!(is_guid("72F988BF-86f1-41af-91ab-2d7cd011db47"));
        for not_guid in [
            "72f988bf-86f1-41af-91ab-2d7cd011db4",
            "72f988bf86f141af91ab2d7cd011db47",
            "g2f988bf-86f1-41af-91ab-2d7cd011db47",
            "",
        ] {
            assert!(!is_guid(not_guid), "{not_guid}");
        }
        for tenant in [
            "72f988bf-86f1-41af-91ab-2d7cd011db47",
            "contoso.onmicrosoft.com",
            "contoso.com",
            "x-1.contoso.co.uk",
        ] {
            assert!(is_tenant(tenant), "{tenant}");
        }
        let long_label = format!("{}.com", "a".repeat(64));
        let too_long = format!("{}.com", vec!["a".repeat(60); 5].join("."));
        for not_tenant in [
            "contoso",
            "common",
            "organizations",
            "t",
            "",
            ".com",
            "contoso.",
            "contoso..com",
            "-contoso.com",
            "contoso-.com",
            "con toso.com",
            "contoso.com/x",
            "not a tenant!",
            &long_label,
            &too_long,
        ] {
            assert!(!is_tenant(not_tenant), "{not_tenant}");
        }
    }
}
