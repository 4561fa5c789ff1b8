//! A large agent package for the install benchmark, built once and kept between runs.

use flate2::Compression;
use flate2::write::GzEncoder;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Size of each filler file before compression. Half of every 64 KiB block is random, the other
/// half a repeated text, so the archive compresses about 2:1, as .NET assemblies do.
const FILE_BYTES: usize = 2 << 20;
const BLOCK: usize = 64 << 10;

/// The path of a `.tar.gz` in `dir` that looks like an agent package to an installer (`config.sh`,
/// `env.sh`, an executable `bin/Agent.Listener`) and weighs about `compressed_mb` megabytes, made
/// now unless an earlier run left it there. Written under a temporary name and renamed, so that an
/// interrupted run never leaves half a package to be reused.
pub fn agent_package(dir: &Path, compressed_mb: u64) -> std::io::Result<PathBuf> {
    let path = dir.join(format!("vsts-agent-linux-x64-bench-{compressed_mb}mb-v1.tar.gz"));
    if path.exists() {
        return Ok(path);
    }
    std::fs::create_dir_all(dir)?;
    let partial = path.with_extension("partial");
    let mut archive = tar::Builder::new(GzEncoder::new(
        BufWriter::new(File::create(&partial)?),
        Compression::fast(),
    ));
    let script = b"#!/bin/sh\necho agent\n";
    append(&mut archive, "config.sh", 0o755, script)?;
    append(&mut archive, "env.sh", 0o755, script)?;
    append(&mut archive, "run.sh", 0o755, script)?;
    append(&mut archive, "bin/Agent.Listener", 0o755, script)?;
    let mut rng = fastrand::Rng::with_seed(7);
    let text = b"System.Private.CoreLib Microsoft.VisualStudio.Services.Agent ".repeat(BLOCK / 64 + 1);
    let mut content = vec![0u8; FILE_BYTES];
    for index in 0.. {
        let written = archive.get_ref().get_ref().get_ref().metadata()?.len();
        if written >= compressed_mb * 1_000_000 {
            break;
        }
        for block in content.chunks_mut(BLOCK) {
            let (random, repeated) = block.split_at_mut(block.len() / 2);
            rng.fill(random);
            repeated.copy_from_slice(&text[..repeated.len()]);
        }
        let dir = if index % 3 == 0 { "externals/node/lib" } else { "bin" };
        append(&mut archive, &format!("{dir}/Assembly{index:04}.dll"), 0o644, &content)?;
    }
    archive.into_inner()?.finish()?.into_inner()?.flush()?;
    std::fs::rename(&partial, &path)?;
    Ok(path)
}

fn append<W: Write>(archive: &mut tar::Builder<W>, name: &str, mode: u32, data: &[u8]) -> std::io::Result<()> {
    let mut header = tar::Header::new_gnu();
    header.set_size(data.len() as u64);
    header.set_mode(mode);
    header.set_mtime(1_700_000_000);
    header.set_entry_type(tar::EntryType::Regular);
    archive.append_data(&mut header, name, data)
}
