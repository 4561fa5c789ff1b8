//! Packing an ACR build context of 20,000 small files (source-like text of realistic sizes in
//! nested folders, created once per run in a scratch directory) with a `.dockerignore` that
//! leaves out a few folders with `**` and brings some files back with `!`:
//! `acr_agentpool::context::BuildContext::pack` read to a sink, against GNU `tar -czf` of the
//! same folder (without ignore rules, so it packs more) in the same run.
//!
//! Goals (issue 15): ours at least as fast as `tar -czf`; the peak RSS of the packing under
//! 64 MiB. The peak is this process's `VmHWM`, reset before our runs by writing `5` to
//! `/proc/self/clear_refs` (Linux 4.0+), so it covers the bench process itself plus the
//! packing: an upper bound of the packing's own.
//!
//! Criterion takes both times (`iter_custom`); a summary line follows the runs.

// criterion_group! and criterion_main! generate undocumented functions.
#![allow(missing_docs)]

use acr_agentpool::context::{BuildContext, COMPRESSION_LEVEL};
use benches::rss::own_vm_hwm_kb;
use benches::scratch::Scratch;
use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Files in the context.
const FILES: usize = 20_000;
/// Files per folder: 20,000 files in 400 folders, two levels deep.
const PER_FOLDER: usize = 50;
/// Most the bench process's resident set may reach while packing, in kB.
const MAX_RSS_KB: u64 = 64 * 1024;
/// The context's `.dockerignore`: folders out by name and with `**`, files back with `!`.
const DOCKERIGNORE: &str = "\
# dependencies and build output
node_modules
!node_modules/runtime/**
**/*.log
build/**
!build/keep/**
**/tmp
";
/// Words of the generated text (gzip shrinks it several times, as it does source code).
const WORDS: &[&str] = &[
    "fn", "let", "mut", "struct", "impl", "pub", "use", "match", "return", "self", "String", "Vec", "Option", "Result",
    "async", "await", "context", "archive", "blob", "upload", "token", "agent", "pool", "registry", "ignore", "rule",
    "pattern", "folder", "file", "error", "=>", "{", "}", "(", ")", ";", "//", "0", "1", "42",
];

/// A file size as source trees have them: mostly a few KiB, some tiny, a few up to 64 KiB.
fn file_size(rng: &mut fastrand::Rng) -> usize {
    match rng.u8(..100) {
        0..=19 => rng.usize(64..1024),
        20..=89 => rng.usize(1024..8 * 1024),
        _ => rng.usize(8 * 1024..64 * 1024),
    }
}

fn text(rng: &mut fastrand::Rng, size: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(size + 16);
    while out.len() < size {
        out.extend_from_slice(WORDS[rng.usize(..WORDS.len())].as_bytes());
        out.push(if rng.u8(..12) == 0 { b'\n' } else { b' ' });
    }
    out.truncate(size);
    out
}

/// Writes `<dir>/ctx` (the folders below name which the `.dockerignore` touches) and returns it
/// with its content's size in bytes.
fn write_context(dir: &Path) -> (PathBuf, u64) {
    let root = dir.join("ctx");
    let mut rng = fastrand::Rng::with_seed(15);
    let tops = [
        "src",
        "lib",
        "tests",
        "node_modules",
        "build",
        "docs",
        "assets",
        "scripts",
    ];
    let mut bytes = 0u64;
    for index in 0..FILES {
        let folder = index / PER_FOLDER;
        let top = tops[folder % tops.len()];
        let sub = match (top, folder % 5) {
            ("node_modules", 0) => "runtime".to_owned(),
            ("build", 0) => "keep".to_owned(),
            (_, 1) => "tmp".to_owned(),
            _ => format!("m{folder:03}"),
        };
        let extension = if index % 17 == 0 { "log" } else { "rs" };
        let path = root.join(top).join(sub).join(format!("f{index:05}.{extension}"));
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("the folder");
        let size = file_size(&mut rng);
        let content = text(&mut rng, size);
        bytes += content.len() as u64;
        std::fs::write(path, content).expect("the file");
    }
    std::fs::write(root.join("Dockerfile"), "FROM scratch\nCOPY . /app\n").expect("the Dockerfile");
    std::fs::write(root.join(".dockerignore"), DOCKERIGNORE).expect("the .dockerignore");
    (root, bytes)
}

/// Our pack of `folder` read to a sink; its time, archive size and files.
fn ours(runtime: &tokio::runtime::Runtime, folder: &Path) -> (Duration, u64, u64) {
    runtime.block_on(async {
        let started = Instant::now();
        let mut packed = BuildContext::for_build(folder, None).expect("the context").pack();
        tokio::io::copy(&mut packed, &mut tokio::io::sink())
            .await
            .expect("the archive");
        let summary = packed.finish().await.expect("the pack");
        (started.elapsed(), summary.bytes, summary.files)
    })
}

/// `tar -czf <archive> -C <parent> ctx`, timed as a whole process.
fn tar_czf(folder: &Path, archive: &Path) -> Duration {
    let _ = std::fs::remove_file(archive);
    let started = Instant::now();
    let status = Command::new("tar")
        .arg("-czf")
        .arg(archive)
        .arg("-C")
        .arg(folder.parent().expect("the folder's parent"))
        .arg("ctx")
        .status()
        .expect("tar runs");
    let took = started.elapsed();
    assert!(status.success(), "tar -czf failed: {status}");
    took
}

fn mean(times: &[Duration]) -> Duration {
    times.iter().sum::<Duration>() / u32::try_from(times.len().max(1)).unwrap_or(u32::MAX)
}

#[derive(Default)]
struct Runs {
    ours: Vec<Duration>,
    tar: Vec<Duration>,
    archive_bytes: u64,
    files: u64,
}

fn bench(c: &mut Criterion) {
    let scratch = Scratch::new(env!("CARGO_TARGET_TMPDIR"), "acr-context");
    let (folder, folder_bytes) = write_context(&scratch.0);
    let archive = scratch.0.join("ctx.tar.gz");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    // Both sides read the files from the page cache.
    tar_czf(&folder, &archive);
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let runs = Mutex::new(Runs::default());
    let mut group = c.benchmark_group("acr_context_20k_files");
    group.throughput(Throughput::Bytes(folder_bytes));
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(1));
    group.measurement_time(Duration::from_secs(1));
    group.bench_function("acr_agentpool_pack", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let (time, bytes, files) = ours(&runtime, &folder);
                let mut runs = runs.lock().unwrap();
                runs.ours.push(time);
                runs.archive_bytes = bytes;
                runs.files = files;
                total += time;
            }
            total
        })
    });
    let peak = own_vm_hwm_kb().expect("VmHWM");
    group.bench_function("tar_czf", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let time = tar_czf(&folder, &archive);
                runs.lock().unwrap().tar.push(time);
                total += time;
            }
            total
        })
    });
    group.finish();

    let runs = runs.into_inner().unwrap();
    let ours = mean(&runs.ours);
    let tar = mean(&runs.tar);
    let tar_bytes = std::fs::metadata(&archive).map_or(0, |m| m.len());
    println!(
        "acr_context: {FILES} files, {folder_bytes} bytes; acr_agentpool pack (deflate level {COMPRESSION_LEVEL}) {:.3} s over {} runs, \
         {} files and {} bytes after .dockerignore; tar -czf {:.3} s over {} runs, {tar_bytes} bytes; \
         ours/tar {:.2}; peak RSS {peak} kB{} (limit {MAX_RSS_KB})",
        ours.as_secs_f64(),
        runs.ours.len(),
        runs.files,
        runs.archive_bytes,
        tar.as_secs_f64(),
        runs.tar.len(),
        ours.as_secs_f64() / tar.as_secs_f64(),
        if reset {
            ""
        } else {
            " (VmHWM not reset: whole bench process)"
        },
    );
    assert!(
        peak < MAX_RSS_KB,
        "peak RSS {peak} kB while packing is over {MAX_RSS_KB} kB"
    );
    assert!(ours <= tar, "our pack {ours:?} is slower than tar -czf {tar:?}");
}

criterion_group!(benches, bench);
criterion_main!(benches);
