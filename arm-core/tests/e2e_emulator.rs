//! End-to-end tests against the az-emulator over TLS, with the real azure_identity credentials
//! built by arm-core from the environment the emulator prints.

#[path = "support/emulator.rs"]
mod support;

use arm_core::resource_groups::ResourceGroup;
use arm_core::{ArmClient, ArmClientOptions, ArmEnvironment, LroStatus, RetryOptions};
use az_emulator::{Emulator, ListenerKind};
use futures::TryStreamExt;
use std::time::Duration;
use support::*;

#[tokio::test]
async fn service_principal_creates_lists_and_deletes_a_resource_group() {
    let emulator = Emulator::start(config("")).await.unwrap();
    let info = emulator.info().clone();
    let groups = groups(&info.env, None);

    let created = groups
        .create_or_update(
            "rg-e2e",
            &ResourceGroup::new("westeurope").with_tag("purpose", "e2e"),
            None,
        )
        .await
        .unwrap();
    assert_eq!(created.name.as_deref(), Some("rg-e2e"));
    assert_eq!(created.tags["purpose"], "e2e");
    assert_eq!(
        groups.get("RG-E2E", None).await.unwrap().location,
        "westeurope",
        "names are case-insensitive"
    );
    let mut names: Vec<String> = groups
        .list(None)
        .unwrap()
        .map_ok(|g| g.name.unwrap())
        .try_collect()
        .await
        .unwrap();
    names.sort();
    assert_eq!(names, ["rg-e2e", "rg-emulator"]);

    let mut poller = groups.begin_delete("rg-e2e", None).await.unwrap();
    assert!(
        poller.operation_url().is_some(),
        "resource group deletion is a long-running operation"
    );
    let mut polls = 0;
    while !poller.poll().await.unwrap().is_terminal() {
        polls += 1;
    }
    assert_eq!(poller.status(), &LroStatus::Succeeded);
    assert!(polls >= 1, "the operation lasts longer than one Retry-After");
    poller.await.unwrap();
    assert!(!groups.exists("rg-e2e", None).await.unwrap());
    let err = groups.get("rg-e2e", None).await.unwrap_err();
    assert_eq!(err.code(), Some("ResourceGroupNotFound"));
    assert!(err.as_service().unwrap().request_id.is_some());

    let entries = emulator.control().journal();
    let arm: Vec<_> = entries.iter().filter(|e| e.listener == ListenerKind::Arm).collect();
    assert!(
        arm.iter().all(|e| e.client_request_id.is_some()),
        "every ARM request carries x-ms-client-request-id"
    );
    assert!(
        entries
            .iter()
            .any(|e| e.listener == ListenerKind::Login && e.status == Some(200))
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_principal_without_a_role_gets_authorization_failed() {
    let emulator = Emulator::start(config("")).await.unwrap();
    let info = emulator.info().clone();
    let env = env_with(
        &info,
        &[
            ("AZ_SERVICE_PRINCIPAL", NO_ROLE_CLIENT),
            ("AZ_SERVICE_PRINCIPAL_KEY", NO_ROLE_SECRET),
        ],
    );
    let err = groups(&env, None).get("rg-emulator", None).await.unwrap_err();
    assert_eq!(err.status().map(u16::from), Some(403));
    assert_eq!(err.code(), Some("AuthorizationFailed"));
    assert!(
        err.to_string()
            .contains("Microsoft.Resources/subscriptions/resourcegroups/read"),
        "{err}"
    );

    let wrong = env_with(
        &info,
        &[
            ("AZ_SERVICE_PRINCIPAL", NO_ROLE_CLIENT),
            ("AZ_SERVICE_PRINCIPAL_KEY", "wrong-secret"),
        ],
    );
    let err = groups(&wrong, None).get("rg-emulator", None).await.unwrap_err();
    assert!(matches!(err, arm_core::Error::Credential { .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("AADSTS7000215"), "{text}");
    assert!(
        !text.contains('\n') && !text.contains('\r'),
        "Display is one line: {text:?}"
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn managed_identity_through_imds_by_every_kind_of_id() {
    let emulator = Emulator::start(config("")).await.unwrap();
    let info = emulator.info().clone();
    let d = &info.defaults;
    for selector in [
        ("AZ_MANAGED_IDENTITY_CLIENT_ID", d.identity_client_id.as_str()),
        ("AZ_MANAGED_IDENTITY_OBJECT_ID", d.identity_principal_id.as_str()),
        ("AZ_MANAGED_IDENTITY_RESOURCE_ID", d.identity_resource_id.as_str()),
        ("AZ_MANAGED_IDENTITY", "true"),
    ] {
        let env = env_with(&info, &[("AZ_MANAGED_IDENTITY", "true"), selector]);
        let groups = groups(&env, None);
        let group = groups
            .get(&d.resource_group, None)
            .await
            .unwrap_or_else(|e| panic!("{selector:?}: {e}"));
        assert_eq!(group.name.as_deref(), Some(d.resource_group.as_str()));
        let err = groups
            .create_or_update("rg-not-mine", &ResourceGroup::new("eastus"), None)
            .await
            .unwrap_err();
        assert_eq!(
            err.code(),
            Some("AuthorizationFailed"),
            "Contributor on one group only: {selector:?}"
        );
    }
    let entries = emulator.control().journal();
    let imds: Vec<_> = entries.iter().filter(|e| e.listener == ListenerKind::Imds).collect();
    assert_eq!(imds.len(), 4, "one token per credential, through IMDS: {imds:?}");
    assert!(
        imds.iter()
            .all(|e| e.path == "/metadata/identity/oauth2/token" && e.status == Some(200))
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn workload_identity_with_a_federated_token_file() {
    let emulator = Emulator::start(config("")).await.unwrap();
    let info = emulator.info().clone();
    let minted = emulator.control().federated_token(ISSUER, SUBJECT, None);
    let file = std::env::temp_dir().join(format!("arm-core-e2e-federated-{}", std::process::id()));
    std::fs::write(&file, minted).unwrap();
    let env = env_with(
        &info,
        &[
            ("AZURE_CLIENT_ID", FEDERATED_CLIENT),
            ("AZURE_FEDERATED_TOKEN_FILE", file.to_str().unwrap()),
        ],
    );
    let groups = groups(&env, None);
    assert_eq!(
        groups.get("rg-emulator", None).await.unwrap().name.as_deref(),
        Some("rg-emulator")
    );
    let err = groups
        .create_or_update("rg-reader-cannot", &ResourceGroup::new("eastus"), None)
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("AuthorizationFailed"), "Reader cannot write");
    std::fs::remove_file(file).unwrap();
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_long_running_operation_completes_under_injected_throttling_errors_and_drops() {
    let faults = r#"
[faults]
seed = 7
retry_after_secs = 1

[[faults.routes]]
listener = "arm"
rate_429 = 0.2
rate_500 = 0.15
rate_drop = 0.1
"#;
    let emulator = Emulator::start(config(faults)).await.unwrap();
    let info = emulator.info().clone();
    let retry = RetryOptions {
        max_retries: 8,
        initial_delay: Duration::from_millis(50),
        ..RetryOptions::default()
    };
    let groups = groups(&info.env, Some(retry));
    for round in 0..3 {
        let name = format!("rg-faults-{round}");
        groups
            .create_or_update(&name, &ResourceGroup::new("eastus"), None)
            .await
            .unwrap();
        groups.begin_delete(&name, None).await.unwrap().await.unwrap();
        assert!(!groups.exists(&name, None).await.unwrap());
    }
    let entries = emulator.control().journal();
    for fault in ["429", "500", "drop"] {
        assert!(
            entries.iter().any(|e| e.fault.as_deref() == Some(fault)),
            "no {fault} was injected: the test proves nothing"
        );
    }
    emulator.shutdown().await;
}

#[tokio::test]
async fn client_options_reject_a_bad_application_id() {
    let emulator = Emulator::start(config("")).await.unwrap();
    let env = ArmEnvironment::from_env(&emulator.info().env).unwrap();
    let mut options = ArmClientOptions::default();
    options.client_options.user_agent.application_id = Some("this application id is far too long".into());
    let err = ArmClient::new(&env.cloud, env.credential().unwrap(), Some(options)).unwrap_err();
    assert!(
        err.to_string().starts_with("invalid user_agent.application_id"),
        "{err}"
    );
    emulator.shutdown().await;
}
