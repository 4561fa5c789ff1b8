//! The `az-emulator` binary: one JSON line, signals, exit codes.

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdout, Command, Stdio};

const BINARY: &str = env!("CARGO_BIN_EXE_az-emulator");

/// Starts `az-emulator serve` and reads its one JSON line.
fn serve() -> (Child, BufReader<ChildStdout>, String, serde_json::Value) {
    let mut child = Command::new(BINARY)
        .arg("serve")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("binary starts");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).expect("reads the startup line");
    let info: serde_json::Value = serde_json::from_str(&line).expect("the line is JSON");
    (child, stdout, line, info)
}

/// Sends SIGTERM and returns the exit code.
fn terminate(mut child: Child) -> Option<i32> {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    child.wait().expect("exits").code()
}

#[test]
fn serve_prints_one_json_line_and_exits_0_on_sigterm() {
    let (child, mut stdout, line, info) = serve();
    for pointer in [
        "/endpoints/arm",
        "/endpoints/login",
        "/endpoints/imds",
        "/endpoints/app_service_identity",
        "/endpoints/admin",
        "/endpoints/devops",
        "/ca_file",
        "/defaults/tenant_id",
        "/defaults/client_id",
        "/defaults/client_secret",
        "/defaults/subscription_id",
        "/defaults/resource_group",
        "/defaults/identity_client_id",
        "/defaults/devops_organization",
        "/defaults/devops_url",
        "/defaults/devops_pool",
        "/defaults/devops_pat",
        "/env/AZP_URL",
        "/admin_token",
    ] {
        let value = info.pointer(pointer).and_then(|v| v.as_str());
        assert!(value.is_some_and(|v| !v.is_empty()), "{pointer} in {line}");
    }
    assert!(
        info["endpoints"]["arm"]
            .as_str()
            .unwrap()
            .starts_with("https://127.0.0.1:")
    );
    assert!(
        info["endpoints"]["imds"]
            .as_str()
            .unwrap()
            .starts_with("http://127.0.0.1:")
    );
    assert_eq!(info["env"]["AZ_CLOUD"], "AzureEmulator");
    let ca_file = info["ca_file"].as_str().unwrap().to_owned();
    assert!(std::path::Path::new(&ca_file).exists());

    let mut rest = String::new();
    assert_eq!(terminate(child), Some(0));
    std::io::Read::read_to_string(&mut stdout, &mut rest).unwrap();
    assert_eq!(rest, "", "exactly one line on stdout");
    assert!(
        !std::path::Path::new(&ca_file).exists(),
        "its temp state dir is removed"
    );
}

#[test]
fn config_errors_exit_2_with_one_line() {
    let dir = std::env::temp_dir().join(format!("az-emulator-binary-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("bad.toml");
    std::fs::write(&config, "[faults]\nrate_429 = \"often\"\n").unwrap();
    let output = Command::new(BINARY)
        .args(["serve", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(lines[0].contains(&format!("{}:2:", config.display())), "{stderr}");
    assert!(lines[0].contains("rate_429"), "{stderr}");
    assert!(output.stdout.is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn unknown_arguments_exit_2_naming_the_argument() {
    let output = Command::new(BINARY).args(["serve", "--verbose"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr, "az-emulator: unknown argument '--verbose' (see --help)\n");
    let help = Command::new(BINARY).arg("--help").output().unwrap();
    assert_eq!(help.status.code(), Some(0));
    assert!(
        String::from_utf8(help.stdout)
            .unwrap()
            .contains("az-emulator serve [--config FILE]")
    );
}

/// A client that is not ours, knowing only the printed line: it trusts the CA file, gets a token
/// from the printed login endpoint with the printed principal, and reads the printed resource
/// group from the printed ARM endpoint, in Azure's documented wire format.
#[tokio::test]
async fn a_foreign_client_needs_only_the_printed_line() {
    let (child, _stdout, _line, info) = serve();
    let text = |pointer: &str| info.pointer(pointer).and_then(|v| v.as_str()).unwrap().to_owned();
    let ca_pem = std::fs::read_to_string(text("/ca_file")).expect("the CA file is readable");
    let http = crate::common::client(&ca_pem);
    let form = [
        ("grant_type", "client_credentials".to_owned()),
        ("client_id", text("/defaults/client_id")),
        ("client_secret", text("/defaults/client_secret")),
        ("scope", "https://management.azure.com/.default".to_owned()),
    ];
    let body = form
        .iter()
        .map(|(k, v)| {
            format!(
                "{k}={}",
                url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>()
            )
        })
        .collect::<Vec<_>>()
        .join("&");
    let token = http
        .post(format!(
            "{}/{}/oauth2/v2.0/token",
            text("/endpoints/login"),
            text("/defaults/tenant_id")
        ))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .expect("the token endpoint answers");
    assert_eq!(token.status(), 200);
    let token: serde_json::Value = serde_json::from_slice(&token.bytes().await.unwrap()).unwrap();
    assert_eq!(token["token_type"], "Bearer");
    let group = http
        .get(format!(
            "{}/subscriptions/{}/resourceGroups/{}?api-version=2021-04-01",
            text("/endpoints/arm"),
            text("/defaults/subscription_id"),
            text("/defaults/resource_group")
        ))
        .bearer_auth(token["access_token"].as_str().unwrap())
        .send()
        .await
        .expect("ARM answers");
    assert_eq!(group.status(), 200);
    let group: serde_json::Value = serde_json::from_slice(&group.bytes().await.unwrap()).unwrap();
    assert_eq!(group["name"], text("/defaults/resource_group").as_str());
    assert_eq!(group["type"], "Microsoft.Resources/resourceGroups");

    let health = format!("{}/health", text("/endpoints/admin"));
    let refused = http.get(&health).send().await.expect("the admin API answers");
    assert_eq!(refused.status(), 401, "the admin API is open without the token");
    let wrong = http.get(&health).bearer_auth("not-the-token").send().await.unwrap();
    assert_eq!(wrong.status(), 401);
    let admitted = http
        .get(&health)
        .bearer_auth(text("/admin_token"))
        .send()
        .await
        .unwrap();
    assert_eq!(admitted.status(), 200);
    assert_eq!(terminate(child), Some(0));
}

/// The emulator killed with SIGKILL (no shutdown, no cleanup of its own) still ends every process
/// of its containers, also the detached ones: each container's shim sees its lifeline close.
#[tokio::test]
async fn a_killed_emulator_leaves_no_container_process() {
    use crate::aci_processes::containment::{DETACH_SCRIPT, DETACHED, recorded, tools_present};
    if !tools_present() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("az-emulator-killed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (config, pids) = (dir.join("config.json"), dir.join("pids"));
    let images = serde_json::json!({ "local/detach:1": ["/bin/sh", "-c", DETACH_SCRIPT] });
    let text = serde_json::json!({ "operation_duration_ms": 100, "images": images }).to_string();
    std::fs::write(&config, text).unwrap();
    let mut child = Command::new(BINARY)
        .args(["serve", "--config"])
        .arg(&config)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("binary starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let info: serde_json::Value = serde_json::from_str(&line).expect("the line is JSON");
    let text = |pointer: &str| info.pointer(pointer).and_then(|v| v.as_str()).unwrap().to_owned();
    let http = crate::common::client(&std::fs::read_to_string(text("/ca_file")).unwrap());
    let form = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "client_credentials")
        .append_pair("client_id", &text("/defaults/client_id"))
        .append_pair("client_secret", &text("/defaults/client_secret"))
        .append_pair("scope", "https://management.azure.com/.default")
        .finish();
    let login = format!(
        "{}/{}/oauth2/v2.0/token",
        text("/endpoints/login"),
        text("/defaults/tenant_id")
    );
    let response = http
        .post(login)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .unwrap();
    let token: serde_json::Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    let body = serde_json::json!({
        "location": "eastus",
        "properties": {
            "osType": "Linux",
            "restartPolicy": "Never",
            "containers": [{ "name": "main", "properties": {
                "image": "local/detach:1",
                "resources": { "requests": { "cpu": 1, "memoryInGB": 1.5 } },
                "environmentVariables": [{ "name": "PIDS", "value": pids.display().to_string() }]
            }}]
        }
    });
    let created = http
        .put(format!(
            "{}/subscriptions/{}/resourceGroups/{}/providers/Microsoft.ContainerInstance/containerGroups/killed?api-version=2023-05-01",
            text("/endpoints/arm"),
            text("/defaults/subscription_id"),
            text("/defaults/resource_group")
        ))
        .bearer_auth(token["access_token"].as_str().unwrap())
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    for _ in 0..1000 {
        if recorded(&pids).len() >= DETACHED {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let started = recorded(&pids);
    assert!(started.len() >= DETACHED, "only {started:?} recorded");

    child.kill().expect("SIGKILL");
    child.wait().unwrap();
    for pid in recorded(&pids) {
        assert!(
            crate::aci_support::process_is_gone(pid).await,
            "process {pid} outlived the emulator"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
