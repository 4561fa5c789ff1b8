//! Failures that retrying cannot fix end the call within seconds, with the cause in its one-line
//! error: a certificate the client does not trust, a certificate for another name, a refused
//! connection to an endpoint outside Azure. Only 127.0.0.1 is contacted.

use arm_core::test_support::{StaticTokenCredential, emulator_arm_client, redirecting_transport_builder};
use arm_core::{ArmClient, ArmClientOptions, Cloud, Error, RetryOptions};
use azure_core::http::Method;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose,
};
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const RG: &str = "/subscriptions/sub/resourcegroups/rg";
/// Far below the ~50 s that the default retries of a connection failure would take.
const FAST: Duration = Duration::from_secs(5);

/// A CA (PEM) and a TLS server on 127.0.0.1 whose certificate, signed by that CA, names only
/// `names`; returns the CA, the server's `https://127.0.0.1:port` and its count of connections.
async fn tls_server(names: &[&str]) -> (String, String, Arc<AtomicUsize>) {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "transport test CA");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca_key = KeyPair::generate().unwrap();
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let mut leaf_params = CertificateParams::new(names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>()).unwrap();
    leaf_params.is_ca = IsCa::ExplicitNoCa;
    leaf_params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    leaf_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = leaf_params.signed_by(&leaf_key, &issuer).unwrap();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![leaf.der().clone()], key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let connections = Arc::new(AtomicUsize::new(0));
    let counter = connections.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                // A client that rejects the certificate ends the handshake; one that accepts it
                // gets an empty JSON object.
                if let Ok(mut tls) = acceptor.accept(stream).await {
                    let mut buffer = [0u8; 4096];
                    let _ = tls.read(&mut buffer).await;
                    let _ = tls
                        .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}")
                        .await;
                    let _ = tls.shutdown().await;
                }
            });
        }
    });
    (ca_cert.pem(), format!("https://127.0.0.1:{}", addr.port()), connections)
}

/// A client with the default retries and the real clock whose ARM requests go to `target`,
/// trusting `ca_pem` in addition to the platform's roots when given.
fn client(target: &str, ca_pem: Option<&str>) -> ArmClient {
    let mut transport = redirecting_transport_builder(target).unwrap();
    if let Some(pem) = ca_pem {
        transport = transport.add_root_certificates_pem("test CA", pem.as_bytes()).unwrap();
    }
    let mut options = ArmClientOptions {
        retry: RetryOptions::default(),
        ..ArmClientOptions::default()
    };
    options.client_options.transport = Some(transport.build().unwrap().to_transport());
    ArmClient::new(&Cloud::public(), StaticTokenCredential::new("t"), Some(options)).unwrap()
}

/// Sends a GET of the resource group and returns its error and how long it took.
async fn failed_get(arm: &ArmClient) -> (Error, Duration) {
    let started = Instant::now();
    let result = tokio::time::timeout(
        Duration::from_secs(90),
        arm.send(arm.request(Method::Get, RG, "2021-04-01").unwrap()),
    )
    .await
    .expect("the call ends");
    (result.expect_err("the call fails"), started.elapsed())
}

#[tokio::test]
async fn an_untrusted_certificate_fails_at_once_naming_the_check() {
    let (_ca, target, connections) = tls_server(&["127.0.0.1"]).await;
    let (err, took) = failed_get(&client(&target, None)).await;
    let text = err.to_string();
    assert!(took < FAST, "took {took:?}: {text}");
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(
        text.starts_with("GET https://management.azure.com/subscriptions/sub/resourcegroups/rg failed: the TLS certificate of 127.0.0.1 was rejected: it is not issued by a trusted certificate authority (UnknownIssuer)"),
        "{text}"
    );
    assert!(!text.contains('\n'), "{text}");
    assert_eq!(connections.load(Ordering::SeqCst), 1, "not retried");
}

#[tokio::test]
async fn a_certificate_for_another_name_fails_at_once_naming_both_names() {
    let (ca, target, connections) = tls_server(&["localhost"]).await;
    let (err, took) = failed_get(&client(&target, Some(&ca))).await;
    let text = err.to_string();
    assert!(took < FAST, "took {took:?}: {text}");
    assert!(
        text.contains("the TLS certificate of 127.0.0.1 was rejected: it is not valid for the name 127.0.0.1"),
        "{text}"
    );
    assert!(text.contains("localhost"), "the names it is valid for: {text}");
    assert_eq!(connections.load(Ordering::SeqCst), 1, "not retried");

    let (ca, target, _) = tls_server(&["127.0.0.1"]).await;
    let arm = client(&target, Some(&ca));
    arm.send(arm.request(Method::Get, RG, "2021-04-01").unwrap())
        .await
        .expect("the same server with a certificate for its name is trusted");
}

#[tokio::test]
async fn a_refused_connection_outside_azure_fails_at_once() {
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let (err, took) = failed_get(&client(&format!("http://127.0.0.1:{port}"), None)).await;
    let text = err.to_string();
    assert!(took < FAST, "took {took:?}: {text}");
    assert!(
        text.ends_with(&format!(
            "failed: 127.0.0.1:{port} refused the connection: nothing listens there"
        )),
        "{text}"
    );
}

#[tokio::test]
async fn a_token_request_to_an_untrusted_login_endpoint_fails_at_once() {
    let emulator = az_emulator::Emulator::start(az_emulator::EmulatorConfig::default())
        .await
        .unwrap();
    let mut env = emulator.info().env.clone();
    for trust in ["AZ_CA_BUNDLE", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE"] {
        env.remove(trust);
    }
    let arm = emulator_arm_client(&env, None).unwrap();
    let (err, took) = failed_get(&arm).await;
    let text = err.to_string();
    assert!(took < FAST, "took {took:?}: {text}");
    assert!(matches!(err, Error::Credential { .. }), "{err:?}");
    assert!(text.contains("UnknownIssuer"), "{text}");
    assert!(!text.contains('\n'), "{text}");
}
