//! Packing a build context as `az acr build` does: the archive's entries for a tree with
//! ignores, an override file, a Dockerfile elsewhere, symlinks and empty folders; a file gone
//! while the pack runs; a context that is not a folder; the upload to a SAS URL (wiremock
//! behind the redirecting transport).

use acr_agentpool::Error;
use acr_agentpool::context::{BuildContext, upload_context};
use arm_core::storage::{LogProgress, SasUrl, StorageClient, StorageClientOptions, UploadOptions};
use arm_core::test_support::{ManualClock, redirecting_transport_builder};
use arm_core::{RetryOptions, azure_core::http::ClientOptions};
use flate2::read::GzDecoder;
use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::AsyncReadExt;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A folder under the temporary directory, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Self {
        let root = std::env::temp_dir().join(format!("acr-context-{:016x}", fastrand::u64(..)));
        fs::create_dir_all(&root).unwrap();
        Self(root)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    fn write(&self, name: &str, content: &[u8]) {
        let path = self.0.join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, content).unwrap();
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// What an archive holds: name → `file:<content>`, `dir`, `link:<target>`.
fn entries(archive: &[u8]) -> BTreeMap<String, String> {
    let mut tar = tar::Archive::new(GzDecoder::new(archive));
    let mut found = BTreeMap::new();
    for entry in tar.entries().unwrap() {
        let mut entry = entry.unwrap();
        let name = String::from_utf8(entry.path_bytes().into_owned()).unwrap();
        assert!(!name.starts_with('/') && !name.split('/').any(|p| p == ".."), "{name}");
        let kind = entry.header().entry_type();
        let value = if kind.is_dir() {
            "dir".to_owned()
        } else if kind.is_symlink() {
            format!("link:{}", entry.link_name().unwrap().unwrap().display())
        } else {
            let mut content = String::new();
            entry.read_to_string(&mut content).unwrap();
            format!("file:{content}")
        };
        assert!(found.insert(name.clone(), value).is_none(), "{name} twice");
    }
    found
}

async fn pack(context: BuildContext) -> (Vec<u8>, acr_agentpool::context::PackSummary) {
    let mut packed = context.pack();
    let mut archive = Vec::new();
    packed.read_to_end(&mut archive).await.unwrap();
    (archive, packed.finish().await.unwrap())
}

fn expected(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

/// A context with what `.dockerignore` rules meet in practice.
fn tree() -> Scratch {
    let dir = Scratch::new();
    dir.write("Dockerfile", b"FROM scratch\n");
    dir.write(
        ".dockerignore",
        b"# build output\nnode_modules\n!node_modules/keep.js\n**/*.log\n*.md\n!README.md\n",
    );
    dir.write("README.md", b"readme");
    dir.write("NOTES.md", b"notes");
    dir.write("src/main.rs", b"fn main() {}");
    dir.write("src/debug.log", b"log");
    dir.write("node_modules/keep.js", b"keep");
    dir.write("node_modules/drop.js", b"drop");
    dir.write(".git/HEAD", b"ref");
    dir.write(".gitignore", b"target");
    fs::create_dir_all(dir.path().join("empty")).unwrap();
    std::os::unix::fs::symlink("src/main.rs", dir.path().join("main-link")).unwrap();
    std::os::unix::fs::symlink("/etc/hostname", dir.path().join("outside-link")).unwrap();
    dir
}

#[tokio::test]
async fn a_build_context_holds_what_the_cli_packs() {
    let dir = tree();
    let context = BuildContext::for_build(dir.path(), None).unwrap();
    let copy = context.dockerfile_in_archive().unwrap().to_owned();
    let (hex, name) = copy.split_once('_').unwrap();
    assert_eq!((hex.len(), name), (32, "Dockerfile"), "{copy}");
    assert!(hex.bytes().all(|b| b.is_ascii_hexdigit()));
    let (archive, summary) = pack(context).await;
    let mut want = expected(&[
        (
            ".dockerignore",
            "file:# build output\nnode_modules\n!node_modules/keep.js\n**/*.log\n*.md\n!README.md\n",
        ),
        ("Dockerfile", "file:FROM scratch\n"),
        ("README.md", "file:readme"),
        ("empty/", "dir"),
        ("main-link", "link:src/main.rs"),
        ("node_modules/keep.js", "file:keep"),
        ("outside-link", "link:/etc/hostname"),
        ("src/", "dir"),
        ("src/main.rs", "file:fn main() {}"),
    ]);
    want.insert(copy, "file:FROM scratch\n".to_owned());
    assert_eq!(entries(&archive), want);
    assert_eq!(summary.files, 6);
    assert_eq!(summary.entries, 10);
    assert_eq!(summary.bytes, archive.len() as u64);
    // The same folder packs in the same order (names sorted in each folder, the copy last).
    let names: Vec<String> = tar::Archive::new(GzDecoder::new(&archive[..]))
        .entries()
        .unwrap()
        .map(|e| String::from_utf8(e.unwrap().path_bytes().into_owned()).unwrap())
        .collect();
    assert_eq!(names.first().map(String::as_str), Some(".dockerignore"));
    assert!(names.last().unwrap().ends_with("_Dockerfile"));
}

#[tokio::test]
async fn permissions_are_kept() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tree();
    fs::set_permissions(dir.path().join("src/main.rs"), fs::Permissions::from_mode(0o751)).unwrap();
    let (archive, _) = pack(BuildContext::for_build(dir.path(), None).unwrap()).await;
    let mut tar = tar::Archive::new(GzDecoder::new(&archive[..]));
    let mode = tar
        .entries()
        .unwrap()
        .map(Result::unwrap)
        .find(|e| e.path_bytes().as_ref() == b"src/main.rs")
        .unwrap()
        .header()
        .mode()
        .unwrap();
    assert_eq!(mode, 0o751);
}

#[tokio::test]
async fn a_dockerfile_outside_the_context_and_its_override_file() {
    let dir = tree();
    let elsewhere = Scratch::new();
    elsewhere.write("prod.Dockerfile", b"FROM busybox\n");
    // `<name>.dockerignore` in the context overrides `.dockerignore`, which it also leaves out.
    dir.write("prod.Dockerfile.dockerignore", b"src\n");
    let file = elsewhere.path().join("prod.Dockerfile");
    let context = BuildContext::for_build(dir.path(), Some(&file)).unwrap();
    assert_eq!(
        context.ignore().file(),
        Some(dir.path().join("prod.Dockerfile.dockerignore").as_path())
    );
    let copy = context.dockerfile_in_archive().unwrap().to_owned();
    assert!(copy.ends_with("_prod.Dockerfile"), "{copy}");
    let found = entries(&pack(context).await.0);
    assert!(
        !found.contains_key(".dockerignore"),
        "the override leaves .dockerignore out"
    );
    assert!(!found.contains_key("src/") && !found.contains_key("src/main.rs"));
    assert!(found.contains_key("NOTES.md") && found.contains_key("node_modules/drop.js"));
    assert!(found.contains_key("prod.Dockerfile.dockerignore"));
    assert_eq!(found[&copy], "file:FROM busybox\n");
    assert!(!found.contains_key(".git/HEAD") && !found.contains_key(".gitignore"));
}

#[tokio::test]
async fn an_ignored_dockerfile_is_still_sent_and_a_run_context_has_none() {
    let dir = tree();
    dir.write(".dockerignore", b"Dockerfile\n");
    let context = BuildContext::for_build(dir.path(), None).unwrap();
    let copy = context.dockerfile_in_archive().unwrap().to_owned();
    let found = entries(&pack(context).await.0);
    assert!(!found.contains_key("Dockerfile"));
    assert_eq!(found[&copy], "file:FROM scratch\n");
    // `az acr run <folder>`: no Dockerfile, and `.dockerignore` is applied and left out.
    let run = BuildContext::for_run(dir.path()).unwrap();
    assert_eq!(run.dockerfile_in_archive(), None);
    let found = entries(&pack(run).await.0);
    assert!(!found.contains_key("Dockerfile") && !found.contains_key(".dockerignore"));
    assert!(found.keys().all(|name| !name.ends_with("_Dockerfile")));
}

#[tokio::test]
async fn bad_contexts_are_one_line() {
    let dir = tree();
    let cases = [
        (
            BuildContext::for_build(dir.path().join("README.md"), None).unwrap_err(),
            "context",
        ),
        (BuildContext::for_run(dir.path().join("nope")).unwrap_err(), "context"),
        (
            BuildContext::for_build(dir.path(), Some(Path::new("/nonexistent/Dockerfile"))).unwrap_err(),
            "--file",
        ),
        (
            BuildContext::for_build(dir.path().join("src"), None).unwrap_err(),
            "--file",
        ),
    ];
    for (error, field) in cases {
        let message = error.to_string();
        assert!(message.starts_with(&format!("invalid {field}: ")), "{message}");
        assert!(!message.contains('\n') && message.contains("expected"), "{message}");
    }
    dir.write(".dockerignore", b"ok\n(\n");
    let message = BuildContext::for_build(dir.path(), None).unwrap_err().to_string();
    assert!(message.contains(".dockerignore line 2"), "{message}");
}

#[tokio::test]
async fn a_socket_fails_the_pack_naming_it() {
    let dir = tree();
    let socket = dir.path().join("agent.sock");
    let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    let mut packed = BuildContext::for_build(dir.path(), None).unwrap().pack();
    assert!(
        packed.read_to_end(&mut Vec::new()).await.is_err(),
        "never a complete stream"
    );
    let error = packed.finish().await.unwrap_err();
    assert!(matches!(error, Error::Pack { .. }));
    let message = error.to_string();
    assert!(
        message.starts_with(&format!("cannot pack {}: ", socket.display())),
        "{message}"
    );
    assert!(message.contains("socket") && !message.contains('\n'), "{message}");
}

#[tokio::test]
async fn a_file_deleted_while_packing_fails_the_pack_naming_it() {
    let dir = tree();
    // Incompressible and larger than the pipe: the packer blocks inside it until read.
    let noise: Vec<u8> = (0..8 * 1024 * 1024).map(|_| fastrand::u8(..)).collect();
    fs::write(dir.path().join("a-big.bin"), noise).unwrap();
    dir.write("b-victim.txt", b"soon gone");
    let mut packed = BuildContext::for_build(dir.path(), None).unwrap().pack();
    let mut first = [0u8; 1];
    packed.read_exact(&mut first).await.unwrap();
    // The root folder has been listed (the first bytes are out); the victim is not read yet.
    fs::remove_file(dir.path().join("b-victim.txt")).unwrap();
    assert!(packed.read_to_end(&mut Vec::new()).await.is_err());
    let message = packed.finish().await.unwrap_err().to_string();
    assert!(message.contains("b-victim.txt"), "{message}");
}

#[tokio::test]
async fn upload_sends_the_archive_to_the_sas_url() {
    let dir = tree();
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/source/20260101/run-1.tar.gz"))
        .and(query_param("sig", "c2lnbmF0dXJl"))
        .respond_with(ResponseTemplate::new(201).insert_header("ETag", "\"0x1\""))
        .expect(1)
        .mount(&server)
        .await;
    let origin = "https://acrsource.blob.core.windows.net";
    let transport = redirecting_transport_builder(&server.uri())
        .unwrap()
        .rewrite_origin("test", origin, &server.uri())
        .unwrap()
        .build()
        .unwrap();
    let storage = StorageClient::new(Some(StorageClientOptions {
        client_options: ClientOptions {
            transport: Some(transport.to_transport()),
            ..Default::default()
        },
        retry: RetryOptions {
            initial_delay: Duration::from_millis(10),
            ..RetryOptions::default()
        },
        clock: Some(ManualClock::new()),
        version: None,
    }))
    .unwrap();
    let sas = SasUrl::parse(&format!(
        "{origin}/source/20260101/run-1.tar.gz?sv=2026-02-06&sr=b&sp=cw&se=2099-01-01T00%3A00%3A00Z&sig=c2lnbmF0dXJl"
    ))
    .unwrap();
    let context = BuildContext::for_build(dir.path(), None).unwrap();
    let copy = context.dockerfile_in_archive().unwrap().to_owned();
    let options = UploadOptions {
        progress: Some(Arc::new(LogProgress::new("context", Duration::from_secs(60)))),
        ..UploadOptions::default()
    };
    let uploaded = upload_context(&storage, &sas, context, Some(options)).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    let body = &requests.last().unwrap().body;
    assert_eq!(uploaded.bytes, body.len() as u64);
    assert_eq!(uploaded.files, 6);
    assert_eq!(uploaded.dockerfile_path.as_deref(), Some(copy.as_str()));
    let digest = ring_free_sha256(body);
    assert_eq!(uploaded.sha256, digest);
    assert!(entries(body).contains_key("src/main.rs"));
}

/// The SHA-256 of `data` through `sha256sum`, so that the test does not share the code under test.
fn ring_free_sha256(data: &[u8]) -> String {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new("sha256sum")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(data).unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned()
}
