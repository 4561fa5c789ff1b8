//! Bad input: each one line on stderr naming the input, exit 2, and no write in the journal.

use super::strs;
use super::world::{ACCOUNT, RG, World};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_inputs_are_one_line_exit_2_and_write_nothing() {
    let w = World::start(300).await;
    let package = w.package(1_000).display().to_string();
    let image = w.id("Microsoft.Compute/images/app-image");
    let disk = w.id("Microsoft.Compute/disks/d1");
    let subnet = w.id("Microsoft.Network/virtualNetworks/vnet/subnets/build");
    let not_json = w.dir.join("not-a-template.json");
    std::fs::write(&not_json, "{ \"location\": ").unwrap();
    let base = |extra: &[&str]| -> Vec<String> {
        let mut args: Vec<String> = [
            "build",
            "--location",
            &w.location,
            "--resource-group",
            RG,
            "--identity",
            &w.identity,
            "--source",
            "Canonical:ubuntu-24_04-lts:server",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for pair in extra.chunks(2) {
            match args.iter().position(|a| a == pair[0]) {
                Some(at) if pair.len() == 2 => args[at + 1] = pair[1].to_owned(),
                _ => args.extend(pair.iter().map(|s| s.to_string())),
            }
        }
        args
    };
    let without = |flag: &str, extra: &[&str]| -> Vec<String> {
        let mut args = base(extra);
        let at = args.iter().position(|a| a == flag).unwrap();
        args.drain(at..at + 2);
        args
    };
    let vhd = ["--distribute", "vhd"];
    let cases: Vec<(Vec<String>, &str)> = vec![
        (without("--resource-group", &vhd), "--resource-group"),
        (base(&["--distribute", "floppy"]), "--distribute"),
        (base(&["--distribute", "vhd", "--provisioner", "bash"]), "--provisioner"),
        (
            base(&["--distribute", "vhd", "--os-disk-size", "big"]),
            "--os-disk-size",
        ),
        (base(&["--distribute", "vhd", "--sas", "account-key"]), "--sas"),
        (base(&["--distribute", "vhd", "--cleanup", "sometimes"]), "--cleanup"),
        (
            base(&["--distribute", "vhd", "--resource-group", "bad/group"]),
            "--resource-group:",
        ),
        (without("--source", &vhd), "--source: required"),
        (
            base(&["--distribute", "vhd", "--source", "Canonical:ubuntu"]),
            "--source: invalid source",
        ),
        (
            base(&["--distribute", "vhd", "--source", &disk]),
            "--source: invalid source",
        ),
        (without("--location", &vhd), "--location: required"),
        (without("--identity", &vhd), "--identity:"),
        (base(&["--distribute", "vhd", "--identity", &disk]), "--identity:"),
        (base(&[]), "--distribute: required"),
        (base(&["--distribute", "managed-image"]), "--image-id: required"),
        (
            base(&["--distribute", "vhd", "--image-id", &image]),
            "--image-id: only with",
        ),
        (
            base(&["--distribute", "managed-image", "--image-id", &disk]),
            "--image-id:",
        ),
        (base(&["--distribute", "gallery"]), "--gallery-image-id: required"),
        (
            base(&["--distribute", "gallery", "--gallery-image-id", &image]),
            "--gallery-image-id:",
        ),
        (
            base(&[
                "--distribute",
                "managed-image",
                "--image-id",
                &image,
                "--replication-regions",
                "westus",
            ]),
            "--replication-regions: only",
        ),
        (
            base(&["--distribute", "vhd", "--build-timeout", "5"]),
            "--build-timeout:",
        ),
        (
            base(&["--distribute", "vhd", "--aci-subnet-id", &subnet]),
            "--aci-subnet-id:",
        ),
        (base(&["--distribute", "vhd", "--subnet-id", &disk]), "--subnet-id:"),
        (
            base(&["--distribute", "vhd", "--package-path", "/nonexistent/app"]),
            "--package-path:",
        ),
        (
            base(&["--distribute", "vhd", "--package-path", &package]),
            "--storage-account: required",
        ),
        (
            base(&["--distribute", "vhd", "--storage-account", ACCOUNT]),
            "--storage-account: only used",
        ),
        (
            base(&[
                "--distribute",
                "vhd",
                "--package-path",
                &package,
                "--storage-account",
                "Bad_Name",
            ]),
            "--storage-account:",
        ),
        (
            base(&[
                "--distribute",
                "vhd",
                "--package-path",
                &package,
                "--storage-account",
                "nosuchaccount",
            ]),
            "--storage-account: no storage account",
        ),
        (base(&["--distribute", "vhd", "--windows-update"]), "--windows-update:"),
        (
            base(&["--distribute", "vhd", "--inline-script", "@/nonexistent/script.sh"]),
            "--inline-script:",
        ),
        (
            base(&["--distribute", "vhd", "--inline-script", "\n  \n"]),
            "--inline-script:",
        ),
        (
            base(&["--distribute", "vhd", "--template-file", "/nonexistent/t.json"]),
            "--template-file:",
        ),
        (
            base(&[
                "--distribute",
                "vhd",
                "--template-file",
                &not_json.display().to_string(),
            ]),
            "--template-file:",
        ),
        (
            base(&["--distribute", "vhd", "--staging-resource-group", "bad name!"]),
            "--staging-resource-group:",
        ),
        (
            base(&["--distribute", "vhd", "--resource-group", "rg-missing"]),
            "--resource-group: resource group 'rg-missing' does not exist",
        ),
        (
            base(&["--distribute", "vhd", "--poll-interval", "0"]),
            "--poll-interval:",
        ),
        (vec!["reap".into(), "--min-age".into(), "2d".into()], "--min-age:"),
        (
            vec![
                "logs".into(),
                "--resource-group".into(),
                RG.into(),
                "--name".into(),
                "bad name".into(),
            ],
            "--name:",
        ),
        (vec!["deploy".into()], "deploy"),
    ];
    assert!(cases.len() >= 20);
    let mark = w.journal_mark();
    for (args, expected) in &cases {
        let ran = w.run(&strs(args)).await;
        assert_eq!(ran.code, Some(2), "{args:?}: {ran:?}");
        assert_eq!(ran.stderr.lines().count(), 1, "{args:?}: one line: {:?}", ran.stderr);
        assert!(
            ran.stderr.starts_with("##[error]image-builder: "),
            "{args:?}: {}",
            ran.stderr
        );
        assert!(
            ran.stderr.contains(expected),
            "{args:?}: expected '{expected}' in {}",
            ran.stderr
        );
    }
    w.assert_no_write_since(mark, "bad inputs");
}
