//! Azurite (npm package `azurite`), the referee of the Blob conformance suite: started on
//! loopback over HTTPS with OAuth, killed on drop.
//!
//! The executable is `$AZURITE_BLOB` (what `.ci/run` installs), else `azurite-blob` on `PATH`.

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

/// Azurite's well-known account.
pub const ACCOUNT: &str = "devstoreaccount1";

/// A running Azurite Blob service.
pub struct Azurite {
    child: tokio::process::Child,
    /// `https://127.0.0.1:PORT/devstoreaccount1/`.
    pub blob_endpoint: String,
    /// The PEM of the CA that signed Azurite's certificate.
    pub ca_pem: String,
    _dir: TempDir,
}

impl Azurite {
    /// The Azurite executable, if there is one.
    pub fn executable() -> Option<PathBuf> {
        if let Some(path) = std::env::var_os("AZURITE_BLOB").filter(|p| !p.is_empty()) {
            return Some(PathBuf::from(path));
        }
        std::env::var_os("PATH")?
            .to_str()?
            .split(':')
            .map(|dir| Path::new(dir).join("azurite-blob"))
            .find(|candidate| candidate.is_file())
    }

    /// Starts `executable` on a free loopback port with a fresh certificate, OAuth (`basic`:
    /// Azurite checks a token's audience, issuer and times, not its signature) and
    /// `--skipApiVersionCheck` (Azurite 3.35 knows versions up to 2025-11-05; azure_storage_blob
    /// 1.1 sends 2026-04-06), and waits until it answers.
    pub async fn start(executable: &Path) -> Azurite {
        let dir = TempDir::new("azurite");
        let (ca_pem, cert_pem, key_pem) = certificates();
        let cert = dir.0.join("cert.pem");
        let key = dir.0.join("key.pem");
        std::fs::write(&cert, cert_pem).unwrap();
        std::fs::write(&key, key_pem).unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = tokio::process::Command::new(executable)
            .args(["--blobHost", "127.0.0.1", "--blobPort", &port.to_string()])
            .args([
                "--oauth",
                "basic",
                "--skipApiVersionCheck",
                "--silent",
                "--disableTelemetry",
            ])
            .arg("--cert")
            .arg(&cert)
            .arg("--key")
            .arg(&key)
            .arg("--location")
            .arg(dir.0.join("data"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("{} does not start: {e}", executable.display()));
        arm_core::test_support::wait_until("Azurite to listen", Duration::from_secs(30), || async move {
            tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok()
        })
        .await;
        Azurite {
            child,
            blob_endpoint: format!("https://127.0.0.1:{port}/{ACCOUNT}/"),
            ca_pem,
            _dir: dir,
        }
    }
}

impl Drop for Azurite {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}

/// A CA, and a server certificate for 127.0.0.1 it signed, with the server's key (PEM each).
fn certificates() -> (String, String, String) {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.distinguished_name.push(DnType::CommonName, "azurite test CA");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::DigitalSignature];
    let ca_key = KeyPair::generate().unwrap();
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let mut leaf_params = CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()]).unwrap();
    leaf_params.is_ca = IsCa::ExplicitNoCa;
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = leaf_params.signed_by(&leaf_key, &issuer).unwrap();
    (ca.pem(), leaf.pem(), leaf_key.serialize_pem())
}

/// A directory removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// A fresh directory under the system's temporary directory.
    pub fn new(prefix: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("{prefix}-{}-{}", std::process::id(), fastrand::u64(..)));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
