//! The `az-emulator` binary: one JSON line, signals, exit codes.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

const BINARY: &str = env!("CARGO_BIN_EXE_az-emulator");

#[test]
fn serve_prints_one_json_line_and_exits_0_on_sigterm() {
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
    for pointer in [
        "/endpoints/arm",
        "/endpoints/login",
        "/endpoints/imds",
        "/endpoints/app_service_identity",
        "/endpoints/admin",
        "/ca_file",
        "/defaults/tenant_id",
        "/defaults/client_id",
        "/defaults/client_secret",
        "/defaults/subscription_id",
        "/defaults/resource_group",
        "/defaults/identity_client_id",
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
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let exit = child.wait().expect("exits");
    assert_eq!(exit.code(), Some(0));
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
