//! The emulator's certificate authority and the server certificate it signs.

use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose,
};
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use time::Duration;

use crate::error::Error;

/// Subject names of the server certificate.
const SERVER_NAMES: [&str; 3] = ["127.0.0.1", "localhost", "::1"];

/// A fresh CA and the TLS configuration of the HTTPS listeners.
pub(crate) struct Certificates {
    /// The CA certificate, PEM.
    pub ca_pem: String,
    /// rustls server configuration (ring provider, HTTP/1.1).
    pub server_config: Arc<rustls::ServerConfig>,
}

/// Generates a CA (`CN=az-emulator CA`) and a leaf for 127.0.0.1, localhost and ::1.
pub(crate) fn generate() -> Result<Certificates, Error> {
    let now = time::OffsetDateTime::now_utc();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(Error::Certificate)?;
    ca_params.distinguished_name.push(DnType::CommonName, "az-emulator CA");
    ca_params
        .distinguished_name
        .push(DnType::OrganizationName, "az-emulator");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    ca_params.not_before = now - Duration::hours(1);
    ca_params.not_after = now + Duration::days(365);
    let ca_key = KeyPair::generate().map_err(Error::Certificate)?;
    let ca_cert = ca_params.self_signed(&ca_key).map_err(Error::Certificate)?;
    let issuer = Issuer::new(ca_params, ca_key);

    let mut leaf_params =
        CertificateParams::new(SERVER_NAMES.map(str::to_owned).to_vec()).map_err(Error::Certificate)?;
    leaf_params.distinguished_name.push(DnType::CommonName, "localhost");
    leaf_params.is_ca = IsCa::ExplicitNoCa;
    leaf_params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    leaf_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    leaf_params.use_authority_key_identifier_extension = true;
    leaf_params.not_before = now - Duration::hours(1);
    leaf_params.not_after = now + Duration::days(364);
    let leaf_key = KeyPair::generate().map_err(Error::Certificate)?;
    let leaf_cert = leaf_params.signed_by(&leaf_key, &issuer).map_err(Error::Certificate)?;

    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
    let mut server_config =
        rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(Error::Tls)?
            .with_no_client_auth()
            .with_single_cert(vec![leaf_cert.der().clone(), ca_cert.der().clone()], key)
            .map_err(Error::Tls)?;
    server_config.alpn_protocols = vec![b"http/1.1".to_vec()];

    Ok(Certificates {
        ca_pem: ca_cert.pem(),
        server_config: Arc::new(server_config),
    })
}
