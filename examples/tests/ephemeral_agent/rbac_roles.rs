//! The README's custom roles, end to end: `ephemeral-spawner` and `ephemeral-reaper` created
//! through ARM (`Microsoft.Authorization/roleDefinitions`), held by service principals that have
//! no other role, at the documented scopes; `spawn-agent` and `reap` run with those identities
//! succeed, and fail with ARM's denial naming the action once the role lacks it; `reap --dry-run`
//! works with Reader alone.

use super::{Entrypoint, World};
use aci_lifecycle::ContainerGroupsClient;
use arm_core::ArmClient;
use arm_core::azure_core::http::Method;
use az_emulator::{AgentStatus, SeedSections};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::process::Command;
use std::time::{Duration, Instant};

const SPAWN_BIN: &str = env!("CARGO_BIN_EXE_spawn-agent");
const REAP_BIN: &str = env!("CARGO_BIN_EXE_reap");
const ENTRYPOINT: &str = env!("CARGO_BIN_EXE_ephemeral-agent");
const AGENT_IMAGE: &str = "test/ephemeral-agent:1";
const JOB_ID: &str = "5b9d2a3f-0c8e-4f22-9b6d-1e4f3a2b0c7d";
const AUTH_API: &str = "2022-04-01";
const SPAWNER_ROLE: &str = "0e1e2e3e-0000-4000-8000-00000000a001";
const REAPER_ROLE: &str = "0e1e2e3e-0000-4000-8000-00000000a002";
const SPAWNER: (&str, &str) = (
    "0f1f2f3f-0000-4000-8000-00000000b001",
    "0f1f2f3f-0000-4000-8000-00000000c001",
);
const REAPER: (&str, &str) = (
    "0f1f2f3f-0000-4000-8000-00000000b002",
    "0f1f2f3f-0000-4000-8000-00000000c002",
);
/// Holds only Reader, for `reap --dry-run` (the README's permissions table).
const AUDITOR: (&str, &str) = (
    "0f1f2f3f-0000-4000-8000-00000000b003",
    "0f1f2f3f-0000-4000-8000-00000000c003",
);
const READER_ROLE: &str = "acdd72a7-3385-48ef-bd42-f606fba81ae7";
const ASSIGN_ACTION: &str = "Microsoft.ManagedIdentity/userAssignedIdentities/assign/action";
const DELETE_ACTION: &str = "Microsoft.ContainerInstance/containerGroups/delete";

/// The README's `ephemeral-spawner` (`Actions` as documented), minus `without`.
fn spawner_role(scopes: &[String], without: Option<&str>) -> Value {
    let actions: Vec<&str> = [
        "Microsoft.ContainerInstance/containerGroups/read",
        "Microsoft.ContainerInstance/containerGroups/write",
        DELETE_ACTION,
        "Microsoft.Network/virtualNetworks/subnets/join/action",
        ASSIGN_ACTION,
    ]
    .into_iter()
    .filter(|a| Some(*a) != without)
    .collect();
    role(
        "ephemeral-spawner",
        "Create, read and delete run-once container groups in a delegated subnet, with a user-assigned identity.",
        &actions,
        scopes,
    )
}

/// The README's `ephemeral-reaper`, minus `without`.
fn reaper_role(scopes: &[String], without: Option<&str>) -> Value {
    let actions: Vec<&str> = ["Microsoft.ContainerInstance/containerGroups/read", DELETE_ACTION]
        .into_iter()
        .filter(|a| Some(*a) != without)
        .collect();
    role(
        "ephemeral-reaper",
        "Read and delete container groups: self-deletion by the agent, and the nightly reap.",
        &actions,
        scopes,
    )
}

fn role(name: &str, description: &str, actions: &[&str], scopes: &[String]) -> Value {
    json!({ "properties": {
        "roleName": name, "description": description, "type": "CustomRole",
        "assignableScopes": scopes,
        "permissions": [{ "actions": actions, "notActions": [] }],
    } })
}

/// The emulator's default service principal (Owner of the subscription) over ARM.
fn owner(world: &World) -> ArmClient {
    arm_core::test_support::emulator_arm_client(&world.emulator.info().env, None).unwrap()
}

async fn arm_put(arm: &ArmClient, path: &str, body: &Value) {
    // Microsoft.Authorization's version, or Microsoft.Resources' for the resource group.
    let api_version = if path.contains("/Microsoft.Authorization/") {
        AUTH_API
    } else {
        "2021-04-01"
    };
    let request = arm.request(Method::Put, path, api_version).unwrap().json(body).unwrap();
    if let Err(error) = arm.send(request).await {
        panic!("PUT {path}: {error}");
    }
}

/// Gives `principal` the role `role` at `scope`.
async fn assign(arm: &ArmClient, world: &World, scope: &str, role: &str, principal: &str, n: u32) {
    let subscription = &world.emulator.info().defaults.subscription_id;
    let body = json!({ "properties": {
        "roleDefinitionId": format!("/subscriptions/{subscription}/providers/Microsoft.Authorization/roleDefinitions/{role}"),
        "principalId": principal,
        "principalType": "ServicePrincipal",
    } });
    let name = format!("0d1d2d3d-0000-4000-8000-{n:012}");
    arm_put(
        arm,
        &format!("{scope}/providers/Microsoft.Authorization/roleAssignments/{name}"),
        &body,
    )
    .await;
}

/// The environment of a run as the service principal `(client id, object id)`, whose secret is
/// its client id reversed.
fn as_principal(mut env: BTreeMap<String, String>, principal: (&str, &str)) -> BTreeMap<String, String> {
    let secret = secret_of(principal.0);
    for (name, value) in [
        ("AZ_SERVICE_PRINCIPAL", principal.0),
        ("AZURE_CLIENT_ID", principal.0),
        ("AZ_SERVICE_PRINCIPAL_KEY", secret.as_str()),
        ("AZURE_CLIENT_SECRET", secret.as_str()),
    ] {
        env.insert(name.to_owned(), value.to_owned());
    }
    env
}

fn secret_of(client_id: &str) -> String {
    format!("{}-secret", client_id.chars().rev().collect::<String>())
}

fn subnet(world: &World) -> String {
    format!(
        "/subscriptions/{}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-build/subnets/agents",
        world.emulator.info().defaults.subscription_id
    )
}

fn spawn_env(world: &World, build: u32) -> BTreeMap<String, String> {
    let env = world.spawn_env_with(build, AGENT_IMAGE, &subnet(world), JOB_ID);
    as_principal(env, SPAWNER)
}

fn reap_env(world: &World) -> BTreeMap<String, String> {
    let info = world.emulator.info();
    let mut env: BTreeMap<String, String> = info.env.clone().into_iter().collect();
    env.insert("AZP_TOKEN".to_owned(), info.defaults.devops_pat.clone());
    env.insert("AZP_POOL".to_owned(), info.defaults.devops_pool.clone());
    env.insert("ACI_RESOURCE_GROUP".to_owned(), info.defaults.resource_group.clone());
    env.insert("REAP_MIN_AGE".to_owned(), "1s".to_owned());
    as_principal(env, REAPER)
}

fn run(bin: &str, env: &BTreeMap<String, String>) -> Entrypoint {
    Entrypoint::spawn(Command::new(bin), env, false)
}

fn name_of(build: u32) -> String {
    format!("ephemeral-{build}-{}-1", &JOB_ID[..8])
}

fn groups(world: &World) -> ContainerGroupsClient {
    ContainerGroupsClient::from_arm(owner(world), &world.emulator.info().defaults.subscription_id).unwrap()
}

async fn group_exists(world: &World, name: &str) -> bool {
    match groups(world)
        .get(&world.emulator.info().defaults.resource_group, name, None)
        .await
    {
        Ok(_) => true,
        Err(error) if error.as_arm().is_some_and(|e| e.is_not_found()) => false,
        Err(error) => panic!("{error}"),
    }
}

fn agent_status(world: &World, name: &str) -> Option<AgentStatus> {
    let defaults = &world.emulator.info().defaults;
    world
        .emulator
        .control()
        .agents(&defaults.devops_organization, &defaults.devops_pool)
        .unwrap()
        .into_iter()
        .find(|a| a.name == name)
        .map(|a| a.status)
}

async fn wait_until(what: &str, mut check: impl AsyncFnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !check().await {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Both binaries with only the README's custom roles: they work; without one action each, they
/// fail with ARM's denial naming it.
pub(super) async fn readme_custom_roles_are_enough_and_needed() {
    let images = format!("[images]\n{AGENT_IMAGE:?} = [{ENTRYPOINT:?}]\n");
    let world = World::start_with("rbac-roles", "session_timeout_secs = 5\n", &images).await;
    let info = world.emulator.info().clone();
    let subscription = format!("/subscriptions/{}", info.defaults.subscription_id);
    let agents_rg = format!("{subscription}/resourceGroups/{}", info.defaults.resource_group);
    let net_rg = format!("{subscription}/resourceGroups/rg-net");
    // Two service principals without any role.
    let seeds: SeedSections = serde_json::from_value(json!({ "service_principals": [
        { "name": "spawner", "client_id": SPAWNER.0, "object_id": SPAWNER.1, "client_secret": secret_of(SPAWNER.0) },
        { "name": "reaper", "client_id": REAPER.0, "object_id": REAPER.1, "client_secret": secret_of(REAPER.0) },
        { "name": "auditor", "client_id": AUDITOR.0, "object_id": AUDITOR.1, "client_secret": secret_of(AUDITOR.0) },
    ] }))
    .unwrap();
    world.emulator.control().seed(&seeds).unwrap();
    let arm = owner(&world);
    arm_put(&arm, &net_rg, &json!({ "location": info.defaults.location })).await;
    let spawner_scopes = [agents_rg.clone(), net_rg.clone()];
    let spawner_path = format!("{subscription}/providers/Microsoft.Authorization/roleDefinitions/{SPAWNER_ROLE}");
    arm_put(&arm, &spawner_path, &spawner_role(&spawner_scopes, None)).await;
    let reaper_scopes = [agents_rg.clone()];
    let reaper_path = format!("{subscription}/providers/Microsoft.Authorization/roleDefinitions/{REAPER_ROLE}");
    arm_put(&arm, &reaper_path, &reaper_role(&reaper_scopes, Some(DELETE_ACTION))).await;
    // As the README: the spawner on the group and on the subnet; the reaper on the group.
    assign(&arm, &world, &agents_rg, SPAWNER_ROLE, SPAWNER.1, 1).await;
    assign(&arm, &world, &subnet(&world), SPAWNER_ROLE, SPAWNER.1, 2).await;
    assign(&arm, &world, &agents_rg, REAPER_ROLE, REAPER.1, 3).await;
    assign(&arm, &world, &agents_rg, READER_ROLE, AUDITOR.1, 4).await;

    // spawn-agent with the whole role: the agent comes online.
    let (code, out) = run(SPAWN_BIN, &spawn_env(&world, 1)).exit_code().await;
    assert_eq!(code, 0, "{out}");
    let name = name_of(1);
    assert_eq!(agent_status(&world, &name), Some(AgentStatus::Online), "{out}");

    // Without assigning the identity: refused before anything is created.
    arm_put(&arm, &spawner_path, &spawner_role(&spawner_scopes, Some(ASSIGN_ACTION))).await;
    let (code, out) = run(SPAWN_BIN, &spawn_env(&world, 2)).exit_code().await;
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("LinkedAuthorizationFailed"), "{out}");
    assert!(out.contains(ASSIGN_ACTION), "{out}");
    assert!(!group_exists(&world, &name_of(2)).await, "{out}");

    // The agent's group stops (killed), the agent goes offline: reap's to clean.
    groups(&world)
        .stop(&info.defaults.resource_group, &name, None)
        .await
        .unwrap();
    wait_until("the agent to go offline", async || {
        agent_status(&world, &name) == Some(AgentStatus::Offline)
    })
    .await;
    tokio::time::sleep(Duration::from_millis(1100)).await;

    // reap --dry-run needs only Reader.
    let mut auditor = as_principal(reap_env(&world), AUDITOR);
    auditor.insert("REAP_MIN_AGE".to_owned(), "1s".to_owned());
    let (code, out) = Entrypoint::spawn(
        {
            let mut command = Command::new(REAP_BIN);
            command.arg("--dry-run");
            command
        },
        &auditor,
        false,
    )
    .exit_code()
    .await;
    assert_eq!(code, 0, "{out}");
    assert!(
        out.lines().any(|l| l.contains(&name) && l.contains("would delete")),
        "{out}"
    );

    // reap without the delete action fails on the group, naming the action.
    let (code, out) = run(REAP_BIN, &reap_env(&world)).exit_code().await;
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("AuthorizationFailed"), "{out}");
    assert!(out.contains(&format!("'{DELETE_ACTION}'")), "{out}");
    assert!(group_exists(&world, &name).await, "{out}");

    // With the README's role: the group is deleted.
    arm_put(&arm, &reaper_path, &reaper_role(&reaper_scopes, None)).await;
    let (code, out) = run(REAP_BIN, &reap_env(&world)).exit_code().await;
    assert_eq!(code, 0, "{out}");
    wait_until("the group to be deleted", async || !group_exists(&world, &name).await).await;
    assert_eq!(agent_status(&world, &name), None, "{out}");
    world.assert_clean().await;
}
