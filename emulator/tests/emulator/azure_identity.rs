//! The official Rust credentials (azure_identity) against the emulator's Entra endpoint.

use std::sync::Arc;

use azure_core::cloud::{CloudConfiguration, CustomConfiguration};
use azure_core::credentials::{Secret, TokenCredential};
use azure_core::http::{ClientMethodOptions, ClientOptions, Transport};
use azure_identity::{
    ClientAssertion, ClientAssertionCredential, ClientAssertionCredentialOptions, ClientSecretCredential,
    ClientSecretCredentialOptions,
};
use reqwest::Method;
use serde_json::json;

use crate::common::{ARM_SCOPE, Harness, claims};

/// Client options that send through the harness's client to the emulator's authority host.
fn client_options(h: &Harness) -> ClientOptions {
    let mut cloud = CustomConfiguration::default();
    cloud.authority_host = h.info().endpoints.login.clone();
    ClientOptions {
        transport: Some(Transport::new(Arc::new(h.http.clone()))),
        cloud: Some(Arc::new(CloudConfiguration::from(cloud))),
        ..ClientOptions::default()
    }
}

#[tokio::test]
async fn client_secret_credential_gets_a_token_arm_accepts() {
    let h = Harness::start().await;
    let d = h.info().defaults.clone();
    let credential = ClientSecretCredential::new(
        &d.tenant_id,
        d.client_id.clone(),
        Secret::new(d.client_secret.clone()),
        Some(ClientSecretCredentialOptions {
            client_options: client_options(&h),
        }),
    )
    .expect("credential");
    let token = credential.get_token(&[ARM_SCOPE], None).await.expect("token");
    let secret = token.token.secret().to_owned();
    assert_eq!(claims(&secret)["appid"], d.client_id);
    assert!(token.expires_on > time::OffsetDateTime::now_utc());
    let reply = h.arm(Method::GET, &h.rg_path("rg-emulator"), &secret, None).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
}

#[tokio::test]
async fn client_secret_credential_surfaces_the_aadsts_error() {
    let h = Harness::start().await;
    let d = h.info().defaults.clone();
    let credential = ClientSecretCredential::new(
        &d.tenant_id,
        d.client_id.clone(),
        Secret::new("wrong".to_owned()),
        Some(ClientSecretCredentialOptions {
            client_options: client_options(&h),
        }),
    )
    .expect("credential");
    let error = credential.get_token(&[ARM_SCOPE], None).await.unwrap_err();
    assert!(format!("{error:?}").contains("AADSTS7000215"), "{error:?}");
}

/// A federated token minted by the emulator's admin API.
#[derive(Debug)]
struct AdminMinted(String);

#[async_trait::async_trait]
impl ClientAssertion for AdminMinted {
    async fn secret(&self, _: Option<ClientMethodOptions<'_>>) -> azure_core::Result<String> {
        Ok(self.0.clone())
    }
}

#[tokio::test]
async fn client_assertion_credential_exchanges_a_federated_token() {
    let h = Harness::start().await;
    let d = h.info().defaults.clone();
    let client_id = "6c6c6c6c-0000-4000-8000-00000000006c";
    h.seed(json!({ "service_principals": [ {
        "client_id": client_id,
        "federated_credentials": [ { "issuer": "https://kubernetes.example", "subject": "system:serviceaccount:ci:builder" } ],
        "roles": [ { "role": "Reader" } ]
    } ] }));
    let assertion = AdminMinted(h.federated_token("https://kubernetes.example", "system:serviceaccount:ci:builder"));
    let credential = ClientAssertionCredential::new(
        d.tenant_id.clone(),
        client_id.to_owned(),
        assertion,
        Some(ClientAssertionCredentialOptions {
            client_options: client_options(&h),
        }),
    )
    .expect("credential");
    let token = credential.get_token(&[ARM_SCOPE], None).await.expect("token");
    assert_eq!(claims(token.token.secret())["appid"], client_id);
}
