//! Install of a 100 MB agent package served by the emulator, as a fresh process each time:
//! azp-agent's streaming install (`agent_probe install`: download, SHA-256, gunzip and untar on
//! the fly) against `curl -s URL | tar -xz` on the same file in the same run. Goals: throughput
//! at least that of curl | tar; peak RSS of the installer at most 32 MB (printed after the run
//! from the probes' own `VmHWM`).

// criterion_group! and criterion_main! generate undocumented functions.
#![allow(missing_docs)]

use arm_core::HttpTransport;
use az_emulator::{Emulator, EmulatorConfig};
use azp_agent::{DevOpsClient, DevOpsClientOptions, DevOpsCredential, OrganizationUrl, Platform};
use azure_core::http::ClientOptions;
use benches::agent_package::agent_package;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const PROBE: &str = env!("CARGO_BIN_EXE_agent_probe");
const PACKAGE_MB: u64 = 100;

fn agent_install(c: &mut Criterion) {
    let scratch = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("agent_install");
    let package = agent_package(&scratch.join("packages"), PACKAGE_MB).expect("the benchmark's agent package");
    let size = std::fs::metadata(&package).unwrap().len();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let config = format!(
        "[devops]\n[[devops.packages]]\nplatform = \"linux-x64\"\nversion = \"4.999.0\"\nfile = {:?}\n",
        package
    );
    let emulator = runtime
        .block_on(Emulator::start(EmulatorConfig::from_toml_str(&config).unwrap()))
        .unwrap();
    let info = emulator.info().clone();
    let download_url = runtime.block_on(async {
        let transport = HttpTransport::from_env(&info.env).unwrap();
        let options = DevOpsClientOptions {
            client_options: ClientOptions {
                transport: Some(transport.to_transport()),
                ..Default::default()
            },
            ..Default::default()
        };
        let client = DevOpsClient::new(
            OrganizationUrl::parse(&info.defaults.devops_url).unwrap(),
            DevOpsCredential::pat(info.defaults.devops_pat.clone()).unwrap(),
            Some(options),
        )
        .unwrap();
        let package = client.latest_package(Platform::LinuxX64, None).await.unwrap();
        package.download_url.unwrap()
    });
    let next = Mutex::new(0usize);
    let fresh_dest = || {
        let mut n = next.lock().unwrap();
        *n += 1;
        scratch.join(format!("dest-{n}"))
    };
    let peaks = Mutex::new(Vec::new());

    let mut group = c.benchmark_group("agent_install_100mb");
    group.throughput(Throughput::Bytes(size));
    group.bench_function("azp_agent_streaming_install", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let dest = fresh_dest();
                let started = Instant::now();
                let output = Command::new(PROBE)
                    .arg("install")
                    .arg(&dest)
                    .env_clear()
                    .envs(&info.env)
                    .env("AZP_TOKEN", &info.defaults.devops_pat)
                    .output()
                    .unwrap();
                total += started.elapsed();
                assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
                let stdout = String::from_utf8_lossy(&output.stdout);
                if let Some(kb) = stdout.lines().find_map(|l| l.strip_prefix("peak_rss_kb=")) {
                    peaks.lock().unwrap().push(kb.parse::<u64>().unwrap());
                }
                assert_installed(&dest);
            }
            total
        })
    });
    group.bench_function("curl_pipe_tar", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let dest = fresh_dest();
                std::fs::create_dir_all(&dest).unwrap();
                let started = Instant::now();
                let output = Command::new("sh")
                    .arg("-c")
                    .arg(r#"curl -s --fail --cacert "$CA" "$URL" | tar -xz -C "$DEST""#)
                    .env("CA", &info.ca_file)
                    .env("URL", &download_url)
                    .env("DEST", &dest)
                    .output()
                    .unwrap();
                total += started.elapsed();
                assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
                assert_installed(&dest);
            }
            total
        })
    });
    group.finish();

    let mut peaks = peaks.into_inner().unwrap();
    peaks.sort_unstable();
    if let (Some(median), Some(max)) = (peaks.get(peaks.len() / 2), peaks.last()) {
        println!(
            "agent_install: package {size} bytes; peak RSS of the installer: median {median} kB, max {max} kB over {} runs",
            peaks.len()
        );
    }
    runtime.block_on(emulator.shutdown());
}

/// The install is complete (every file there), then removed so the disk does not fill up.
fn assert_installed(dest: &Path) {
    assert!(
        dest.join("bin/Agent.Listener").is_file(),
        "no agent in {}",
        dest.display()
    );
    std::fs::remove_dir_all(dest).unwrap();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(20));
    targets = agent_install
}
criterion_main!(benches);
