//! The official Azure management SDKs for Python (`azure-mgmt-containerregistry`, with its
//! 2025-03-01-preview and 2019-06-01-preview API sets, and `azure-mgmt-network`) against the
//! emulator's Container Registry and Network providers: every long-running operation followed by
//! `azure-core`'s ARM poller, every body read by the SDKs' own models, build contexts and logs
//! through `azure-storage-blob`. The emulator is judged by clients nobody here wrote; the
//! scenarios and their assertions are in `tests/python/acr_network_client.py`.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use az_emulator::{AcrConfig, EmulatorConfig, ListenerKind};
use serde_json::{Value, json};

use crate::common::{Harness, imports, in_ci, python, quick_config};

/// The pinned packages the script needs (the `pip install` line of `.ci/run`).
const PACKAGES: &str = "azure-mgmt-containerregistry==14.0.0 azure-mgmt-network==33.1.0 azure-storage-blob==12.27.1";

/// The modules the script imports.
const MODULES: [&str; 3] = [
    "azure.mgmt.containerregistry",
    "azure.mgmt.network",
    "azure.storage.blob",
];

/// How long the whole script may take (about 40 long-running operations with Azure's
/// `Retry-After: 1`, and a dozen runs).
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(300);

/// Short operations, instant run steps, and the two images the script's `cmd` steps run.
fn config() -> EmulatorConfig {
    let sh = |script: &str| vec!["sh".to_owned(), "-c".to_owned(), script.to_owned(), "sh".to_owned()];
    let images: BTreeMap<String, Vec<String>> = [
        ("local/echo:1".to_owned(), sh("echo \"hello from $1\"")),
        ("local/sleep:1".to_owned(), sh("echo sleeping; exec sleep 60")),
    ]
    .into_iter()
    .collect();
    EmulatorConfig {
        images,
        acr: AcrConfig {
            step_ms: 0,
            scripts: Vec::new(),
        },
        ..quick_config()
    }
}

/// Runs `tests/python/<script>` with `args`, the emulator's CA and `secrets` in its environment
/// (never argv), no proxy, at most [`SCRIPT_TIMEOUT`]; the JSON of its last stdout line.
async fn run_script(python: &str, script: &str, args: &[&str], ca: &Path, secrets: &[(&str, &str)]) -> Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python").join(script);
    let mut command = tokio::process::Command::new(python);
    command
        .arg(&script)
        .args(args)
        .envs(secrets.iter().copied())
        .env("AZ_EMULATOR_CA", ca)
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("no_proxy", "127.0.0.1,localhost")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true);
    for proxy in [
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ] {
        command.env_remove(proxy);
    }
    let output = tokio::time::timeout(SCRIPT_TIMEOUT, command.output())
        .await
        .unwrap_or_else(|_| panic!("{} ends within {SCRIPT_TIMEOUT:?}", script.display()))
        .expect("python starts");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{}\n{stdout}\n{stderr}", output.status);
    serde_json::from_str(stdout.lines().last().unwrap_or_default()).expect("one JSON line")
}

/// Whether `python` has every module of [`MODULES`]; `false` prints why the test is skipped
/// (outside CI only: in CI a missing package fails).
async fn has_sdks(python: &str, test: &str) -> bool {
    for module in MODULES {
        if !imports(python, module).await {
            assert!(
                !in_ci(),
                "CI is set but {python} cannot import {module} (pip install {PACKAGES})"
            );
            eprintln!(
                "skipped {test}: {python} cannot import {module} (pip install {PACKAGES}, or set AZ_EMULATOR_PYTHON)"
            );
            return false;
        }
    }
    true
}

#[tokio::test]
async fn the_official_python_management_sdks_drive_registries_pools_runs_tasks_and_networks() {
    let python = python();
    if !has_sdks(
        &python,
        "the_official_python_management_sdks_drive_registries_pools_runs_tasks_and_networks",
    )
    .await
    {
        return;
    }
    let h = Harness::with(config()).await;
    let token = h.token().await;
    let d = &h.info().defaults;
    let found = run_script(
        &python,
        "acr_network_client.py",
        &[
            &h.info().endpoints.arm,
            &d.subscription_id,
            &d.resource_group,
            &d.location,
        ],
        &h.info().ca_file,
        &[("AZ_ARM_TOKEN", &token)],
    )
    .await;

    assert_eq!(found["registry"]["loginServer"], "pyregistry.azurecr.io", "{found}");
    assert_eq!(found["registry"]["sku"], "Premium");
    for api in ["2025-03-01-preview", "2019-06-01-preview"] {
        let pools = &found["agentPools"][api];
        assert_eq!(pools["count"], 2, "{api}: {pools}");
        assert_eq!(pools["queue"], 0, "{api}: {pools}");
        assert_eq!(pools["deleted"], true, "{api}: {pools}");
        assert_eq!(pools["basicRegistry"]["status"], 400, "{api}: {pools}");
    }
    assert_eq!(found["quickRun"]["status"], "Succeeded");
    assert_eq!(found["quickRun"]["logComplete"], "Succeeded");
    assert_eq!(found["build"]["logComplete"], "Succeeded");
    assert_eq!(found["build"]["missingDockerfile"], "Failed");
    assert_eq!(found["canceled"], "Canceled");
    assert_eq!(found["runs"]["top"], json!([found["build"]["runId"]]));
    assert_eq!(found["runs"]["all"], 4);
    assert_eq!(found["runs"]["badFilter"]["code"], "InvalidFilterInQueryString");
    for api in ["2025-03-01-preview", "2019-06-01-preview"] {
        let task = &found["tasks"][api];
        assert_eq!(task["agentPoolName"], "pyruns", "{api}: {task}");
        assert_eq!(task["taskRun"]["agentPoolName"], "pyruns", "{api}: {task}");
        assert_eq!(task["poolOnTaskRun"]["status"], 400, "{api}: {task}");
        assert_eq!(task["deleted"], true, "{api}: {task}");
    }
    assert_eq!(
        found["taskTriggers"],
        json!({ "step": "Docker", "masked": true, "details": true })
    );
    assert_eq!(
        found["legacyRuns"],
        json!({ "scheduled": "Succeeded", "canceled": "Canceled" })
    );
    let network = &found["network"];
    assert_eq!(network["subnets"], json!(["agents", "other"]), "{network}");
    assert_eq!(network["defaultRules"], 6);
    assert_eq!(network["rules"], json!(["allow-keyvault", "allow-monitor"]));
    assert_eq!(network["routes"], json!(["storage-direct", "to-firewall"]));
    assert_eq!(
        (&network["subnetNsg"], &network["subnetRouteTable"]),
        (&json!(true), &json!(true))
    );
    assert_eq!(network["nsgInUse"]["code"], "InUseNetworkSecurityGroupCannotBeDeleted");
    assert_eq!(network["tagged"], json!(["nsg", "routeTable", "vnet"]));
    assert_eq!(found["poolInSubnet"], "S2");
    assert!(
        found["networkDeleted"]
            .as_object()
            .is_some_and(|checks| checks.values().all(|gone| gone == true)),
        "{found}"
    );
    assert_eq!(found["registryDeleted"], true);

    // Every ARM answer was a success but the refusals the script provoked (one per 4xx below)
    // and the reads of what it had deleted; the token was never journaled.
    let journal = h.emulator.control().journal();
    let arm: Vec<_> = journal.iter().filter(|e| e.listener == ListenerKind::Arm).collect();
    assert!(arm.len() > 100, "{}", arm.len());
    assert!(arm.iter().all(|e| e.status.is_some_and(|s| s < 500)), "{arm:#?}");
    let refusals: Vec<_> = arm
        .iter()
        .filter(|e| e.status.is_some_and(|s| (400..500).contains(&s) && s != 404))
        .map(|e| (e.method.as_str(), e.status))
        .collect();
    assert_eq!(
        refusals,
        [
            ("PUT", Some(400)),
            ("PUT", Some(400)),
            ("GET", Some(400)),
            ("POST", Some(400)),
            ("POST", Some(400)),
            ("DELETE", Some(400))
        ],
        "{arm:#?}"
    );
    let blob = journal.iter().filter(|e| e.listener == ListenerKind::Blob);
    assert!(blob.clone().count() >= 3 && blob.clone().all(|e| e.status.is_some_and(|s| s < 400)));
    assert!(!format!("{journal:?}").contains(&token));
}
