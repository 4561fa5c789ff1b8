//! `install_stream` end to end: packages built in memory with `tar` and `flate2`, delivered in chunks.

#![cfg(unix)]

use azp_agent::install::{
    InstallError, InstallOptions, MAX_ENTRIES, MAX_UNPACK_RATIO, Progress, UNPACK_FLOOR, find_agent, install_stream,
};
use bytes::Bytes;
use flate2::{Compression, write::GzEncoder};
use futures::{Stream, stream};
use std::fs;
use std::io;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tar::{EntryType, Header};

/// A unique directory under the system's temporary directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("azp-install-test-{}-{n}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    /// Where the agent goes.
    fn dest(&self) -> PathBuf {
        self.0.join("agent")
    }

    /// Names in the directory, sorted.
    fn names(&self) -> Vec<String> {
        names(&self.0)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// An entry of a test package.
#[derive(Clone)]
enum Entry {
    File(&'static str, u32, Vec<u8>),
    Dir(&'static str, u32),
    Symlink(&'static str, &'static str),
    HardLink(&'static str, &'static str),
    Special(&'static str, EntryType),
    /// A regular file of this many zero bytes, streamed into the archive.
    Zeros(&'static str, u64),
    /// The same directory header, this many times.
    ManyDirs(&'static str, u64),
    /// A header written as is, for names `tar::Builder` refuses (`..`, absolute).
    Raw {
        name: &'static str,
        kind: EntryType,
        link: &'static str,
        data: &'static [u8],
    },
}

use Entry::*;

fn raw_file(name: &'static str) -> Entry {
    Raw {
        name,
        kind: EntryType::Regular,
        link: "",
        data: b"evil\n",
    }
}

/// Pseudo-random bytes: they do not compress, so packages have many chunks.
fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

fn tar_gz(entries: &[Entry]) -> Vec<u8> {
    let mut builder = tar::Builder::new(GzEncoder::new(Vec::new(), Compression::fast()));
    for entry in entries {
        let mut h = Header::new_gnu();
        h.set_mtime(1_700_000_000);
        h.set_mode(0o644);
        h.set_size(0);
        match entry {
            File(path, mode, data) => {
                h.set_entry_type(EntryType::Regular);
                h.set_mode(*mode);
                h.set_size(data.len() as u64);
                builder.append_data(&mut h, path, data.as_slice()).unwrap();
            }
            Dir(path, mode) => {
                h.set_entry_type(EntryType::Directory);
                h.set_mode(*mode);
                builder.append_data(&mut h, path, io::empty()).unwrap();
            }
            Symlink(path, target) => {
                h.set_entry_type(EntryType::Symlink);
                h.set_mode(0o777);
                builder.append_link(&mut h, path, target).unwrap();
            }
            HardLink(path, target) => {
                h.set_entry_type(EntryType::Link);
                builder.append_link(&mut h, path, target).unwrap();
            }
            Special(path, kind) => {
                h.set_entry_type(*kind);
                builder.append_data(&mut h, path, io::empty()).unwrap();
            }
            Zeros(path, len) => {
                h.set_entry_type(EntryType::Regular);
                h.set_size(*len);
                builder
                    .append_data(&mut h, path, io::Read::take(io::repeat(0), *len))
                    .unwrap();
            }
            ManyDirs(path, count) => {
                h.set_entry_type(EntryType::Directory);
                h.set_mode(0o755);
                h.set_path(path).unwrap();
                h.set_cksum();
                let many = h.as_bytes().repeat(4096);
                let writer = builder.get_mut();
                for _ in 0..count / 4096 {
                    io::Write::write_all(writer, &many).unwrap();
                }
                for _ in 0..count % 4096 {
                    io::Write::write_all(writer, h.as_bytes()).unwrap();
                }
            }
            Raw { name, kind, link, data } => {
                h.set_entry_type(*kind);
                h.set_size(data.len() as u64);
                let old = h.as_old_mut();
                old.name[..name.len()].copy_from_slice(name.as_bytes());
                old.linkname[..link.len()].copy_from_slice(link.as_bytes());
                h.set_cksum();
                builder.append(&h, *data).unwrap();
            }
        }
    }
    builder.into_inner().unwrap().finish().unwrap()
}

/// The files of an agent, with a nested directory, a symbolic link and a hard link.
fn agent_entries(big: usize) -> Vec<Entry> {
    vec![
        Dir("bin", 0o755),
        File("config.sh", 0o755, b"#!/bin/bash\necho configure\n".to_vec()),
        File("run.sh", 0o750, b"#!/bin/bash\necho run\n".to_vec()),
        File("bin/Agent.Listener", 0o755, b"\x7fELF listener".to_vec()),
        File("bin/Agent.Listener.dll", 0o644, noise(big, 1)),
        File("bin/setuid-tool", 0o4755, b"tool".to_vec()),
        File("bin/readonly.json", 0o444, b"{}".to_vec()),
        Dir("externals/node/lib", 0o755),
        File("externals/node/lib/npm-cli.js", 0o644, b"// npm".to_vec()),
        Symlink("externals/node/bin/npm", "../lib/npm-cli.js"),
        HardLink("bin/Agent.Listener.copy.dll", "bin/Agent.Listener.dll"),
        File("license.html", 0o644, b"<html/>".to_vec()),
    ]
}

fn with(mut entries: Vec<Entry>, more: &[Entry]) -> Vec<Entry> {
    entries.extend_from_slice(more);
    entries
}

fn sha256(bytes: &[u8]) -> String {
    ring::digest::digest(&ring::digest::SHA256, bytes)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

type Body = Vec<Result<Bytes, io::Error>>;

fn chunks(bytes: &[u8], size: usize) -> Body {
    bytes.chunks(size).map(|c| Ok(Bytes::copy_from_slice(c))).collect()
}

/// A body that must not be read.
fn untouchable() -> impl Stream<Item = Result<Bytes, io::Error>> + Send + Unpin + 'static {
    stream::poll_fn(|_| panic!("the body was read"))
}

async fn install(body: Body, hash: &str, dest: &Path) -> Result<azp_agent::install::AgentDir, InstallError> {
    install_with(body, hash, dest, &InstallOptions::default()).await
}

async fn install_with(
    body: Body,
    hash: &str,
    dest: &Path,
    options: &InstallOptions,
) -> Result<azp_agent::install::AgentDir, InstallError> {
    tokio::time::timeout(
        Duration::from_secs(60),
        install_stream(stream::iter(body), hash, dest, options),
    )
    .await
    .expect("the install finishes")
}

fn mode(path: &Path) -> u32 {
    fs::symlink_metadata(path).unwrap().permissions().mode() & 0o7777
}

#[tokio::test]
async fn a_good_package_is_installed_whatever_the_chunks() {
    let package = tar_gz(&agent_entries(40_000));
    let hash = sha256(&package);
    for size in [1, 7, 64 * 1024, package.len()] {
        let dir = TempDir::new("good");
        let dest = dir.dest();
        let agent = install(chunks(&package, size), &hash.to_ascii_uppercase(), &dest)
            .await
            .unwrap();
        assert_eq!(agent.root(), dest);
        assert_eq!(find_agent(&dest).unwrap(), Some(agent.clone()), "chunks of {size}");
        assert_eq!(
            dir.names(),
            ["agent"],
            "nothing but the agent is left, chunks of {size}"
        );

        assert_eq!(
            fs::read(agent.config_script()).unwrap(),
            b"#!/bin/bash\necho configure\n"
        );
        assert_eq!(mode(&agent.config_script()), 0o755);
        assert_eq!(mode(&agent.listener()), 0o755);
        assert_eq!(mode(&dest.join("run.sh")), 0o750);
        assert_eq!(mode(&dest.join("bin/Agent.Listener.dll")), 0o644);
        assert_eq!(mode(&dest.join("bin/setuid-tool")), 0o755, "setuid dropped");
        assert_eq!(mode(&dest.join("bin/readonly.json")), 0o444);
        assert_eq!(fs::read(dest.join("bin/Agent.Listener.dll")).unwrap(), noise(40_000, 1));
        let mtime = fs::metadata(dest.join("license.html")).unwrap().mtime();
        assert_eq!(mtime, 1_700_000_000);
        assert_eq!(
            fs::read_link(dest.join("externals/node/bin/npm")).unwrap(),
            Path::new("../lib/npm-cli.js")
        );
        assert_eq!(fs::read(dest.join("externals/node/bin/npm")).unwrap(), b"// npm");
        let copy = fs::metadata(dest.join("bin/Agent.Listener.copy.dll")).unwrap();
        assert_eq!(
            copy.ino(),
            fs::metadata(dest.join("bin/Agent.Listener.dll")).unwrap().ino()
        );
    }
}

#[tokio::test]
async fn dot_slash_paths_and_a_root_entry_are_accepted() {
    let package = tar_gz(&[
        Raw {
            name: "./",
            kind: EntryType::Directory,
            link: "",
            data: b"",
        },
        Raw {
            name: "./config.sh",
            kind: EntryType::Regular,
            link: "",
            data: b"#!/bin/sh\n",
        },
        File("./bin/Agent.Listener", 0o700, b"elf".to_vec()),
    ]);
    let dir = TempDir::new("dot-slash");
    let agent = install(chunks(&package, 100), &sha256(&package), &dir.dest())
        .await
        .unwrap();
    assert_eq!(names(agent.root()), ["bin", "config.sh"]);
}

#[tokio::test]
async fn progress_is_reported_after_each_chunk_up_to_the_total() {
    let package = tar_gz(&agent_entries(300_000));
    let dir = TempDir::new("progress");
    let seen: Arc<Mutex<Vec<Progress>>> = Arc::default();
    let options = InstallOptions::default()
        .with_total(Some(package.len() as u64))
        .with_progress({
            let seen = seen.clone();
            move |p| seen.lock().unwrap().push(p)
        });
    install_with(chunks(&package, 64 * 1024), &sha256(&package), &dir.dest(), &options)
        .await
        .unwrap();
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), package.len().div_ceil(64 * 1024));
    assert!(seen.windows(2).all(|w| w[0].bytes < w[1].bytes), "{seen:?}");
    assert!(seen.iter().all(|p| p.total == Some(package.len() as u64)));
    assert_eq!(seen.last().unwrap().bytes, package.len() as u64);
    assert_eq!(seen.last().unwrap().fraction(), Some(1.0));
}

#[tokio::test]
async fn a_hash_mismatch_leaves_nothing() {
    let package = tar_gz(&agent_entries(100_000));
    let dir = TempDir::new("mismatch");
    let wrong = "0".repeat(64);
    let err = install(chunks(&package, 4096), &wrong, &dir.dest()).await.unwrap_err();
    match &err {
        InstallError::HashMismatch { expected, actual } => {
            assert_eq!(expected, &wrong);
            assert_eq!(actual, &sha256(&package));
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains(&wrong), "{err}");
    assert!(dir.names().is_empty(), "{:?}", dir.names());
}

#[tokio::test]
async fn the_hash_covers_bytes_after_the_archive() {
    let package = tar_gz(&agent_entries(10_000));
    let mut body = package.clone();
    body.extend_from_slice(b"trailing bytes after the gzip stream");
    let dir = TempDir::new("trailing");
    install(chunks(&body, 1000), &sha256(&body), &dir.dest()).await.unwrap();

    let dir = TempDir::new("trailing-mismatch");
    let err = install(chunks(&body, 1000), &sha256(&package), &dir.dest())
        .await
        .unwrap_err();
    assert!(
        matches!(err, InstallError::HashMismatch { ref actual, .. } if *actual == sha256(&body)),
        "{err}"
    );
    assert!(dir.names().is_empty());
}

#[tokio::test]
async fn a_bad_hash_is_refused_before_reading() {
    let dir = TempDir::new("bad-hash");
    for bad in ["", "abc", &"g".repeat(64), &"a".repeat(63), &"a".repeat(65)] {
        let err = install_stream(untouchable(), bad, &dir.dest(), &InstallOptions::default())
            .await
            .unwrap_err();
        assert!(
            matches!(err, InstallError::InvalidHash { ref value } if value == bad),
            "{err}"
        );
    }
    assert!(dir.names().is_empty());
}

#[tokio::test]
async fn unsafe_entries_are_refused_and_leave_nothing() {
    let cases: Vec<(Entry, &str, &str)> = vec![
        (raw_file("../x"), "../x", "escapes the agent directory"),
        (raw_file("/abs"), "/abs", "is an absolute path"),
        (raw_file("a/../../x"), "a/../../x", "escapes the agent directory"),
        (raw_file("a/../b"), "a/../b", "escapes the agent directory"),
        (
            Symlink("passwd", "/etc/passwd"),
            "passwd",
            "symbolic link to the absolute path '/etc/passwd'",
        ),
        (
            Symlink("a/b", "../../x"),
            "a/b",
            "symbolic link to '../../x', which escapes",
        ),
        (Symlink("up", ".."), "up", "which escapes"),
        (Special("fifo", EntryType::Fifo), "fifo", "is a FIFO"),
        (Special("tty", EntryType::Char), "tty", "is a character device"),
        (Special("sda", EntryType::Block), "sda", "is a block device"),
        (
            HardLink("h", "/etc/passwd"),
            "h",
            "hard link to '/etc/passwd', whose path is an absolute path",
        ),
        (
            Raw {
                name: "h",
                kind: EntryType::Link,
                link: "../x",
                data: b"",
            },
            "h",
            "escapes the agent directory",
        ),
        (HardLink("h", "nothing"), "h", "not a regular file extracted before it"),
    ];
    for (bad, entry_name, reason) in cases {
        // The agent comes first: the staging directory holds files when the bad entry is met.
        let package = tar_gz(&with(agent_entries(1000), &[bad, File("after", 0o644, b"x".to_vec())]));
        let dir = TempDir::new("unsafe");
        let err = install(chunks(&package, 512), &sha256(&package), &dir.dest())
            .await
            .unwrap_err();
        match &err {
            InstallError::UnsafeEntry { entry, reason: why } => {
                assert_eq!(entry, entry_name);
                assert!(why.contains(reason), "{entry_name}: {why}");
            }
            other => panic!("{entry_name}: {other:?}"),
        }
        assert!(
            err.to_string()
                .starts_with(&format!("unsafe entry in the agent package: '{entry_name}' "))
        );
        assert!(dir.names().is_empty(), "{entry_name}: {:?}", dir.names());
    }
}

#[tokio::test]
async fn links_cannot_chain_out_or_be_written_through() {
    let cases: Vec<(Vec<Entry>, &str, &str)> = vec![
        // `a/b` is the agent directory, so `a/b/../..` is its parent.
        (
            vec![Symlink("a/b", ".."), Symlink("x", "a/b/../..")],
            "x",
            "through the symbolic link 'a/b'",
        ),
        (
            vec![Symlink("x", "a/b/../.."), Symlink("a/b", "..")],
            "a/b",
            "the symbolic link 'x' needs a directory",
        ),
        (
            vec![Symlink("lnk", "bin"), File("lnk/evil", 0o644, b"x".to_vec())],
            "lnk/evil",
            "under the symbolic link 'lnk'",
        ),
        (
            vec![Symlink("lnk", "bin"), HardLink("h", "lnk/Agent.Listener")],
            "h",
            "under the symbolic link 'lnk'",
        ),
        (
            vec![Symlink("lnk", "bin/Agent.Listener"), HardLink("h", "lnk")],
            "h",
            "not a regular file",
        ),
        (
            vec![Dir("d", 0o755), Symlink("d", "bin")],
            "d",
            "would replace a directory",
        ),
    ];
    for (bad, entry_name, reason) in cases {
        let package = tar_gz(&with(agent_entries(100), &bad));
        let dir = TempDir::new("chain");
        let err = install(chunks(&package, 4096), &sha256(&package), &dir.dest())
            .await
            .unwrap_err();
        match &err {
            InstallError::UnsafeEntry { entry, reason: why } => {
                assert_eq!(entry, entry_name);
                assert!(why.contains(reason), "{entry_name}: {why}");
            }
            other => panic!("{entry_name}: {other:?}"),
        }
        assert!(dir.names().is_empty());
    }
}

#[tokio::test]
async fn a_truncated_archive_is_an_archive_error() {
    let package = tar_gz(&agent_entries(50_000));
    for len in [package.len() / 2, package.len() - 8, package.len() - 1, 5] {
        let body = &package[..len];
        let dir = TempDir::new("truncated");
        let err = install(chunks(body, 1024), &sha256(body), &dir.dest())
            .await
            .unwrap_err();
        assert!(matches!(err, InstallError::Archive { .. }), "{len}: {err:?}");
        assert!(dir.names().is_empty(), "{len}");
    }
    let dir = TempDir::new("not-gzip");
    let body = b"<html>not a package</html>";
    let err = install(chunks(body, 10), &sha256(body), &dir.dest()).await.unwrap_err();
    assert!(matches!(err, InstallError::Archive { .. }), "{err:?}");
    assert!(dir.names().is_empty());
}

#[tokio::test]
async fn a_download_error_leaves_nothing() {
    let package = tar_gz(&agent_entries(200_000));
    let mut body = chunks(&package, 8192);
    let half = body.len() / 2;
    body.insert(
        half,
        Err(io::Error::new(
            io::ErrorKind::ConnectionReset,
            "connection reset by peer",
        )),
    );
    let dir = TempDir::new("download-error");
    let err = install(body, &sha256(&package), &dir.dest()).await.unwrap_err();
    match &err {
        InstallError::Download { source } => assert_eq!(source.to_string(), "connection reset by peer"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "downloading the agent package failed: connection reset by peer"
    );
    assert!(dir.names().is_empty(), "{:?}", dir.names());
}

/// Staging directories of `dir`'s agent.
fn staging_dirs(dir: &TempDir) -> Vec<String> {
    dir.names()
        .into_iter()
        .filter(|n| n.starts_with(".agent.partial-"))
        .collect()
}

async fn eventually(what: &str, mut condition: impl FnMut() -> bool) {
    for _ in 0..500 {
        if condition() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("timed out waiting until {what}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_install_removes_its_staging_directory() {
    let package = tar_gz(&agent_entries(400_000));
    let parts: Vec<Bytes> = package.chunks(4096).map(Bytes::copy_from_slice).collect();
    // Part of the body; all of it but its end.
    for sent in [parts.len() / 2, parts.len()] {
        let dir = TempDir::new("dropped");
        let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(1);
        let body = Box::pin(stream::unfold(rx, |mut rx| async move {
            rx.recv().await.map(|b| (Ok::<_, io::Error>(b), rx))
        }));
        let (hash, dest) = (sha256(&package), dir.dest());
        let task = tokio::spawn(async move { install_stream(body, &hash, &dest, &InstallOptions::default()).await });
        for part in &parts[..sent] {
            tx.send(part.clone()).await.unwrap();
        }
        eventually("the agent is being extracted", || {
            staging_dirs(&dir)
                .first()
                .is_some_and(|s| dir.path().join(s).join("bin/Agent.Listener").exists())
        })
        .await;
        task.abort();
        assert!(task.await.unwrap_err().is_cancelled());
        eventually("the staging directory is removed", || staging_dirs(&dir).is_empty()).await;
        assert!(dir.names().is_empty(), "{:?}", dir.names());
        drop(tx);
    }
}

#[tokio::test]
async fn the_destination_must_be_missing_or_empty() {
    let dir = TempDir::new("dest");
    let dest = dir.dest();
    fs::create_dir(&dest).unwrap();
    fs::write(dest.join("something"), b"").unwrap();
    let hash = "a".repeat(64);
    let err = install_stream(untouchable(), &hash, &dest, &InstallOptions::default())
        .await
        .unwrap_err();
    assert!(
        matches!(err, InstallError::DestinationNotEmpty { dest: ref d } if *d == dest),
        "{err}"
    );
    let file = dir.path().join("file");
    fs::write(&file, b"").unwrap();
    let err = install_stream(untouchable(), &hash, &file, &InstallOptions::default())
        .await
        .unwrap_err();
    assert!(matches!(err, InstallError::DestinationNotEmpty { .. }), "{err}");
    assert_eq!(dir.names(), ["agent", "file"]);
    assert_eq!(names(&dest), ["something"]);
}

#[tokio::test]
async fn an_existing_empty_destination_is_filled() {
    let package = tar_gz(&agent_entries(1000));
    let dir = TempDir::new("empty-dest");
    fs::create_dir(dir.dest()).unwrap();
    let agent = install(chunks(&package, 999), &sha256(&package), &dir.dest())
        .await
        .unwrap();
    assert!(agent.listener().is_file());
    assert_eq!(dir.names(), ["agent"]);
}

#[tokio::test]
async fn a_package_without_an_agent_leaves_nothing() {
    let no_listener = vec![File("config.sh", 0o755, b"#!/bin/sh".to_vec()), Dir("bin", 0o755)];
    let not_executable = vec![
        File("config.sh", 0o755, b"#!/bin/sh".to_vec()),
        File("bin/Agent.Listener", 0o644, b"elf".to_vec()),
    ];
    let nested = vec![
        File("vsts-agent/config.sh", 0o755, b"#!/bin/sh".to_vec()),
        File("vsts-agent/bin/Agent.Listener", 0o755, b"elf".to_vec()),
    ];
    for entries in [no_listener, not_executable, nested] {
        let package = tar_gz(&entries);
        let dir = TempDir::new("not-an-agent");
        let err = install(chunks(&package, 100), &sha256(&package), &dir.dest())
            .await
            .unwrap_err();
        assert!(
            matches!(err, InstallError::NotAnAgent { dest: ref d } if *d == dir.dest()),
            "{err:?}"
        );
        assert!(dir.names().is_empty(), "{:?}", dir.names());
    }
}

#[tokio::test]
async fn a_half_install_is_incomplete_not_missing() {
    let package = tar_gz(&agent_entries(1000));
    let dir = TempDir::new("half");
    let agent = install(chunks(&package, 4096), &sha256(&package), &dir.dest())
        .await
        .unwrap();
    fs::set_permissions(agent.listener(), fs::Permissions::from_mode(0o644)).unwrap();
    let err = find_agent(agent.root()).unwrap_err();
    assert!(
        matches!(err, InstallError::Incomplete { ref dir, missing } if dir == agent.root() && missing.contains("execute")),
        "{err}"
    );
    fs::remove_file(agent.listener()).unwrap();
    let err = find_agent(agent.root()).unwrap_err();
    assert!(
        matches!(
            err,
            InstallError::Incomplete {
                missing: "bin/Agent.Listener",
                ..
            }
        ),
        "{err}"
    );
    // And an install over it is refused before reading.
    let err = install_stream(
        untouchable(),
        &sha256(&package),
        agent.root(),
        &InstallOptions::default(),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, InstallError::DestinationNotEmpty { .. }), "{err}");
}

#[tokio::test]
async fn a_bomb_of_zeros_fails_early_and_leaves_nothing() {
    // 256 MiB of zeros pack into a few hundred KiB: far more than 20 times the package.
    let package = tar_gz(&with(agent_entries(1000), &[Zeros("bin/zeros", 256 << 20)]));
    assert!(
        (package.len() as u64) * MAX_UNPACK_RATIO < UNPACK_FLOOR,
        "{}",
        package.len()
    );
    for total in [None, Some(package.len() as u64)] {
        let dir = TempDir::new("bomb-zeros");
        let options = InstallOptions::default().with_total(total);
        let err = install_with(chunks(&package, 64 * 1024), &sha256(&package), &dir.dest(), &options)
            .await
            .unwrap_err();
        match &err {
            InstallError::TooLarge { entry, limit, packed } => {
                assert_eq!(entry, "bin/zeros");
                assert_eq!(*limit, UNPACK_FLOOR, "{total:?}");
                // With a known size the file is refused from its header, before any of it is written.
                if total.is_some() {
                    assert_eq!(*packed, package.len() as u64);
                } else {
                    assert!(*packed <= package.len() as u64);
                }
            }
            other => panic!("{total:?}: {other:?}"),
        }
        let message = err.to_string();
        assert!(
            message.starts_with(&format!(
                "the agent package unpacks to more than {UNPACK_FLOOR} bytes at 'bin/zeros', from "
            )) && message.contains("expected at most 20 times the package's size")
                && !message.contains('\n'),
            "{message}"
        );
        assert!(dir.names().is_empty(), "{total:?}: {:?}", dir.names());
    }
}

#[tokio::test]
async fn a_package_of_too_many_entries_fails_and_leaves_nothing() {
    let package = tar_gz(&with(agent_entries(1000), &[ManyDirs("d", MAX_ENTRIES)]));
    let dir = TempDir::new("bomb-entries");
    let err = install(chunks(&package, 64 * 1024), &sha256(&package), &dir.dest())
        .await
        .unwrap_err();
    assert!(
        matches!(err, InstallError::TooManyEntries { ref entry, limit: MAX_ENTRIES } if entry == "d"),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .starts_with("the agent package has more than 200000 entries (at 'd'): expected at most 200000"),
        "{err}"
    );
    assert!(dir.names().is_empty(), "{:?}", dir.names());
}

#[tokio::test]
async fn a_large_package_within_the_ratio_is_installed() {
    // Noise does not compress (its repeats are too far apart for gzip): 70 MiB unpacked from about
    // as much, above the floor but within the ratio.
    let mut entries = agent_entries(1000);
    entries.push(File("bin/big.dll", 0o644, noise(1 << 20, 3).repeat(70)));
    let package = tar_gz(&entries);
    assert!(package.len() as u64 > UNPACK_FLOOR);
    for total in [None, Some(package.len() as u64)] {
        let dir = TempDir::new("large");
        let options = InstallOptions::default().with_total(total);
        install_with(chunks(&package, 256 * 1024), &sha256(&package), &dir.dest(), &options)
            .await
            .unwrap();
        assert_eq!(dir.names(), ["agent"]);
    }
}

#[tokio::test]
async fn unpacked_files_and_directories_are_never_group_or_world_writable() {
    let package = tar_gz(&[
        Dir("bin", 0o777),
        Dir("tmp", 0o1777),
        Dir("shared", 0o2775),
        File("config.sh", 0o777, b"#!/bin/sh\n".to_vec()),
        File("bin/Agent.Listener", 0o4777, b"elf".to_vec()),
        File("bin/setgid", 0o2777, b"x".to_vec()),
        File("bin/data.json", 0o666, b"{}".to_vec()),
        File("bin/group.json", 0o664, b"{}".to_vec()),
        File("implied/dir/file", 0o644, b"x".to_vec()),
    ]);
    let dir = TempDir::new("modes");
    let agent = install(chunks(&package, 4096), &sha256(&package), &dir.dest())
        .await
        .unwrap();
    let root = agent.root();
    for (path, expected) in [
        ("", 0o755),
        ("bin", 0o755),
        ("tmp", 0o755),
        ("shared", 0o755),
        ("implied", 0o755),
        ("implied/dir", 0o755),
        ("config.sh", 0o755),
        ("bin/Agent.Listener", 0o755),
        ("bin/setgid", 0o755),
        ("bin/data.json", 0o644),
        ("bin/group.json", 0o644),
    ] {
        // The umask may only take bits away from what is expected.
        let actual = mode(&root.join(path));
        assert_eq!(actual & 0o7022, 0, "'{path}' is {actual:o}");
        if !path.starts_with("implied") {
            assert_eq!(actual, expected, "'{path}' is {actual:o}");
        }
    }
}

#[tokio::test]
async fn a_staging_directory_left_by_a_killed_install_is_removed_first() {
    let package = tar_gz(&agent_entries(1000));
    let dir = TempDir::new("leftover");
    // What an install killed mid-way leaves: its staging directory, half filled, no longer locked.
    let leftover = dir.path().join(".agent.partial-0123456789abcdef");
    fs::create_dir_all(leftover.join("bin")).unwrap();
    fs::write(leftover.join("bin/Agent.Listener.dll"), noise(5000, 2)).unwrap();
    fs::write(dir.path().join(".agent.partial-notours"), b"kept").unwrap();
    install(chunks(&package, 4096), &sha256(&package), &dir.dest())
        .await
        .unwrap();
    assert_eq!(dir.names(), [".agent.partial-notours", "agent"]);

    // Also when the install fails.
    let dir = TempDir::new("leftover-failed");
    fs::create_dir_all(dir.path().join(".agent.partial-fedcba9876543210/bin")).unwrap();
    install(chunks(&package, 4096), &"0".repeat(64), &dir.dest())
        .await
        .unwrap_err();
    assert!(dir.names().is_empty(), "{:?}", dir.names());
}

#[test]
fn install_options_debug_does_not_need_the_callback() {
    let options = InstallOptions::default().with_total(Some(3)).with_progress(|_| {});
    assert_eq!(
        format!("{options:?}"),
        r#"InstallOptions { progress: Some("Fn(Progress)"), total: Some(3) }"#
    );
}

#[test]
fn the_install_future_is_send() {
    fn is_send<T: Send>(_: T) {}
    let options = InstallOptions::default();
    is_send(install_stream(untouchable(), "", Path::new("x"), &options));
}
