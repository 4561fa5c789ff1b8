//! Packing and uploading a 500 MiB artifact folder (mixed compressible text and random files,
//! created once per run in a scratch directory) to the Blob endpoint of the `az-emulator` binary
//! (a child process): `image_builder::artifacts::upload_artifact`, which packs the folder as
//! `tar.gz` while it uploads the stream (`image_artifacts_probe`, a fresh process each time so
//! that its peak RSS is the upload's alone, authenticated by a bearer token of a service
//! principal that is Owner and Storage Blob Data Contributor), against what the Image Builder
//! DevOps task's users script today: `tar -czf` of the same folder, then the official Python
//! client's `BlobClient.upload_blob(data, overwrite=True)` of that archive with its default
//! concurrency (`python/blob_upload.py`, authenticated with the account key from ARM
//! `listKeys`), on the same emulator in the same run.
//!
//! Goals (issue 14): ours at least twice as fast as the pair, our peak RSS under 64 MiB. Our
//! time is the `upload_artifact` call (packing and upload, which overlap); the pair's is the
//! whole `tar` process plus the Python upload call (without interpreter start and imports).
//! Criterion takes those times (`iter_custom`); a summary line follows the runs.
//!
//! The interpreter is `$AZ_EMULATOR_PYTHON` or `python3`; when it cannot import
//! `azure.storage.blob` the bench prints a notice and times `tar -czf` alone, without the 2x
//! check (a local venv: `python3 -m venv /tmp/pyblob && /tmp/pyblob/bin/pip install
//! azure-storage-blob==12.27.1`, then `AZ_EMULATOR_PYTHON=/tmp/pyblob/bin/python`).

// criterion_group! and criterion_main! generate undocumented functions.
#![allow(missing_docs)]

use arm_core::ArmEnvironment;
use arm_core::azure_core::credentials::Secret;
use benches::emulator_process::EmulatorProcess;
use benches::probe;
use benches::rss::PEAK_RSS_FIELD;
use benches::scratch::{Scratch, python_with_blob};
use benches::storage_account::{BenchAccount, EMULATOR_CONFIG, RESOURCE_GROUP};
use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const PROBE: &str = env!("CARGO_BIN_EXE_image_artifacts_probe");
const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/python/blob_upload.py");
/// Size of each large file of the folder: five of text, five of random bytes.
const LARGE_FILE: usize = 50 << 20;
const LARGE_FILES: usize = 5;
/// Small source-like text files in `src/`, as a build output has them.
const SMALL_FILES: usize = 200;
const SMALL_FILE: usize = 4 << 10;
/// The folder's name: the package's name on the build VM (`/tmp/app`).
const FOLDER: &str = "app";
/// Most our upload process's resident set may reach, in kB.
const OUR_MAX_RSS_KB: u64 = 64 * 1024;
/// How many times faster than `tar -czf` + Python ours must be.
const MIN_SPEEDUP: f64 = 2.0;
const ACCOUNT: &str = "stbenchartifacts";
/// The container of the Python uploads (ours go to `imagebuilder`, made by `upload_artifact`).
const PYTHON_CONTAINER: &str = "archives";

/// Writes the artifact folder `<dir>/app`: log-like text (gzip shrinks it about five times) and
/// seeded random bytes (incompressible) in files of [`LARGE_FILE`], and [`SMALL_FILES`] small
/// text files; returns the folder and its size in bytes.
fn write_folder(dir: &Path) -> (PathBuf, u64) {
    let folder = dir.join(FOLDER);
    std::fs::create_dir_all(folder.join("src")).expect("the artifact folder");
    let mut rng = fastrand::Rng::with_seed(14);
    let mut size = 0;
    for i in 0..LARGE_FILES {
        size += write_file(&folder.join(format!("logs-{i}.txt")), LARGE_FILE, |out| {
            text(&mut rng, out)
        });
        size += write_file(&folder.join(format!("blob-{i}.bin")), LARGE_FILE, |out| {
            let mut chunk = vec![0u8; 1 << 16];
            rng.fill(&mut chunk);
            out.extend_from_slice(&chunk);
        });
    }
    for i in 0..SMALL_FILES {
        size += write_file(&folder.join(format!("src/module_{i:03}.rs")), SMALL_FILE, |out| {
            text(&mut rng, out)
        });
    }
    (folder, size)
}

/// Writes `size` bytes at `path` from what `fill` appends to a buffer, chunk by chunk.
fn write_file(path: &Path, size: usize, mut fill: impl FnMut(&mut Vec<u8>)) -> u64 {
    let mut file = BufWriter::new(std::fs::File::create(path).expect("an artifact file"));
    let mut buffer = Vec::with_capacity(1 << 17);
    let mut written = 0;
    while written < size {
        buffer.clear();
        fill(&mut buffer);
        let take = buffer.len().min(size - written);
        file.write_all(&buffer[..take]).expect("writing an artifact file");
        written += take;
    }
    file.flush().expect("flushing an artifact file");
    written as u64
}

/// Appends about 64 KiB of log lines with random words, ids and times.
fn text(rng: &mut fastrand::Rng, out: &mut Vec<u8>) {
    const WORDS: &[&str] = &[
        "build", "artifact", "package", "install", "service", "request", "worker", "config", "layer", "image",
        "gallery", "version", "deploy", "runtime", "module", "handler", "cache", "restore", "publish", "test",
    ];
    while out.len() < 1 << 16 {
        let _ = write!(
            out,
            "2025-06-01T12:{:02}:{:02}.{:03}Z INFO {}-{} ",
            rng.u8(..60),
            rng.u8(..60),
            rng.u16(..1000),
            WORDS[rng.usize(..WORDS.len())],
            rng.u8(..32)
        );
        for _ in 0..6 {
            let _ = write!(out, "{} ", WORDS[rng.usize(..WORDS.len())]);
        }
        let _ = writeln!(out, "in {} ms", rng.u16(..1000));
    }
}

/// A probe's output: it succeeded, uploaded `bytes` bytes, and took `upload_us`.
fn upload_time(who: &str, output: &Output) -> (Duration, u64) {
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{who} failed: {}{}",
        stdout,
        String::from_utf8_lossy(&output.stderr)
    );
    let bytes = probe::field(&stdout, "bytes").expect("bytes");
    let time = Duration::from_micros(probe::field(&stdout, "upload_us").expect("upload_us"));
    (time, bytes)
}

/// `tar -czf <archive> -C <parent> app`, timed as a whole process.
fn tar_czf(folder: &Path, archive: &Path) -> Duration {
    let _ = std::fs::remove_file(archive);
    let started = Instant::now();
    let status = Command::new("tar")
        .arg("-czf")
        .arg(archive)
        .arg("-C")
        .arg(folder.parent().expect("the folder's parent"))
        .arg(FOLDER)
        .status()
        .expect("tar runs");
    let took = started.elapsed();
    assert!(status.success(), "tar -czf failed: {status}");
    took
}

fn mean(times: &[Duration]) -> Duration {
    times.iter().sum::<Duration>() / u32::try_from(times.len().max(1)).unwrap_or(u32::MAX)
}

/// The times of each side, kept for the summary.
#[derive(Default)]
struct Runs {
    ours: Vec<Duration>,
    our_peaks: Vec<u64>,
    archive_bytes: u64,
    tar: Vec<Duration>,
    python: Vec<Duration>,
}

fn image_artifacts(c: &mut Criterion) {
    let scratch = Scratch::new(env!("CARGO_TARGET_TMPDIR"), "image_artifacts");
    let (folder, folder_bytes) = write_folder(&scratch.0);
    let archive = scratch.0.join("app.tar.gz");
    let config = scratch.0.join("emulator.toml");
    std::fs::write(&config, EMULATOR_CONFIG).expect("the emulator's configuration");
    let emulator = EmulatorProcess::start(Some(&config));
    let info = emulator.info().clone();

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (endpoint, key) = runtime.block_on(async {
        let environment = ArmEnvironment::from_env(&info.env).expect("the emulator's environment");
        let arm = environment.arm_client().expect("an ARM client");
        let subscription = environment.require_subscription_id().expect("a subscription");
        let account = BenchAccount::create(&arm, subscription, ACCOUNT, &info.defaults.location, true).await;
        account.create_container(PYTHON_CONTAINER).await;
        (account.endpoint().await, account.primary_key().await)
    });
    // The account key reaches Python through its environment only (never argv).
    let connection_string = Secret::new(format!(
        "DefaultEndpointsProtocol=https;AccountName={ACCOUNT};AccountKey={};BlobEndpoint={}",
        key.secret(),
        endpoint.url()
    ));
    let python = python_with_blob(
        SCRIPT,
        "image_artifacts",
        "timing tar -czf without the Python upload, no 2x check",
    );

    let runs = Mutex::new(Runs::default());
    let mut group = c.benchmark_group("image_artifacts_500mib");
    group.throughput(Throughput::Bytes(folder_bytes));
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(1));
    group.measurement_time(Duration::from_secs(1));
    group.bench_function("image_builder_upload_artifact", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let output = Command::new(PROBE)
                    .args([RESOURCE_GROUP, ACCOUNT, "bench"])
                    .arg(&folder)
                    .env_clear()
                    .envs(&info.env)
                    .output()
                    .expect("image_artifacts_probe runs");
                let (time, bytes) = upload_time("image_artifacts_probe", &output);
                let stdout = String::from_utf8_lossy(&output.stdout);
                let mut runs = runs.lock().unwrap();
                runs.our_peaks
                    .push(probe::field(&stdout, PEAK_RSS_FIELD).expect("peak_rss_kb"));
                runs.ours.push(time);
                runs.archive_bytes = bytes;
                total += time;
            }
            total
        })
    });
    let pair = if python.is_some() {
        "tar_czf_then_python_upload_blob"
    } else {
        "tar_czf"
    };
    group.bench_function(pair, |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let tar = tar_czf(&folder, &archive);
                runs.lock().unwrap().tar.push(tar);
                total += tar;
                if let Some(python) = &python {
                    let output = Command::new(python)
                        .args([SCRIPT, PYTHON_CONTAINER, "app.tar.gz"])
                        .arg(&archive)
                        .env("BLOB_CONNECTION_STRING", connection_string.secret())
                        .env("BLOB_CA_FILE", &info.ca_file)
                        .output()
                        .expect("python runs");
                    let (upload, _) = upload_time("blob_upload.py", &output);
                    runs.lock().unwrap().python.push(upload);
                    total += upload;
                }
            }
            total
        })
    });
    group.finish();

    let emulator_peak = emulator.vm_hwm_kb();
    drop(emulator);
    let runs = runs.into_inner().unwrap();
    let ours = mean(&runs.ours);
    let our_peak = runs.our_peaks.iter().copied().max().unwrap_or_default();
    let tar = mean(&runs.tar);
    let python_upload = (!runs.python.is_empty()).then(|| mean(&runs.python));
    let theirs = tar + python_upload.unwrap_or_default();
    let speedup = theirs.as_secs_f64() / ours.as_secs_f64();
    let archive_size = std::fs::metadata(&archive).map_or(0, |m| m.len());
    println!(
        "image_artifacts: folder {folder_bytes} bytes ({} files), our tar.gz {} bytes, tar's {archive_size} bytes; \
         image_builder upload_artifact {:.2} s over {} runs ({:.0} MiB/s of folder), peak RSS {our_peak} kB (limit {OUR_MAX_RSS_KB}); \
         tar -czf {:.2} s{}; speedup {speedup:.2}x{}; emulator peak RSS {emulator_peak} kB",
        2 * LARGE_FILES + SMALL_FILES,
        runs.archive_bytes,
        ours.as_secs_f64(),
        runs.ours.len(),
        folder_bytes as f64 / f64::from(1 << 20) / ours.as_secs_f64(),
        tar.as_secs_f64(),
        python_upload.map_or_else(
            || " (python: not run)".to_owned(),
            |upload| format!(
                " + python azure-storage-blob upload_blob {:.2} s = {:.2} s over {} runs",
                upload.as_secs_f64(),
                theirs.as_secs_f64(),
                runs.python.len()
            )
        ),
        if python_upload.is_some() {
            format!(" (goal {MIN_SPEEDUP}x)")
        } else {
            " over tar alone".to_owned()
        },
    );
    assert!(
        our_peak < OUR_MAX_RSS_KB,
        "our packing and upload's peak RSS {our_peak} kB is over {OUR_MAX_RSS_KB} kB"
    );
    if python_upload.is_some() {
        assert!(
            speedup >= MIN_SPEEDUP,
            "upload_artifact took {:.2} s, only {speedup:.2}x faster than tar -czf + upload_blob ({:.2} s); goal {MIN_SPEEDUP}x",
            ours.as_secs_f64(),
            theirs.as_secs_f64()
        );
    }
}

criterion_group!(benches, image_artifacts);
criterion_main!(benches);
