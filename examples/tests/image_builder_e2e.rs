//! `image-builder` end to end: the real binary against the in-process az-emulator over TLS
//! (Image Builder, Compute, Storage over ARM, Blob), with the emulator's `AZ_*` environment.

#[path = "image_builder_e2e/bad_input.rs"]
mod bad_input;
#[path = "support/cli.rs"]
mod cli;
#[path = "image_builder_e2e/faults.rs"]
mod faults;
#[path = "image_builder_e2e/outcomes.rs"]
mod outcomes;
#[path = "image_builder_e2e/reap.rs"]
mod reap;
#[path = "image_builder_e2e/signals.rs"]
mod signals;
#[path = "image_builder_e2e/world.rs"]
mod world;

use az_emulator::ImageBuildScript;
use world::{ACCOUNT, Announced, LATEST, RG, World};

fn strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

fn variable(name: &str, value: &str) -> String {
    format!("##vso[task.setvariable variable={name}]{value}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn builds_with_each_distributor_print_the_variables_and_leave_nothing() {
    let w = World::start(300).await;
    let package = w.package(200_000);

    // A managed image, the package read with a user-delegation SAS.
    let image = w.id("Microsoft.Compute/images/app-image");
    let mut args = w.build_args(&package);
    args.extend(["--distribute", "managed-image", "--image-id", &image].map(String::from));
    let ran = w.run(&strs(&args)).await;
    assert_eq!(ran.code, Some(0), "{ran:?}");
    let name = ran.template();
    for (variable_name, value) in [
        ("imageUri", image.as_str()),
        ("templateName", name.as_str()),
        ("templateId", w.template_path(&name).as_str()),
        ("pirPublisher", "Canonical"),
        ("pirOffer", "ubuntu-24_04-lts"),
        ("pirSku", "server"),
        ("pirVersion", LATEST),
    ] {
        assert!(
            ran.stdout.contains(&variable(variable_name, value)),
            "{variable_name}: {}",
            ran.stdout
        );
    }
    for phase in ["run: Running Queued", "run: Succeeded"] {
        assert!(ran.stdout.contains(phase), "{phase}: {}", ran.stdout);
    }
    assert!(ran.stdout.contains("uploading "), "{}", ran.stdout);
    let outputs = std::fs::read_to_string(w.github_output()).unwrap();
    assert!(outputs.contains(&format!("imageUri={image}\n")), "{outputs}");
    assert!(outputs.contains(&format!("pirVersion={LATEST}\n")), "{outputs}");
    assert!(w.managed_image(&image).await.is_some(), "the managed image");
    w.assert_nothing_left(&name).await;

    // A gallery image version, the package read by the template's identity (no SAS).
    let definition = w.gallery_image("gallery1", "app").await;
    let mut args = w.build_args(&package);
    args.extend(
        [
            "--distribute",
            "gallery",
            "--gallery-image-id",
            &definition,
            "--replication-regions",
            &w.location,
            "--sas",
            "none",
        ]
        .map(String::from),
    );
    let ran = w.run(&strs(&args)).await;
    assert_eq!(ran.code, Some(0), "{ran:?}");
    let uri = format!("{}{definition}/versions/", variable("imageUri", ""));
    assert!(ran.stdout.contains(&uri), "{}", ran.stdout);
    w.assert_nothing_left(&ran.template()).await;

    // A VHD from a Windows image: zip package, PowerShell and Windows Update.
    let args = [
        "build",
        "--location",
        &w.location,
        "--resource-group",
        RG,
        "--identity",
        &w.identity,
        "--source",
        "MicrosoftWindowsServer:WindowsServer:2022-datacenter-azure-edition",
        "--package-path",
        &package.display().to_string(),
        "--storage-account",
        &w.account,
        "--provisioner",
        "powershell",
        "--windows-update",
        "--inline-script",
        "Get-ChildItem C:\\buildArtifacts\\app",
        "--distribute",
        "vhd",
    ]
    .map(String::from);
    let ran = w.run(&strs(&args)).await;
    assert_eq!(ran.code, Some(0), "{ran:?}");
    let line = ran
        .stdout
        .lines()
        .find(|l| l.starts_with(&variable("imageUri", "")))
        .unwrap_or_default();
    assert!(line.contains(".vhd"), "{}", ran.stdout);
    assert!(ran.stdout.contains(&variable("pirPublisher", "MicrosoftWindowsServer")));
    w.assert_nothing_left(&ran.template()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_build_prints_its_provisioner_keeps_its_staging_group_and_always_removes_everything() {
    let w = World::start(300).await;
    let message = "install: exit 3. Script exited with non-zero exit status: 3. Allowed exit codes are: [0]";
    w.control
        .script_image_builds(ImageBuildScript {
            template: None,
            fail_in_customizer: Some(3),
            message: Some(message.to_owned()),
            stuck_canceling: false,
        })
        .unwrap();
    let package = w.package(10_000);
    let mut args = w.build_args(&package);
    args.extend(["--distribute", "vhd"].map(String::from));

    let ran = w.run(&strs(&args)).await;
    assert_eq!(ran.code, Some(1), "{ran:?}");
    let name = ran.template();
    let group = ran
        .stdout
        .find("##[group]customization.log: the failing provisioner, shell")
        .expect(&ran.stdout);
    let end = ran.stdout[group..].find("##[endgroup]").expect(&ran.stdout) + group;
    assert!(
        ran.stdout[group..end].contains("Starting provisioner shell"),
        "{}",
        ran.stdout
    );
    assert!(
        ran.stdout[end..]
            .lines()
            .any(|l| l.starts_with("##[error]") && l.contains("non-zero exit status: 3")),
        "{}",
        ran.stdout
    );
    let saved = w.dir.join(format!("{name}-customization.log"));
    let log = std::fs::read_to_string(&saved).expect("the whole log saved");
    assert!(ran.stdout.contains(&saved.display().to_string()), "{}", ran.stdout);
    assert!(log.contains("(telemetry) Starting provisioner file"), "{log}");
    assert!(!ran.stdout.contains("##vso[task.setvariable"), "{}", ran.stdout);
    assert_eq!(w.staging_groups(&name).await.len(), 1, "the staging group is kept");
    assert!(w.template(&name).await.is_some(), "the failed template is kept");

    // `logs` reads the same log from the kept template.
    let logs = w.run(&["logs", "--resource-group", RG, "--name", &name]).await;
    assert_eq!(logs.code, Some(0), "{logs:?}");
    assert_eq!(logs.stdout, log);

    args.extend(["--cleanup", "always"].map(String::from));
    let ran = w.run(&strs(&args)).await;
    assert_eq!(ran.code, Some(1), "{ran:?}");
    assert!(ran.stdout.contains("##[group]customization.log"), "{}", ran.stdout);
    w.assert_nothing_left(&ran.template()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_prints_the_masked_template_and_writes_nothing() {
    let w = World::start(300).await;
    let template = serde_json::json!({
        "location": w.location,
        "identity": { "type": "UserAssigned", "userAssignedIdentities": { w.identity.clone(): {} } },
        "properties": {
            "source": { "type": "PlatformImage", "publisher": "Canonical", "offer": "ubuntu-24_04-lts", "sku": "server", "version": "latest" },
            "customize": [{
                "type": "Shell",
                "name": "setup",
                "scriptUri": "https://example.com/setup.sh?sv=2025-05-05&sr=b&sp=r&se=2030-01-01T00%3A00%3A00Z&sig=SECRETSIGNATURE"
            }],
            "distribute": [{ "type": "VHD", "runOutputName": "vhd" }]
        }
    });
    let file = w.dir.join("template.json");
    std::fs::write(&file, template.to_string()).unwrap();
    let package = w.package(1_000);
    let mark = w.journal_mark();
    let ran = w
        .run(&[
            "build",
            "--template-file",
            &file.display().to_string(),
            "--resource-group",
            RG,
            "--package-path",
            &package.display().to_string(),
            "--storage-account",
            ACCOUNT,
            "--check",
        ])
        .await;
    assert_eq!(ran.code, Some(0), "{ran:?}");
    assert!(
        ran.stdout.contains("https://example.com/setup.sh?<redacted>"),
        "{}",
        ran.stdout
    );
    assert!(!ran.stdout.contains("SECRETSIGNATURE"), "{}", ran.stdout);
    assert!(
        ran.stdout.contains("\"createdBy\": \"azure-ephemeral-image-builder\""),
        "{}",
        ran.stdout
    );
    // The package's steps come first, as they will be submitted: the blob read with a masked
    // SAS, the checksum still to be computed, then the unpack step.
    let printed: serde_json::Value = serde_json::from_str(&ran.stdout[ran.stdout.find('{').expect(&ran.stdout)..])
        .unwrap_or_else(|e| panic!("{e}: {}", ran.stdout));
    let steps = printed["properties"]["customize"].as_array().expect(&ran.stdout);
    assert_eq!(steps.len(), 3, "{}", ran.stdout);
    assert_eq!(steps[0]["type"], "File");
    let source = steps[0]["sourceUri"].as_str().unwrap();
    assert!(
        source.contains("/imagebuilder/t_") && source.ends_with("/app.tar.gz?<redacted>"),
        "{source}"
    );
    assert_eq!(steps[0]["sha256Checksum"], "<computed at upload>");
    assert_eq!(steps[0]["destination"], "/tmp/app.tar.gz");
    assert_eq!(steps[1]["name"], "unpack artifacts");
    assert_eq!(steps[2]["name"], "setup");
    w.assert_no_write_since(mark, "--check");
}
