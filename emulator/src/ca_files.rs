//! The CA files a started emulator writes to its state directory: `ca.pem` (its CA alone) and
//! `ca-bundle.pem` (the system's trusted roots followed by its CA), so that pointing a process's
//! whole trust store (`SSL_CERT_FILE`) at the emulator does not make it distrust everything else.

use std::path::{Path, PathBuf};

use crate::error::Error;

/// Where distributions keep their bundle of trusted roots; the first one that can be read is used.
const SYSTEM_BUNDLES: &[&str] = &[
    // Debian, Ubuntu, Alpine, Arch
    "/etc/ssl/certs/ca-certificates.crt",
    // RHEL, Fedora, CentOS
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
    // openSUSE
    "/etc/ssl/ca-bundle.pem",
    // Alpine, the BSDs, macOS
    "/etc/ssl/cert.pem",
];

/// Paths of the written files.
pub(crate) struct CaFiles {
    /// `ca.pem`: the emulator's CA alone.
    pub ca: PathBuf,
    /// `ca-bundle.pem`: the system's roots (when found) and the emulator's CA.
    pub bundle: PathBuf,
}

/// Writes `ca.pem` and `ca-bundle.pem` into `dir` (which exists).
pub(crate) fn write(dir: &Path, ca_pem: &str) -> Result<CaFiles, Error> {
    let files = CaFiles {
        ca: dir.join("ca.pem"),
        bundle: dir.join("ca-bundle.pem"),
    };
    let candidates: Vec<&Path> = SYSTEM_BUNDLES.iter().map(Path::new).collect();
    for (path, contents) in [
        (&files.ca, ca_pem.as_bytes().to_vec()),
        (&files.bundle, bundle(&candidates, ca_pem)),
    ] {
        std::fs::write(path, contents).map_err(|source| Error::StateDir {
            path: path.clone(),
            source,
        })?;
    }
    Ok(files)
}

/// The first readable file of `candidates`, then `ca_pem` (on a line of its own).
fn bundle(candidates: &[&Path], ca_pem: &str) -> Vec<u8> {
    let mut bundle = candidates
        .iter()
        .find_map(|path| std::fs::read(path).ok())
        .unwrap_or_default();
    if !bundle.is_empty() && !bundle.ends_with(b"\n") {
        bundle.push(b'\n');
    }
    bundle.extend_from_slice(ca_pem.as_bytes());
    bundle
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::bundle;

    const CA: &str = "-----BEGIN CERTIFICATE-----\nemulator\n-----END CERTIFICATE-----\n";

    #[test]
    fn the_first_readable_system_bundle_comes_first() {
        let dir = std::env::temp_dir().join(format!("az-emulator-ca-files-{}", crate::random::uuid()));
        std::fs::create_dir_all(&dir).unwrap();
        let first = dir.join("first.pem");
        let second = dir.join("second.pem");
        std::fs::write(&first, "SYSTEM ROOTS").unwrap();
        std::fs::write(&second, "OTHER ROOTS\n").unwrap();
        let missing = dir.join("missing.pem");
        let found = bundle(&[missing.as_path(), first.as_path(), second.as_path()], CA);
        assert_eq!(String::from_utf8(found).unwrap(), format!("SYSTEM ROOTS\n{CA}"));
        let found = bundle(&[second.as_path()], CA);
        assert_eq!(String::from_utf8(found).unwrap(), format!("OTHER ROOTS\n{CA}"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn without_a_system_bundle_it_is_the_ca_alone() {
        let found = bundle(&[Path::new("/nonexistent/az-emulator/roots.pem")], CA);
        assert_eq!(String::from_utf8(found).unwrap(), CA);
    }
}
