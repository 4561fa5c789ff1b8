//! Agent package platforms.

use crate::error::Error;

/// A platform of the Azure Pipelines agent packages (`platform=` of the packages route).
///
/// ```
/// use azp_agent::Platform;
///
/// assert_eq!("linux-arm64".parse::<Platform>()?, Platform::LinuxArm64);
/// assert!("linux-sparc".parse::<Platform>().is_err());
/// # Ok::<(), azp_agent::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Platform {
    /// `linux-x64`.
    LinuxX64,
    /// `linux-arm64`.
    LinuxArm64,
    /// `linux-arm` (32-bit).
    LinuxArm,
    /// `linux-musl-x64` (Alpine).
    LinuxMuslX64,
    /// `linux-musl-arm64` (Alpine).
    LinuxMuslArm64,
    /// `osx-x64`.
    OsxX64,
    /// `osx-arm64`.
    OsxArm64,
    /// `win-x64`.
    WinX64,
    /// `win-x86`.
    WinX86,
    /// `win-arm64`.
    WinArm64,
}

const ALL: [Platform; 10] = [
    Platform::LinuxX64,
    Platform::LinuxArm64,
    Platform::LinuxArm,
    Platform::LinuxMuslX64,
    Platform::LinuxMuslArm64,
    Platform::OsxX64,
    Platform::OsxArm64,
    Platform::WinX64,
    Platform::WinX86,
    Platform::WinArm64,
];

impl Platform {
    /// The name the packages route uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::LinuxX64 => "linux-x64",
            Platform::LinuxArm64 => "linux-arm64",
            Platform::LinuxArm => "linux-arm",
            Platform::LinuxMuslX64 => "linux-musl-x64",
            Platform::LinuxMuslArm64 => "linux-musl-arm64",
            Platform::OsxX64 => "osx-x64",
            Platform::OsxArm64 => "osx-arm64",
            Platform::WinX64 => "win-x64",
            Platform::WinX86 => "win-x86",
            Platform::WinArm64 => "win-arm64",
        }
    }

    /// Whether packages of this platform are zip archives (Windows) rather than `.tar.gz`.
    pub fn is_windows(self) -> bool {
        matches!(self, Platform::WinX64 | Platform::WinX86 | Platform::WinArm64)
    }

    /// The platform of the running process, if the agent supports it. On Linux, musl is
    /// detected from the C library the process was built against.
    pub fn current() -> Option<Platform> {
        let musl = cfg!(target_env = "musl");
        match (std::env::consts::OS, std::env::consts::ARCH, musl) {
            ("linux", "x86_64", false) => Some(Platform::LinuxX64),
            ("linux", "x86_64", true) => Some(Platform::LinuxMuslX64),
            ("linux", "aarch64", false) => Some(Platform::LinuxArm64),
            ("linux", "aarch64", true) => Some(Platform::LinuxMuslArm64),
            ("linux", "arm", _) => Some(Platform::LinuxArm),
            ("macos", "x86_64", _) => Some(Platform::OsxX64),
            ("macos", "aarch64", _) => Some(Platform::OsxArm64),
            ("windows", "x86_64", _) => Some(Platform::WinX64),
            ("windows", "x86", _) => Some(Platform::WinX86),
            ("windows", "aarch64", _) => Some(Platform::WinArm64),
            _ => None,
        }
    }

    /// Parses a platform name; the error names `input_name` (e.g. `AZP_AGENT_PLATFORM`).
    pub fn parse_named(input_name: &str, value: &str) -> Result<Platform, Error> {
        ALL.into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(value.trim()))
            .ok_or_else(|| {
                let names: Vec<&str> = ALL.iter().map(|p| p.as_str()).collect();
                Error::invalid_input(
                    input_name,
                    format!(
                        "'{value}' is not an agent platform; expected one of {}",
                        names.join(", ")
                    ),
                )
            })
    }
}

impl std::fmt::Display for Platform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Platform {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Self::parse_named("platform", s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for p in ALL {
            assert_eq!(p.as_str().parse::<Platform>().unwrap(), p);
        }
    }

    #[cfg(all(target_os = "linux", target_arch = "x86_64", target_env = "gnu"))]
    #[test]
    fn this_host_is_linux_x64() {
        assert_eq!(Platform::current(), Some(Platform::LinuxX64));
    }

    #[test]
    fn unknown_platform_lists_the_known_ones() {
        let message = Platform::parse_named("AZP_AGENT_PLATFORM", "linux-sparc")
            .unwrap_err()
            .to_string();
        assert!(
            message.starts_with("AZP_AGENT_PLATFORM: 'linux-sparc' is not an agent platform"),
            "{message}"
        );
        assert!(message.contains("linux-musl-x64"), "{message}");
    }
}
