//! Agent packages: the metadata route and the unauthenticated, streamed download.

use std::io::Read;
use std::path::PathBuf;

use az_emulator::{AgentPackageSeed, DevopsConfig, EmulatorConfig};
use reqwest::Method;
use serde_json::json;

use crate::common::{Harness, quick_config};
use crate::devops_support::{TempDir, devops_config, is_executable};

fn sha256_hex(bytes: &[u8]) -> String {
    ring::digest::digest(&ring::digest::SHA256, bytes)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test]
async fn the_stand_in_package_is_advertised_downloaded_and_matches_its_hash() {
    let h = Harness::with(devops_config()).await;
    let auth = h.pat_auth();
    let listed = h
        .devops(
            Method::GET,
            "packages/agent?platform=linux-x64&$top=1&api-version=7.1",
            Some(&auth),
            None,
        )
        .await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    assert_eq!(listed.json["count"], 1);
    let package = listed.json["value"][0].clone();
    assert_eq!(package["type"], "agent");
    assert_eq!(package["platform"], "linux-x64");
    assert_eq!(package["version"], json!({ "major": 4, "minor": 258, "patch": 1 }));
    assert_eq!(package["filename"], "vsts-agent-linux-x64-4.258.1.tar.gz");
    assert!(package["createdOn"].is_string());
    assert!(package["infoUrl"].is_string());
    let url = package["downloadUrl"].as_str().unwrap();
    assert_eq!(
        url,
        format!(
            "{}/_packages/vsts-agent-linux-x64-4.258.1.tar.gz",
            h.info().endpoints.devops
        )
    );
    let without_top = h
        .devops(
            Method::GET,
            "packages/agent?platform=linux-x64&api-version=7.1",
            Some(&auth),
            None,
        )
        .await;
    assert_eq!(without_top.json["value"][0]["hashValue"], package["hashValue"]);
    let other = h
        .devops(
            Method::GET,
            "packages/agent?platform=win-x64&api-version=7.1",
            Some(&auth),
            None,
        )
        .await;
    assert_eq!(other.json, json!({ "count": 0, "value": [] }));

    let response = h.http.get(url).send().await.expect("download");
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "application/octet-stream"
    );
    let length: usize = response.headers()["content-length"].to_str().unwrap().parse().unwrap();
    let archive = response.bytes().await.unwrap();
    assert_eq!(archive.len(), length);
    assert_eq!(package["hashValue"], sha256_hex(&archive));

    let dir = TempDir::new("package");
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(archive.as_ref()));
    tar.set_preserve_permissions(true);
    tar.unpack(dir.path()).expect("unpacks");
    for script in ["config.sh", "run.sh", "env.sh", "bin/Agent.Listener"] {
        assert!(is_executable(&dir.path().join(script)), "{script}");
    }
    let emulator: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join(".emulator.json")).unwrap()).unwrap();
    assert_eq!(emulator["caPem"], h.emulator.ca_pem());
    assert_eq!(emulator["loginEndpoint"], h.info().endpoints.login.as_str());
    let mut config = String::new();
    std::fs::File::open(dir.path().join("config.sh"))
        .unwrap()
        .read_to_string(&mut config)
        .unwrap();
    assert!(config.starts_with("#!/bin/sh"));

    let unknown = h
        .http
        .get(format!("{}/_packages/nothing.tar.gz", h.info().endpoints.devops))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
}

#[tokio::test]
async fn configured_archives_are_served_as_they_are_and_a_missing_agent_is_a_clear_404() {
    let dir = TempDir::new("archives");
    let big: Vec<u8> = (0..3_000_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let small = b"not really a tarball".to_vec();
    let (big_file, small_file) = (dir.path().join("big.tar.gz"), dir.path().join("small.tar.gz"));
    std::fs::write(&big_file, &big).unwrap();
    std::fs::write(&small_file, &small).unwrap();
    let package = |platform: &str, version: &str, file: Option<PathBuf>, hash: Option<&str>| AgentPackageSeed {
        platform: platform.to_owned(),
        version: version.to_owned(),
        file,
        hash_override: hash.map(str::to_owned),
    };
    let config = EmulatorConfig {
        devops: DevopsConfig {
            agent_binary: Some(dir.path().join("no-such-agent")),
            packages: vec![
                package("linux-x64", "4.100.0", Some(small_file), Some("0000")),
                package("linux-x64", "4.258.1", Some(big_file), None),
                package("linux-arm64", "4.258.1", None, None),
            ],
            ..DevopsConfig::default()
        },
        ..quick_config()
    };
    let h = Harness::with(config).await;
    let auth = h.pat_auth();
    let listed = h
        .devops(
            Method::GET,
            "packages/agent?platform=linux-x64&api-version=7.1",
            Some(&auth),
            None,
        )
        .await;
    assert_eq!(listed.json["count"], 2, "{}", listed.text);
    assert_eq!(listed.json["value"][0]["version"]["minor"], 258);
    assert_eq!(listed.json["value"][0]["hashValue"], sha256_hex(&big));
    assert_eq!(listed.json["value"][1]["hashValue"], "0000");
    let top = h
        .devops(
            Method::GET,
            "packages/agent?platform=linux-x64&$top=1&api-version=7.1",
            Some(&auth),
            None,
        )
        .await;
    assert_eq!(top.json["count"], 1);

    let url = listed.json["value"][0]["downloadUrl"].as_str().unwrap();
    let downloaded = h.http.get(url).send().await.unwrap().bytes().await.unwrap();
    assert_eq!(downloaded.len(), big.len());
    assert!(downloaded.as_ref() == big.as_slice());

    let missing = h
        .devops(
            Method::GET,
            "packages/agent?platform=linux-arm64&api-version=7.1",
            Some(&auth),
            None,
        )
        .await;
    assert_eq!(missing.status, 404, "{}", missing.text);
    assert!(missing.json["message"].as_str().unwrap().contains("agent_binary"));
    let download = h
        .http
        .get(format!(
            "{}/_packages/vsts-agent-linux-arm64-4.258.1.tar.gz",
            h.info().endpoints.devops
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(download.status(), 404);
    assert!(download.text().await.unwrap().contains("agent_binary"));
    assert!(h.emulator.lay_out_agent(dir.path()).is_err());
}
