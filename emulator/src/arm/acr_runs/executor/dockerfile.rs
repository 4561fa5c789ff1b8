//! A Dockerfile's instructions, as `docker build` numbers them ("Step 1/5 : FROM alpine"):
//! comments, parser directives and blank lines left out, `\` continuations joined. And the
//! names and digests of the images a build produces.

use crate::model::acr::run::OutputImage;

/// The instructions of `text`, each on one line as written (continuations joined by a space).
pub(super) fn instructions(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if current.is_empty() && (trimmed.is_empty() || trimmed.starts_with('#')) {
            continue;
        }
        match trimmed.strip_suffix('\\') {
            Some(head) => {
                current.push_str(head.trim_end());
                current.push(' ');
            }
            None => {
                current.push_str(trimmed);
                out.push(std::mem::take(&mut current).trim().to_owned());
            }
        }
    }
    if !current.trim().is_empty() {
        out.push(current.trim().to_owned());
    }
    out
}

/// The `sha256:` digest of a build: over the archive's SHA-256, the Dockerfile and the target
/// (the same context and Dockerfile give the same digest, as a reproducible build would).
pub(super) fn digest(archive_sha256: &[u8], dockerfile: &[u8], target: Option<&str>) -> String {
    let mut context = ring::digest::Context::new(&ring::digest::SHA256);
    context.update(archive_sha256);
    context.update(dockerfile);
    context.update(target.unwrap_or_default().as_bytes());
    let hex: String = context.finish().as_ref().iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// The image `name` (`repo:tag`, `repo` for `latest`, optionally prefixed by the login server)
/// pushed to `login_server` with `digest`.
pub(super) fn output_image(name: &str, login_server: &str, digest: &str) -> OutputImage {
    let name = name.strip_prefix(&format!("{login_server}/")).unwrap_or(name);
    let (repository, tag) = match name.rsplit_once(':') {
        Some((repository, tag)) if !tag.contains('/') => (repository, tag),
        _ => (name, "latest"),
    };
    OutputImage {
        registry: login_server.to_owned(),
        repository: repository.to_owned(),
        tag: tag.to_owned(),
        digest: digest.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::{digest, instructions, output_image};

    #[test]
    fn instructions_join_continuations_and_skip_comments() {
        let text =
            "# syntax=docker/dockerfile:1\nFROM alpine:3.20\n\n# a comment\nRUN apk add \\\n    curl\nCMD [\"sh\"]\n";
        assert_eq!(
            instructions(text),
            ["FROM alpine:3.20", "RUN apk add curl", "CMD [\"sh\"]"]
        );
    }

    #[test]
    fn images_name_repository_tag_and_digest() {
        let d = digest(&[1; 32], b"FROM scratch", None);
        assert!(d.starts_with("sha256:") && d.len() == 71, "{d}");
        assert_ne!(d, digest(&[1; 32], b"FROM alpine", None));
        let image = output_image("r.azurecr.io/hello:v1", "r.azurecr.io", &d);
        assert_eq!((image.repository.as_str(), image.tag.as_str()), ("hello", "v1"));
        assert_eq!(output_image("team/app", "r.azurecr.io", &d).tag, "latest");
    }
}
