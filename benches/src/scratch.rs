//! What the Blob benches share: a scratch directory and the official Python client's interpreter.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A directory of this run, removed with everything in it when dropped.
pub struct Scratch(pub PathBuf);

impl Scratch {
    /// `<root>/<name>-<pid>`, created (benches pass `env!("CARGO_TARGET_TMPDIR")` as `root`).
    pub fn new(root: &str, name: &str) -> Scratch {
        let dir = Path::new(root).join(format!("{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("the scratch directory");
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `$AZ_EMULATOR_PYTHON` (or `python3`) if `script --check` succeeds there (it imports
/// `azure.storage.blob`); otherwise prints `<bench>: ... <without>` and how to install it.
pub fn python_with_blob(script: &str, bench: &str, without: &str) -> Option<String> {
    let python = std::env::var("AZ_EMULATOR_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let importable = Command::new(&python)
        .args([script, "--check"])
        .output()
        .is_ok_and(|output| output.status.success());
    if importable {
        return Some(python);
    }
    println!(
        "{bench}: {python} cannot import azure.storage.blob: {without} \
         (python3 -m venv /tmp/pyblob && /tmp/pyblob/bin/pip install azure-storage-blob==12.27.1, \
         then AZ_EMULATOR_PYTHON=/tmp/pyblob/bin/python)"
    );
    None
}
