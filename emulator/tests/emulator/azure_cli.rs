//! The Azure CLI against the emulator, with the commands of the README's "Using the Azure CLI
//! against the emulator": register the cloud by discovery, log in as its service principal,
//! and manage resource groups, identities and container groups.
//!
//! The Azure CLI is large and not installed by CI: this test runs when `az` is on `PATH` (or
//! `AZ_EMULATOR_AZ_CLI` names it) and is skipped with a notice otherwise.

use super::common::Harness;
use std::path::PathBuf;
use std::process::Command;

/// The Azure CLI to run, if there is one.
fn azure_cli() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("AZ_EMULATOR_AZ_CLI") {
        return Some(PathBuf::from(path));
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join("az"))
        .find(|candidate| candidate.is_file())
}

/// Runs `az args...` with its configuration in `config_dir`, trusting the emulator's CA; its
/// standard output.
fn az(cli: &PathBuf, config_dir: &std::path::Path, ca_bundle: &std::path::Path, args: &[&str]) -> String {
    let output = Command::new(cli)
        .args(args)
        .env("AZURE_CONFIG_DIR", config_dir)
        .env("REQUESTS_CA_BUNDLE", ca_bundle)
        .env("AZURE_CORE_COLLECT_TELEMETRY", "false")
        .env("AZURE_CORE_NO_COLOR", "true")
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env_remove("HTTPS_PROXY")
        .env_remove("https_proxy")
        .output()
        .expect("the Azure CLI starts");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "az {}: {}\n{stdout}\n{}",
        args.join(" "),
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_azure_cli_discovers_the_cloud_logs_in_and_manages_resources() {
    let Some(cli) = azure_cli() else {
        eprintln!(
            "skipped the_azure_cli_discovers_the_cloud_logs_in_and_manages_resources: no az on PATH (or AZ_EMULATOR_AZ_CLI)"
        );
        return;
    };
    let h = Harness::start().await;
    let info = h.info().clone();
    let defaults = info.defaults.clone();
    let config = tempdir();
    let ca = info.ca_bundle_file.clone();
    let arm = format!("{}/", info.endpoints.arm);
    tokio::task::spawn_blocking(move || {
        let az = |args: &[&str]| az(&cli, &config, &ca, args);
        az(&["config", "set", "core.instance_discovery=false"]);
        az(&[
            "cloud",
            "register",
            "-n",
            "Emulator",
            "--endpoint-resource-manager",
            &arm,
        ]);
        az(&["cloud", "set", "-n", "Emulator"]);
        let login = az(&[
            "login",
            "--service-principal",
            "-u",
            &defaults.client_id,
            "-p",
            &defaults.client_secret,
            "--tenant",
            &defaults.tenant_id,
            "-o",
            "tsv",
            "--query",
            "[].id",
        ]);
        assert_eq!(login.trim(), defaults.subscription_id);
        az(&["group", "create", "-n", "rg-cli", "-l", "eastus", "-o", "none"]);
        let rg = format!("/subscriptions/{}/resourceGroups/rg-cli", defaults.subscription_id);
        let role = config.join("reaper.json");
        let definition = serde_json::json!({
            "Name": "cli-reaper",
            "IsCustom": true,
            "Description": "Read and delete container groups.",
            "Actions": ["Microsoft.ContainerInstance/containerGroups/read", "Microsoft.ContainerInstance/containerGroups/delete"],
            "NotActions": [],
            "AssignableScopes": [rg],
        });
        std::fs::write(&role, definition.to_string()).unwrap();
        az(&["role", "definition", "create", "--role-definition", &format!("@{}", role.display()), "-o", "none"]);
        let assigned = az(&[
            "role", "assignment", "create", "--assignee-object-id", "11111111-2222-3333-4444-555555555555",
            "--assignee-principal-type", "ServicePrincipal", "--role", "cli-reaper", "--scope", &rg, "-o", "tsv",
            "--query", "scope",
        ]);
        assert_eq!(assigned.trim(), rg);
        az(&["identity", "create", "-g", "rg-cli", "-n", "id-cli", "-o", "none"]);
        az(&[
            "container",
            "create",
            "-g",
            "rg-cli",
            "-n",
            "cg-cli",
            "--image",
            "mcr.microsoft.com/azuredocs/aci-helloworld",
            "--os-type",
            "Linux",
            "--cpu",
            "1",
            "--memory",
            "1",
            "--restart-policy",
            "Never",
            "-o",
            "none",
        ]);
        let types = az(&[
            "resource",
            "list",
            "-g",
            "rg-cli",
            "-o",
            "tsv",
            "--query",
            "sort([].type)",
        ]);
        assert_eq!(
            types.split_whitespace().collect::<Vec<_>>(),
            [
                "Microsoft.ContainerInstance/containerGroups",
                "Microsoft.ManagedIdentity/userAssignedIdentities"
            ]
        );
        az(&["container", "stop", "-g", "rg-cli", "-n", "cg-cli"]);
        let state = az(&[
            "container",
            "show",
            "-g",
            "rg-cli",
            "-n",
            "cg-cli",
            "-o",
            "tsv",
            "--query",
            "instanceView.state",
        ]);
        assert_eq!(state.trim(), "Stopped");
        az(&[
            "container",
            "delete",
            "-g",
            "rg-cli",
            "-n",
            "cg-cli",
            "--yes",
            "-o",
            "none",
        ]);
        az(&["group", "delete", "-n", "rg-cli", "--yes"]);
        let groups = az(&["group", "list", "-o", "tsv", "--query", "[].name"]);
        assert_eq!(groups.trim(), defaults.resource_group);
        let _ = std::fs::remove_dir_all(&config);
    })
    .await
    .unwrap();
}

fn tempdir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("az-emulator-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
