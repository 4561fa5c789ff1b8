//! Test harness: an in-process emulator and a reqwest client that trusts only its CA.

use std::sync::Arc;

use az_emulator::{Emulator, EmulatorConfig, StartupInfo};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::Method;
use reqwest::header::HeaderMap;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use serde_json::Value;

/// The ARM scope of the public cloud.
pub const ARM_SCOPE: &str = "https://management.azure.com/.default";
/// A resource group api-version.
pub const RG_API: &str = "2024-03-01";

/// A running emulator and an HTTP client for it.
pub struct Harness {
    pub emulator: Emulator,
    pub http: reqwest::Client,
}

/// A response, with the body parsed as JSON when it is JSON.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
    pub json: Value,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// `error.code` of an ARM error envelope.
    pub fn arm_code(&self) -> &str {
        self.json["error"]["code"].as_str().unwrap_or_default()
    }
}

/// A reqwest client whose only trust anchor is `ca_pem` (rustls with the ring provider).
pub fn client(ca_pem: &str) -> reqwest::Client {
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(ca_pem.as_bytes()) {
        roots.add(cert.expect("CA PEM parses")).expect("CA is accepted");
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    reqwest::Client::builder()
        .tls_backend_preconfigured(config)
        .no_proxy()
        .build()
        .expect("client builds")
}

/// The default configuration with short operations, for tests.
pub fn quick_config() -> EmulatorConfig {
    EmulatorConfig {
        operation_duration_ms: 300,
        ..EmulatorConfig::default()
    }
}

impl Harness {
    pub async fn start() -> Harness {
        Harness::with(quick_config()).await
    }

    pub async fn with(config: EmulatorConfig) -> Harness {
        let emulator = Emulator::start(config).await.expect("emulator starts");
        let http = client(emulator.ca_pem());
        Harness { emulator, http }
    }

    /// Seeds `sections` (the body the admin API's `POST /seed` takes) through the typed control
    /// API; what was seeded.
    pub fn seed(&self, sections: Value) -> Value {
        let sections = serde_json::from_value(sections).expect("seed sections");
        self.emulator.control().seed(&sections).expect("seeded")
    }

    /// A federated token from the emulator's issuer, minted through the typed control API.
    pub fn federated_token(&self, issuer: &str, subject: &str) -> String {
        self.emulator.control().federated_token(issuer, subject, None)
    }

    pub fn info(&self) -> &StartupInfo {
        self.emulator.info()
    }

    /// Sends a request and reads the whole response.
    pub async fn send(&self, method: Method, url: &str, headers: &[(&str, &str)], body: Option<String>) -> Reply {
        let mut request = self.http.request(method, url);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(body) = body {
            request = request.body(body);
        }
        let response = request.send().await.expect("request is answered");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.expect("body");
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            text,
            json,
        }
    }

    /// `POST {login}/{tenant}/oauth2/v2.0/token` with a form body.
    pub async fn token_request(&self, tenant: &str, form: &[(&str, &str)]) -> Reply {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let url = format!("{}/{tenant}/oauth2/v2.0/token", self.info().endpoints.login);
        self.send(
            Method::POST,
            &url,
            &[("content-type", "application/x-www-form-urlencoded")],
            Some(body),
        )
        .await
    }

    /// The client credentials grant with a secret.
    pub async fn secret_grant(&self, tenant: &str, client_id: &str, secret: &str, scope: &str) -> Reply {
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", client_id),
            ("client_secret", secret),
            ("scope", scope),
        ];
        self.token_request(tenant, &form).await
    }

    /// A token for `scope` as the default service principal.
    pub async fn token_for_scope(&self, scope: &str) -> String {
        let d = &self.info().defaults;
        let reply = self
            .secret_grant(&d.tenant_id, &d.client_id, &d.client_secret, scope)
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        reply.json["access_token"].as_str().expect("access_token").to_owned()
    }

    /// An ARM token as the default service principal (Owner of the subscription).
    pub async fn token(&self) -> String {
        self.token_for_scope(ARM_SCOPE).await
    }

    /// An ARM token of the default user-assigned identity (Contributor of its group), via IMDS.
    pub async fn identity_token(&self) -> String {
        let url = format!(
            "{}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://management.azure.com/",
            self.info().endpoints.imds
        );
        let reply = self.send(Method::GET, &url, &[("metadata", "true")], None).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        reply.json["access_token"].as_str().unwrap().to_owned()
    }

    /// An ARM request; `path_and_query` starts with `/`.
    pub async fn arm(&self, method: Method, path_and_query: &str, token: &str, body: Option<Value>) -> Reply {
        self.arm_with(method, path_and_query, token, &[], body).await
    }

    /// An ARM request with `extra` headers.
    pub async fn arm_with(
        &self,
        method: Method,
        path_and_query: &str,
        token: &str,
        extra: &[(&str, &str)],
        body: Option<Value>,
    ) -> Reply {
        let url = format!("{}{path_and_query}", self.info().endpoints.arm);
        let auth = format!("Bearer {token}");
        let mut headers = vec![("authorization", auth.as_str())];
        headers.extend_from_slice(extra);
        if body.is_some() {
            headers.push(("content-type", "application/json"));
        }
        self.send(method, &url, &headers, body.map(|b| b.to_string())).await
    }

    /// An admin API request, with the admin token.
    pub async fn admin(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        let auth = format!("Bearer {}", self.emulator.admin_token());
        self.admin_with(method, path, &[("authorization", auth.as_str())], body)
            .await
    }

    /// An admin API request with exactly `headers` (no admin token unless given).
    pub async fn admin_with(&self, method: Method, path: &str, headers: &[(&str, &str)], body: Option<Value>) -> Reply {
        let url = format!("{}{path}", self.info().endpoints.admin);
        self.send(method, &url, headers, body.map(|b| b.to_string())).await
    }

    /// Moves the emulator's clock forward (the typed control API; the admin route
    /// `POST /clock/advance` has its own tests).
    pub async fn advance_clock(&self, seconds: u64) {
        self.emulator
            .control()
            .advance_clock(std::time::Duration::from_secs(seconds))
            .expect("the clock moves");
    }

    /// The journal's entries as the admin API's JSON shows them (from the typed control API;
    /// `GET /journal` has its own tests).
    pub async fn journal(&self) -> Vec<Value> {
        let entries = self.emulator.control().journal();
        serde_json::to_value(entries)
            .expect("entries serialize")
            .as_array()
            .expect("an array")
            .clone()
    }

    /// `/subscriptions/{default}/resourcegroups/{name}?api-version=...`
    pub fn rg_path(&self, name: &str) -> String {
        format!(
            "/subscriptions/{}/resourcegroups/{name}?api-version={RG_API}",
            self.info().defaults.subscription_id
        )
    }
}

/// The decoded claims of a JWT.
pub fn claims(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("three parts");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("base64url")).expect("JSON")
}

/// The Python interpreter of the official-client tests: `$AZ_EMULATOR_PYTHON`, or `python3`.
pub fn python() -> String {
    std::env::var("AZ_EMULATOR_PYTHON")
        .ok()
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "python3".to_owned())
}

/// Whether `python` can import `module`.
pub async fn imports(python: &str, module: &str) -> bool {
    tokio::process::Command::new(python)
        .args(["-c", &format!("import {module}")])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .await
        .is_ok_and(|s| s.success())
}

/// Whether this is CI (`CI` set): a test whose tool is missing fails there instead of skipping.
pub fn in_ci() -> bool {
    std::env::var_os("CI").is_some()
}
