//! `--platform` parsed as the Azure CLI parses it (Azure/azure-cli `acr/_utils.py`
//! `get_validate_platform`): `os[/architecture[/variant]]`, case-insensitive, the architecture
//! `amd64` when not given, no variant unless given; then refused unless Linux, since agent pools
//! run Linux only (learn.microsoft.com "Run an ACR task on a dedicated agent pool", Preview
//! limitations).

use crate::error::Error;
use crate::model::{Architecture, Os, PlatformProperties, Variant};

/// The architectures the CLI accepts (the spec's `Architecture` values).
const ARCHITECTURES: [&str; 5] = ["amd64", "x86", "386", "arm", "arm64"];
/// The variants the CLI accepts (the spec's `Variant` values).
const VARIANTS: [&str; 3] = ["v6", "v7", "v8"];

/// The platform of a run on an agent pool: `None` or an empty value is `linux/amd64`, as the
/// CLI sends it.
///
/// ```
/// use acr_agentpool::flow::parse_platform;
/// use acr_agentpool::model::{Architecture, Os, Variant};
///
/// let platform = parse_platform(Some("Linux/ARM64/v8"))?;
/// assert_eq!((platform.os, platform.architecture, platform.variant), (Os::Linux, Some(Architecture::Arm64), Some(Variant::V8)));
/// assert_eq!(parse_platform(None)?.architecture, Some(Architecture::Amd64));
/// assert!(parse_platform(Some("windows")).is_err());
/// # Ok::<(), acr_agentpool::Error>(())
/// ```
pub fn parse_platform(platform: Option<&str>) -> Result<PlatformProperties, Error> {
    let value = platform.unwrap_or("").trim();
    let invalid = |message: String| Error::invalid("--platform", format!("{value:?} {message}"));
    let parts: Vec<String> = if value.is_empty() {
        Vec::new()
    } else {
        value.split('/').map(str::to_ascii_lowercase).collect()
    };
    if parts.len() > 3 {
        return Err(invalid(
            "has more than three parts; expected os[/architecture[/variant]], e.g. linux/arm64/v8".to_owned(),
        ));
    }
    let os = parts.first().map_or("linux", String::as_str);
    let architecture = parts.get(1).map_or("amd64", String::as_str);
    let variant = parts.get(2).map(String::as_str);
    match os {
        "linux" => {}
        "windows" => {
            return Err(invalid(
                "names Windows; agent pools run Linux only, expected linux[/architecture[/variant]]".to_owned(),
            ));
        }
        other => return Err(invalid(format!("names the OS {other:?}; expected linux"))),
    }
    if !ARCHITECTURES.contains(&architecture) {
        return Err(invalid(format!(
            "names the architecture {architecture:?}; expected one of {}",
            ARCHITECTURES.join(", ")
        )));
    }
    if let Some(variant) = variant.filter(|v| !VARIANTS.contains(v)) {
        return Err(invalid(format!(
            "names the variant {variant:?}; expected one of {}",
            VARIANTS.join(", ")
        )));
    }
    Ok(PlatformProperties {
        os: Os::Linux,
        architecture: Some(Architecture::from(architecture)),
        variant: variant.map(Variant::from),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cli_forms_are_parsed() {
        for (input, architecture, variant) in [
            (None, Architecture::Amd64, None),
            (Some(""), Architecture::Amd64, None),
            (Some("linux"), Architecture::Amd64, None),
            (Some("LINUX/AMD64"), Architecture::Amd64, None),
            (Some("linux/arm64/v8"), Architecture::Arm64, Some(Variant::V8)),
            (Some("linux/arm/v7"), Architecture::Arm, Some(Variant::V7)),
            (Some("linux/386"), Architecture::I386, None),
        ] {
            let platform = parse_platform(input).expect("valid");
            assert_eq!(platform.os, Os::Linux);
            assert_eq!(platform.architecture, Some(architecture), "{input:?}");
            assert_eq!(platform.variant, variant, "{input:?}");
        }
    }

    #[test]
    fn other_forms_are_refused_with_the_rule() {
        for (input, rule) in [
            ("windows", "Linux only"),
            ("windows/amd64", "Linux only"),
            ("darwin", "expected linux"),
            ("linux/sparc", "architecture \"sparc\""),
            ("linux/arm64/v9", "variant \"v9\""),
            ("linux/arm64/v8/x", "more than three parts"),
            ("linux/", "architecture \"\""),
        ] {
            let error = parse_platform(Some(input)).unwrap_err().to_string();
            assert!(error.starts_with("invalid --platform: "), "{error}");
            assert!(error.contains(rule), "{input}: {error}");
        }
    }
}
