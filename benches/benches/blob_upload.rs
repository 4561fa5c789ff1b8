//! Upload of a 1 GiB file to the Blob endpoint of the `az-emulator` binary (a child process),
//! with `arm_core::storage`'s `upload_file` and default options (`blob_upload_probe`, a fresh
//! process each time so that its peak RSS is the upload's alone, authenticated by a bearer
//! token of a service principal that is Owner and Storage Blob Data Contributor) against the
//! official Python client, azure-storage-blob's `BlobClient.upload_blob(data, overwrite=True)`
//! with its default concurrency (`python/blob_upload.py`, authenticated with the account key
//! from ARM `listKeys`), on the same file and emulator in the same run.
//!
//! Goals (issue 13): our throughput at least Python's, our peak RSS under 64 MiB, the
//! emulator's under 128 MiB while it receives. Each probe times the upload call alone (not its
//! process start, imports or endpoint lookup) and criterion takes those times (`iter_custom`).
//! A summary line follows the runs.
//!
//! The interpreter is `$AZ_EMULATOR_PYTHON` or `python3`; when it cannot import
//! `azure.storage.blob` the bench prints a notice and measures ours only (a local venv:
//! `python3 -m venv /tmp/pyblob && /tmp/pyblob/bin/pip install azure-storage-blob==12.27.1`,
//! then `AZ_EMULATOR_PYTHON=/tmp/pyblob/bin/python`).

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
use std::path::Path;
use std::process::{Command, Output};
use std::sync::Mutex;
use std::time::Duration;

const PROBE: &str = env!("CARGO_BIN_EXE_blob_upload_probe");
const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/python/blob_upload.py");
/// Size of the uploaded file.
const SIZE: u64 = 1 << 30;
/// Most our upload process's resident set may reach, in kB.
const OUR_MAX_RSS_KB: u64 = 64 * 1024;
/// Most the emulator's resident set may reach while it receives, in kB.
const EMULATOR_MAX_RSS_KB: u64 = 128 * 1024;
const ACCOUNT: &str = "stbenchupload";
const CONTAINER: &str = "uploads";

/// `SIZE` bytes of seeded random data (incompressible, different in every block) at `path`.
fn write_upload_file(path: &Path) {
    let mut rng = fastrand::Rng::with_seed(13);
    let mut file = BufWriter::new(std::fs::File::create(path).expect("the upload file"));
    let mut chunk = vec![0u8; 1 << 20];
    for _ in 0..SIZE / chunk.len() as u64 {
        rng.fill(&mut chunk);
        file.write_all(&chunk).expect("writing the upload file");
    }
    file.into_inner()
        .expect("flushing the upload file")
        .sync_all()
        .expect("sync");
}

/// A probe's output: it succeeded, uploaded `SIZE` bytes, and took `upload_us`.
fn upload_time(who: &str, output: &Output) -> Duration {
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{who} failed: {}{}",
        stdout,
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(probe::field(&stdout, "bytes"), Some(SIZE), "{who}: {stdout}");
    Duration::from_micros(probe::field(&stdout, "upload_us").expect("upload_us"))
}

fn mib_per_s(times: &[Duration]) -> f64 {
    let total: Duration = times.iter().sum();
    (times.len() as u64 * SIZE) as f64 / (1 << 20) as f64 / total.as_secs_f64()
}

fn blob_upload(c: &mut Criterion) {
    let scratch = Scratch::new(env!("CARGO_TARGET_TMPDIR"), "blob_upload");
    let file = scratch.0.join("upload.bin");
    write_upload_file(&file);
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
        account.create_container(CONTAINER).await;
        (account.endpoint().await, account.primary_key().await)
    });
    // The account key reaches Python through its environment only (never argv).
    let connection_string = Secret::new(format!(
        "DefaultEndpointsProtocol=https;AccountName={ACCOUNT};AccountKey={};BlobEndpoint={}",
        key.secret(),
        endpoint.url()
    ));
    let python = python_with_blob(SCRIPT, "blob_upload", "measuring arm_core::storage only");
    let emulator_at_start = emulator.vm_hwm_kb();

    let ours = Mutex::new(Vec::new());
    let our_peaks = Mutex::new(Vec::new());
    let theirs = Mutex::new(Vec::new());
    let mut group = c.benchmark_group("blob_upload_1gib");
    group.throughput(Throughput::Bytes(SIZE));
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(1));
    group.measurement_time(Duration::from_secs(1));
    group.bench_function("arm_core_storage_upload_file", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let output = Command::new(PROBE)
                    .args([RESOURCE_GROUP, ACCOUNT, CONTAINER, "ours.bin"])
                    .arg(&file)
                    .env_clear()
                    .envs(&info.env)
                    .output()
                    .expect("blob_upload_probe runs");
                let time = upload_time("blob_upload_probe", &output);
                let stdout = String::from_utf8_lossy(&output.stdout);
                our_peaks
                    .lock()
                    .unwrap()
                    .push(probe::field(&stdout, PEAK_RSS_FIELD).expect("peak_rss_kb"));
                ours.lock().unwrap().push(time);
                total += time;
            }
            total
        })
    });
    if let Some(python) = &python {
        group.bench_function("python_azure_storage_blob_upload_blob", |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let output = Command::new(python)
                        .args([SCRIPT, CONTAINER, "python.bin"])
                        .arg(&file)
                        .env("BLOB_CONNECTION_STRING", connection_string.secret())
                        .env("BLOB_CA_FILE", &info.ca_file)
                        .output()
                        .expect("python runs");
                    let time = upload_time("blob_upload.py", &output);
                    theirs.lock().unwrap().push(time);
                    total += time;
                }
                total
            })
        });
    }
    group.finish();

    let emulator_peak = emulator.vm_hwm_kb();
    drop(emulator);
    let ours = ours.into_inner().unwrap();
    let theirs = theirs.into_inner().unwrap();
    let our_peak = our_peaks.into_inner().unwrap().into_iter().max().unwrap_or_default();
    let our_rate = mib_per_s(&ours);
    let python_rate = (!theirs.is_empty()).then(|| mib_per_s(&theirs));
    println!(
        "blob_upload: 1 GiB; arm_core::storage {our_rate:.0} MiB/s over {} uploads; python azure-storage-blob {}; \
         our peak RSS {our_peak} kB (limit {OUR_MAX_RSS_KB}); emulator peak RSS {emulator_peak} kB \
         ({emulator_at_start} kB before the uploads; limit {EMULATOR_MAX_RSS_KB})",
        ours.len(),
        python_rate.map_or_else(
            || "not run".to_owned(),
            |rate| format!("{rate:.0} MiB/s over {} uploads", theirs.len())
        ),
    );
    assert!(
        our_peak < OUR_MAX_RSS_KB,
        "our upload's peak RSS {our_peak} kB is over {OUR_MAX_RSS_KB} kB"
    );
    assert!(
        emulator_peak < EMULATOR_MAX_RSS_KB,
        "the emulator's peak RSS {emulator_peak} kB is over {EMULATOR_MAX_RSS_KB} kB while receiving"
    );
    if let Some(python_rate) = python_rate {
        assert!(
            our_rate >= python_rate,
            "arm_core::storage uploads at {our_rate:.0} MiB/s, below the Python client's {python_rate:.0} MiB/s"
        );
    }
}

criterion_group!(benches, blob_upload);
criterion_main!(benches);
