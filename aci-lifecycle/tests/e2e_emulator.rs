//! End-to-end tests of aci-lifecycle against the az-emulator over TLS, with real azure_identity
//! credentials and real child processes as containers.
//!
//! This binary has no harness: a container of the self-delete scenario runs this same binary
//! with `--self-delete-child`, which performs `SelfDelete` with the environment the emulator
//! gives the container (managed identity through IMDS). Without that argument `main` runs every
//! scenario in turn and fails on the first failure.

use aci_lifecycle::models::{
    Container, ContainerGroup, ContainerGroupIdentity, ContainerGroupSubnetId, EnvironmentVariable, IpAddress, OsType,
    RestartPolicy,
};
use aci_lifecycle::self_delete::{SelfDelete, SelfDeleteOutcome, self_delete_from_env};
use aci_lifecycle::{
    ContainerGroupsClient, Error, ListLogsOptions, ReapOptions, ReapScope, SpawnOptions, WaiterOptions,
};
use arm_core::test_support::emulator_arm_client;
use arm_core::{ArmClientOptions, Cloud, HttpTransport, PollOptions};
use az_emulator::{Emulator, EmulatorConfig, JournalEntry, ListenerKind, StartupInfo};
use futures::TryStreamExt;
use std::collections::{BTreeMap, HashMap};
use std::process::ExitCode;
use std::time::Duration;

const RG: &str = "rg-emulator";
/// A subnet in the emulator's subscription, where its service principal is Owner (ARM checks
/// `subnets/join/action` on the subnet of a container group).
fn subnet(info: &StartupInfo) -> String {
    format!(
        "/subscriptions/{}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/agents",
        info.defaults.subscription_id
    )
}

#[tokio::main]
async fn main() -> ExitCode {
    if std::env::args().any(|a| a == "--self-delete-child") {
        return match self_delete_from_env(&arm_core::ProcessEnv).await {
            Ok(outcome) => {
                println!("self-delete child: {outcome:?}");
                ExitCode::SUCCESS
            }
            Err(error) => {
                println!("self-delete child failed: {error}");
                ExitCode::FAILURE
            }
        };
    }
    lifecycle_of_a_group_in_a_subnet().await;
    waiting_for_a_mapped_command_to_exit().await;
    a_failing_spawn_leaves_nothing_behind().await;
    a_container_deletes_its_own_group_as_a_managed_identity().await;
    self_delete_in_every_cloud("service_principal", sp_env, entra_was_used).await;
    self_delete_in_every_cloud("managed_identity", mi_env, imds_asked_for_the_cloud).await;
    a_container_deletes_its_own_group_through_the_app_service_identity_endpoint().await;
    self_delete_under_injected_failures().await;
    reaping_keeps_running_groups().await;
    bad_input_sends_nothing().await;
    ExitCode::SUCCESS
}

fn config(extra: &str) -> EmulatorConfig {
    let me = std::env::current_exe().unwrap();
    let text = format!(
        r#"
operation_duration_ms = 300
retry_after_secs = 1
{extra}

[images]
"e2e/exit3" = ["/bin/sh", "-c", "echo hello from the job; exit 3"]
"e2e/exit0" = ["/bin/sh", "-c", "echo done"]
"e2e/self-delete" = [{me:?}, "--self-delete-child"]
"#
    );
    EmulatorConfig::from_toml_str(&text).unwrap()
}

fn groups(info: &StartupInfo) -> ContainerGroupsClient {
    let arm = emulator_arm_client(&info.env, Some(ArmClientOptions::default())).unwrap();
    ContainerGroupsClient::from_arm(arm, &info.defaults.subscription_id).unwrap()
}

fn group(image: &str) -> ContainerGroup {
    let mut group = ContainerGroup::new("eastus");
    group.properties.os_type = Some(OsType::Linux);
    group.properties.restart_policy = Some(RestartPolicy::Never);
    group.properties.containers.push(Container::new("job", image, 1.0, 1.0));
    group
}

fn waiting() -> Option<WaiterOptions> {
    Some(WaiterOptions {
        min_delay: Duration::from_millis(200),
        max_delay: Duration::from_secs(1),
        max_wait: Duration::from_secs(30),
        ..WaiterOptions::default()
    })
}

fn journal(emulator: &Emulator) -> Vec<JournalEntry> {
    emulator.control().journal()
}

/// Reads the group until it is gone, for a deletion another process started.
async fn until_gone(groups: &ContainerGroupsClient, name: &str) {
    if let Err(error) = groups.wait_until_deleted(RG, name, waiting()).await {
        panic!("{name} was not deleted: {error}");
    }
}

async fn lifecycle_of_a_group_in_a_subnet() {
    let emulator = Emulator::start(config("")).await.unwrap();
    let groups = groups(emulator.info());
    let mut definition = group("contoso.azurecr.io/agent:1");
    definition.properties.ip_address = Some(IpAddress::private([]));
    definition.properties.subnet_ids = Some(vec![ContainerGroupSubnetId::new(subnet(emulator.info()))]);
    definition.properties.containers[0].properties.environment_variables = Some(vec![EnvironmentVariable::secure(
        "AZP_TOKEN",
        arm_core::azure_core::credentials::Secret::new("pat-secret"),
    )]);
    let created = groups
        .begin_create_or_update(RG, "agent-1", &definition, None)
        .await
        .unwrap()
        .await
        .unwrap();
    assert_eq!(created.name.as_deref(), Some("agent-1"));
    let running = groups.wait_until_running(RG, "agent-1", waiting()).await.unwrap();
    assert!(!format!("{running:?}").contains("pat-secret"));
    let listed: Vec<ContainerGroup> = groups
        .list_by_resource_group(RG, None)
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    let tagged = groups
        .update_tags(RG, "agent-1", &BTreeMap::from([("team".into(), "ci".into())]), None)
        .await
        .unwrap();
    assert_eq!(tagged.tags.unwrap()["team"], "ci");
    groups.stop(RG, "agent-1", None).await.unwrap();
    groups.begin_delete(RG, "agent-1", None).await.unwrap().await.unwrap();
    assert!(
        groups
            .get(RG, "agent-1", None)
            .await
            .unwrap_err()
            .as_arm()
            .unwrap()
            .is_not_found()
    );
    groups.begin_delete(RG, "agent-1", None).await.unwrap().await.unwrap();
    assert!(
        journal(&emulator)
            .iter()
            .all(|e| !format!("{e:?}").contains("pat-secret"))
    );
    emulator.shutdown().await;
    println!("test lifecycle_of_a_group_in_a_subnet ... ok");
}

async fn waiting_for_a_mapped_command_to_exit() {
    let emulator = Emulator::start(config("")).await.unwrap();
    let groups = groups(emulator.info());
    groups
        .begin_create_or_update(RG, "job-3", &group("e2e/exit3"), None)
        .await
        .unwrap()
        .await
        .unwrap();
    let exits = groups.wait_until_terminated(RG, "job-3", waiting()).await.unwrap();
    assert_eq!(exits[0].exit_code, Some(3));
    let logs = groups
        .list_logs(
            RG,
            "job-3",
            "job",
            Some(ListLogsOptions {
                tail: Some(5),
                ..ListLogsOptions::default()
            }),
        )
        .await
        .unwrap();
    assert!(logs.content.unwrap_or_default().contains("hello from the job"));
    emulator.shutdown().await;
    println!("test waiting_for_a_mapped_command_to_exit ... ok");
}

async fn a_failing_spawn_leaves_nothing_behind() {
    let emulator = Emulator::start(config("")).await.unwrap();
    let groups = groups(emulator.info());
    let options = SpawnOptions {
        wait: waiting().unwrap(),
        ..SpawnOptions::default()
    };
    let err = groups
        .spawn(RG, "job-fails", group("e2e/exit3"), Some(options))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::SpawnFailed {
                cleanup_error: None,
                ..
            }
        ),
        "{err:?}"
    );
    until_gone(&groups, "job-fails").await;
    emulator.shutdown().await;
    println!("test a_failing_spawn_leaves_nothing_behind ... ok");
}

async fn a_container_deletes_its_own_group_as_a_managed_identity() {
    let emulator = Emulator::start(config("")).await.unwrap();
    let info = emulator.info().clone();
    let groups = groups(&info);
    let mut definition = group("e2e/self-delete");
    definition.identity = Some(ContainerGroupIdentity::user_assigned([info
        .defaults
        .identity_resource_id
        .clone()]));
    definition.properties.containers[0].properties.environment_variables = Some(vec![
        EnvironmentVariable::plain("AZ_MANAGED_IDENTITY", "true"),
        EnvironmentVariable::plain("AZ_MANAGED_IDENTITY_CLIENT_ID", &info.defaults.identity_client_id),
    ]);
    // The container may delete its group before the creation's final read: only start it.
    let _creating = groups
        .begin_create_or_update(RG, "agent-self", &definition, None)
        .await
        .unwrap();
    until_gone(&groups, "agent-self").await;
    let entries = journal(&emulator);
    let delete = entries
        .iter()
        .find(|e| e.method == "DELETE" && e.path.ends_with("/agent-self"))
        .unwrap();
    assert_eq!(
        delete.principal.as_deref(),
        Some(info.defaults.identity_principal_id.as_str()),
        "deleted by the managed identity"
    );
    assert!(
        entries
            .iter()
            .any(|e| e.listener == ListenerKind::Imds && e.status == Some(200))
    );
    emulator.shutdown().await;
    println!("test a_container_deletes_its_own_group_as_a_managed_identity ... ok");
}

fn sp_env(info: &StartupInfo, cloud: &str, name: &str) -> HashMap<String, String> {
    let d = &info.defaults;
    [
        ("AZ_ACI_NAME", name),
        ("AZ_ACI_RG", RG),
        ("AZ_SUBSCRIPTION_ID", d.subscription_id.as_str()),
        ("AZ_CLOUD", cloud),
        ("AZ_TENANT_ID", d.tenant_id.as_str()),
        ("AZ_SERVICE_PRINCIPAL", d.client_id.as_str()),
        ("AZ_SERVICE_PRINCIPAL_KEY", d.client_secret.as_str()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

/// A transport that sends `cloud`'s ARM and Entra endpoints to the emulator, trusting its CA.
fn to_emulator(info: &StartupInfo, ca_pem: &str, cloud: &Cloud) -> HttpTransport {
    HttpTransport::builder()
        .add_root_certificates_pem("emulator CA", ca_pem.as_bytes())
        .unwrap()
        .rewrite_origin("test", cloud.arm_endpoint().as_str(), &info.endpoints.arm)
        .unwrap()
        .rewrite_origin("test", cloud.authority_host().as_str(), &info.endpoints.login)
        .unwrap()
        .rewrite_origin("test", "http://169.254.169.254", &info.endpoints.imds)
        .unwrap()
        .build()
        .unwrap()
}

fn mi_env(info: &StartupInfo, cloud: &str, name: &str) -> HashMap<String, String> {
    [
        ("AZ_ACI_NAME", name),
        ("AZ_ACI_RG", RG),
        ("AZ_SUBSCRIPTION_ID", info.defaults.subscription_id.as_str()),
        ("AZ_CLOUD", cloud),
        ("AZ_MANAGED_IDENTITY", "true"),
        (
            "AZ_MANAGED_IDENTITY_CLIENT_ID",
            info.defaults.identity_client_id.as_str(),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

fn url_encoded(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

async fn a_container_deletes_its_own_group_through_the_app_service_identity_endpoint() {
    let emulator = Emulator::start(config("")).await.unwrap();
    let info = emulator.info().clone();
    let groups = groups(&info);
    let mut definition = group("e2e/self-delete");
    definition.identity = Some(ContainerGroupIdentity::user_assigned([info
        .defaults
        .identity_resource_id
        .clone()]));
    definition.properties.containers[0].properties.environment_variables = Some(vec![
        EnvironmentVariable::plain("AZ_MANAGED_IDENTITY", "true"),
        EnvironmentVariable::plain("AZ_MANAGED_IDENTITY_CLIENT_ID", &info.defaults.identity_client_id),
        EnvironmentVariable::plain("IDENTITY_ENDPOINT", &info.endpoints.app_service_identity),
        EnvironmentVariable::secure(
            "IDENTITY_HEADER",
            arm_core::azure_core::credentials::Secret::new(info.defaults.identity_header.clone()),
        ),
    ]);
    let _creating = groups
        .begin_create_or_update(RG, "agent-app-service", &definition, None)
        .await
        .unwrap();
    until_gone(&groups, "agent-app-service").await;
    let entries = journal(&emulator);
    assert!(
        entries.iter().any(|e| e.path == "/msi/token" && e.status == Some(200)),
        "the App Service endpoint was used"
    );
    assert!(
        !entries.iter().any(|e| e.path == "/metadata/identity/oauth2/token"),
        "IMDS was not used"
    );
    emulator.shutdown().await;
    println!("test a_container_deletes_its_own_group_through_the_app_service_identity_endpoint ... ok");
}

/// Self-deletion from the process environment `env_for` builds, once per cloud, with the
/// cloud's endpoints sent to the emulator; checks the outcome, and `check` the journal.
async fn self_delete_in_every_cloud(
    label: &str,
    env_for: fn(&StartupInfo, &str, &str) -> HashMap<String, String>,
    check: fn(&Cloud, &[JournalEntry]) -> bool,
) {
    let emulator = Emulator::start(config("")).await.unwrap();
    let info = emulator.info().clone();
    let groups = groups(&info);
    for cloud in [Cloud::public(), Cloud::us_government(), Cloud::china()] {
        let name = format!("sd-{}-{}", label.replace('_', "-"), cloud.name().to_ascii_lowercase());
        groups
            .begin_create_or_update(RG, &name, &group("contoso.azurecr.io/agent:1"), None)
            .await
            .unwrap()
            .await
            .unwrap();
        let outcome = SelfDelete::from_env(&env_for(&info, cloud.name(), &name))
            .unwrap()
            .unwrap()
            .with_transport(to_emulator(&info, emulator.ca_pem(), &cloud))
            .run()
            .await
            .unwrap_or_else(|e| panic!("{cloud}: {e}"));
        let entries = journal(&emulator);
        assert_eq!(outcome, drawn_outcome(&entries, &name), "{cloud}");
        assert!(check(&cloud, &entries), "{label} in {cloud}");
        until_gone(&groups, &name).await;
    }
    emulator.shutdown().await;
    println!("test self_delete_as_{label}_in_every_cloud ... ok");
}

/// The outcome a self-deletion reports for the answer the emulator drew (200, 202 or 204, at
/// random) for the last DELETE of group `name` that no fault ended: 204 says the group is gone.
fn drawn_outcome(journal: &[JournalEntry], name: &str) -> SelfDeleteOutcome {
    let suffix = format!("/{name}");
    let answered = journal
        .iter()
        .rev()
        .find(|e| e.method == "DELETE" && e.fault.is_none() && e.path.ends_with(&suffix))
        .unwrap_or_else(|| panic!("the DELETE of {name} is journaled"));
    match answered.status {
        Some(204) => SelfDeleteOutcome::AlreadyGone,
        Some(200 | 202) => SelfDeleteOutcome::Accepted,
        other => panic!("DELETE of {name} answered {other:?}"),
    }
}

/// The managed identity's token was asked for the cloud's ARM resource.
fn imds_asked_for_the_cloud(cloud: &Cloud, journal: &[JournalEntry]) -> bool {
    let resource = url_encoded(cloud.arm_scope().trim_end_matches("/.default"));
    journal
        .iter()
        .any(|e| e.listener == ListenerKind::Imds && e.query.contains(&resource))
}

/// The service principal signed in at the emulator's Entra ID endpoint.
fn entra_was_used(_cloud: &Cloud, journal: &[JournalEntry]) -> bool {
    journal
        .iter()
        .any(|e| e.listener == ListenerKind::Login && e.status == Some(200))
}

async fn self_delete_under_injected_failures() {
    let faults = r#"
[faults]
seed = 11
retry_after_secs = 1

[[faults.routes]]
listener = "arm"
method = "DELETE"
rate_429 = 0.15
rate_500 = 0.15
"#;
    let emulator = Emulator::start(config(faults)).await.unwrap();
    let info = emulator.info().clone();
    let groups = groups(&info);
    for i in 0..4 {
        let name = format!("sd-faults-{i}");
        groups
            .begin_create_or_update(RG, &name, &group("contoso.azurecr.io/agent:1"), None)
            .await
            .unwrap()
            .await
            .unwrap();
        let outcome = SelfDelete::from_env(&sp_env(&info, "AzureCloud", &name))
            .unwrap()
            .unwrap()
            .with_transport(to_emulator(&info, emulator.ca_pem(), &Cloud::public()))
            .run()
            .await
            .unwrap();
        assert_eq!(outcome, drawn_outcome(&journal(&emulator), &name));
    }
    let entries = journal(&emulator);
    assert!(entries.iter().any(|e| e.fault.is_some()), "faults were injected");
    emulator.shutdown().await;
    println!("test self_delete_under_injected_failures ... ok");
}

async fn reaping_keeps_running_groups() {
    let emulator = Emulator::start(config("")).await.unwrap();
    let groups = groups(emulator.info());
    let spawn = || {
        Some(SpawnOptions {
            wait: waiting().unwrap(),
            create: aci_lifecycle::BeginOptions {
                poll: PollOptions::default(),
            },
        })
    };
    groups
        .spawn(RG, "eph-done-1", group("e2e/exit0"), spawn())
        .await
        .unwrap();
    groups
        .spawn(RG, "eph-done-2", group("e2e/exit0"), spawn())
        .await
        .unwrap();
    groups
        .spawn(RG, "eph-running", group("contoso.azurecr.io/agent:1"), spawn())
        .await
        .unwrap();
    groups
        .spawn(RG, "eph-stopped", group("contoso.azurecr.io/agent:1"), spawn())
        .await
        .unwrap();
    groups.stop(RG, "eph-stopped", None).await.unwrap();
    groups
        .begin_create_or_update(RG, "not-ephemeral", &group("e2e/exit0"), None)
        .await
        .unwrap()
        .await
        .unwrap();
    for name in ["eph-done-1", "eph-done-2", "not-ephemeral"] {
        groups.wait_until_terminated(RG, name, waiting()).await.unwrap();
    }
    let options = ReapOptions {
        scope: ReapScope::ResourceGroups(vec![RG.into()]),
        min_age: Duration::ZERO,
        ..ReapOptions::default()
    };
    let report = groups.reap(Some(options)).await.unwrap();
    assert_eq!(
        report.deleted,
        [
            "rg-emulator/eph-done-1",
            "rg-emulator/eph-done-2",
            "rg-emulator/eph-stopped"
        ],
        "{report:?}"
    );
    assert_eq!(
        report.skipped,
        [("rg-emulator/eph-running".to_owned(), "not finished".to_owned())]
    );
    assert!(report.failed.is_empty(), "{report:?}");
    for name in ["eph-done-1", "eph-done-2", "eph-stopped"] {
        until_gone(&groups, name).await;
    }
    let left: Vec<String> = groups
        .list_by_resource_group(RG, None)
        .unwrap()
        .map_ok(|g| g.name.unwrap())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(left.len(), 2, "{left:?}");
    emulator.shutdown().await;
    println!("test reaping_keeps_running_groups ... ok");
}

async fn bad_input_sends_nothing() {
    let emulator = Emulator::start(config("")).await.unwrap();
    let info = emulator.info().clone();
    let groups = groups(&info);
    groups.get(RG, "warm-up", None).await.unwrap_err();
    let before = journal(&emulator).len();
    let mut invalid = Vec::new();
    invalid.push(groups.get(RG, "Bad_Name", None).await.unwrap_err());
    invalid.push(groups.get("rg.", "agent", None).await.unwrap_err());
    invalid.push(groups.list_logs(RG, "agent", "Job", None).await.unwrap_err());
    let bad_definitions: [fn(&mut ContainerGroup); 7] = [
        |g| g.properties.ip_address = Some(IpAddress::private([])),
        |g| g.properties.subnet_ids = Some(vec![ContainerGroupSubnetId::new("/subscriptions/s/resourceGroups/rg")]),
        |g| {
            g.properties.containers[0]
                .properties
                .resources
                .as_mut()
                .unwrap()
                .requests
                .cpu = 100.0
        },
        |g| {
            g.properties.containers[0].properties.environment_variables = Some(vec![
                EnvironmentVariable::plain("A", "1"),
                EnvironmentVariable::plain("A", "2"),
            ])
        },
        |g| g.properties.os_type = None,
        |g| g.properties.containers[0].properties.image = None,
        |g| {
            g.properties.containers[0]
                .properties
                .resources
                .as_mut()
                .unwrap()
                .requests
                .memory_in_gb = 0.05
        },
    ];
    for spoil in bad_definitions {
        let mut definition = group("x");
        spoil(&mut definition);
        invalid.push(
            groups
                .begin_create_or_update(RG, "agent", &definition, None)
                .await
                .unwrap_err(),
        );
    }
    let mut always = group("x");
    always.properties.restart_policy = Some(RestartPolicy::Always);
    invalid.push(groups.spawn(RG, "agent", always, None).await.unwrap_err());
    invalid.push(
        groups
            .begin_create_or_update(RG, "-agent", &group("x"), None)
            .await
            .unwrap_err(),
    );
    invalid.push(
        groups
            .update_tags(RG, "agent-", &BTreeMap::new(), None)
            .await
            .unwrap_err(),
    );
    invalid.push(
        groups
            .begin_delete(RG, "a".repeat(64).as_str(), None)
            .await
            .unwrap_err(),
    );
    let mut partial = sp_env(&info, "AzureCloud", "agent");
    partial.remove("AZ_ACI_RG");
    invalid.push(SelfDelete::from_env(&partial).unwrap_err());
    let mut bad_name = sp_env(&info, "AzureCloud", "Agent_1");
    bad_name.insert("AZ_ACI_NAME".into(), "Agent_1".into());
    invalid.push(SelfDelete::from_env(&bad_name).unwrap_err());
    assert!(invalid.len() >= 15, "{} invalid inputs", invalid.len());
    for error in &invalid {
        assert!(
            matches!(
                error,
                Error::InvalidInput { .. } | Error::Arm(arm_core::Error::InvalidInput { .. })
            ),
            "{error:?}"
        );
        assert!(!error.to_string().contains('\n'), "one line: {error}");
    }
    assert_eq!(
        journal(&emulator).len(),
        before,
        "no invalid input reached the emulator"
    );
    emulator.shutdown().await;
    println!("test bad_input_sends_nothing ... ok");
}
