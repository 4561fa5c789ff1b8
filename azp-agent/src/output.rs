//! A child's output, line by line, into `tracing`, with every secret masked.

use arm_core::azure_core::credentials::Secret;
use std::io::{BufRead, BufReader, Read};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// Replaces every occurrence of the secrets in a line with `***`.
#[derive(Clone, Debug, Default)]
pub(crate) struct Masker {
    secrets: Arc<Vec<Secret>>,
}

impl Masker {
    /// A masker of `secrets` (empty ones ignored).
    pub(crate) fn new(secrets: impl IntoIterator<Item = Secret>) -> Self {
        let secrets = secrets.into_iter().filter(|s| s.secret().len() >= 3).collect();
        Self {
            secrets: Arc::new(secrets),
        }
    }

    /// `line` with the secrets replaced.
    pub(crate) fn mask(&self, line: &str) -> String {
        let mut line = line.to_owned();
        for secret in self.secrets.iter() {
            if line.contains(secret.secret()) {
                line = line.replace(secret.secret(), "***");
            }
        }
        line
    }
}

/// The lines a child printed, kept for error messages (the last few, masked).
#[derive(Clone, Debug, Default)]
pub(crate) struct Transcript {
    lines: Arc<Mutex<Vec<String>>>,
}

const KEPT_LINES: usize = 50;

impl Transcript {
    /// The kept lines, oldest first.
    pub(crate) fn lines(&self) -> Vec<String> {
        self.lines.lock().map(|l| l.clone()).unwrap_or_default()
    }

    fn push(&self, line: String) {
        if let Ok(mut lines) = self.lines.lock() {
            if lines.len() == KEPT_LINES {
                lines.remove(0);
            }
            lines.push(line);
        }
    }
}

/// Reads `pipe` line by line on a thread, logging each masked line at info level under
/// `program` and `stream`, and keeping it in `transcript`.
pub(crate) fn forward(
    pipe: impl Read + Send + 'static,
    program: &'static str,
    stream: &'static str,
    masker: Masker,
    transcript: Transcript,
) -> JoinHandle<()> {
    std::thread::spawn(move || {
        let mut reader = BufReader::new(pipe);
        let mut buffer = Vec::new();
        loop {
            buffer.clear();
            match reader.read_until(b'\n', &mut buffer) {
                Ok(0) | Err(_) => return,
                Ok(_) => {
                    let text = String::from_utf8_lossy(&buffer);
                    let line = masker.mask(text.trim_end());
                    if line.is_empty() {
                        continue;
                    }
                    tracing::info!(target: "azp_agent::child", program, stream, "{line}");
                    transcript.push(line);
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_masked_everywhere_in_a_line() {
        let masker = Masker::new([Secret::new("s3cr3t-pat"), Secret::new("")]);
        assert_eq!(masker.mask("token s3cr3t-pat and s3cr3t-pat"), "token *** and ***");
        assert_eq!(masker.mask("nothing here"), "nothing here");
    }
}
