//! The rules of customizers (`properties.customize`) and in-VM validators
//! (`properties.validate.inVMValidations`), which share their script and file kinds.

use super::checks::{download_url, duration, required, sha256};
use crate::error::Error;
use crate::model::{
    FileDownload, ImageTemplateCustomizer, ImageTemplateInVmValidator, PowerShellScript, ShellScript, WindowsRestart,
};

/// Checks one customizer at `field` (e.g. `properties.customize[2]`).
pub(super) fn customizer(field: &str, step: &ImageTemplateCustomizer) -> Result<(), Error> {
    match step {
        ImageTemplateCustomizer::Shell(script) => shell(field, script),
        ImageTemplateCustomizer::PowerShell(script) => powershell(field, script),
        ImageTemplateCustomizer::File(file) => file_download(field, file),
        ImageTemplateCustomizer::WindowsRestart(restart) => windows_restart(field, restart),
        // WindowsUpdate has no rule Azure checks at PUT; newer kinds are Azure's to check.
        _ => Ok(()),
    }
}

/// Checks one in-VM validator at `field` (e.g. `properties.validate.inVMValidations[0]`).
pub(super) fn validator(field: &str, step: &ImageTemplateInVmValidator) -> Result<(), Error> {
    match step {
        ImageTemplateInVmValidator::Shell(script) => shell(field, script),
        ImageTemplateInVmValidator::PowerShell(script) => powershell(field, script),
        ImageTemplateInVmValidator::File(file) => file_download(field, file),
        _ => Ok(()),
    }
}

/// Exactly one of `scriptUri` and `inline` (the spec: "Exactly one of 'scriptUri' or 'inline'
/// can be specified"); a URI must be downloadable, a checksum must be SHA-256, inline commands
/// must not be empty.
fn script(
    field: &str,
    kind: &str,
    script_uri: Option<&str>,
    inline: Option<&[String]>,
    checksum: Option<&str>,
) -> Result<(), Error> {
    match (script_uri, inline) {
        (Some(_), Some(_)) => {
            return Err(Error::invalid(
                field,
                format!("a {kind} step takes exactly one of scriptUri and inline, not both"),
            ));
        }
        (None, None) => {
            return Err(Error::invalid(
                field,
                format!("a {kind} step takes exactly one of scriptUri and inline, found neither"),
            ));
        }
        (Some(uri), None) => download_url(&format!("{field}.scriptUri"), uri)?,
        (None, Some(commands)) => {
            if commands.is_empty() || commands.iter().all(|c| c.trim().is_empty()) {
                return Err(Error::invalid(
                    format!("{field}.inline"),
                    format!("a {kind} step's inline commands are empty"),
                ));
            }
        }
    }
    match checksum {
        Some(value) if !value.is_empty() => sha256(&format!("{field}.sha256Checksum"), value),
        _ => Ok(()),
    }
}

fn shell(field: &str, step: &ShellScript) -> Result<(), Error> {
    script(
        field,
        "Shell",
        step.script_uri.as_deref(),
        step.inline.as_deref(),
        step.sha256_checksum.as_deref(),
    )
}

fn powershell(field: &str, step: &PowerShellScript) -> Result<(), Error> {
    script(
        field,
        "PowerShell",
        step.script_uri.as_deref(),
        step.inline.as_deref(),
        step.sha256_checksum.as_deref(),
    )?;
    if step.run_as_system == Some(true) && step.run_elevated != Some(true) {
        return Err(Error::invalid(
            format!("{field}.runAsSystem"),
            "runAsSystem can only be true when runElevated is true",
        ));
    }
    Ok(())
}

/// `sourceUri` and an absolute `destination` are required (the destination's directories must
/// already exist on the VM).
fn file_download(field: &str, step: &FileDownload) -> Result<(), Error> {
    let uri_field = format!("{field}.sourceUri");
    let uri = required(
        &uri_field,
        step.source_uri.as_deref(),
        "a File step names the URI to download",
    )?;
    download_url(&uri_field, uri)?;
    let destination_field = format!("{field}.destination");
    let destination = required(
        &destination_field,
        step.destination.as_deref(),
        "a File step names the absolute path on the VM to write to",
    )?;
    if !is_absolute_path(destination) {
        return Err(Error::invalid(
            destination_field,
            format!("'{destination}' is not an absolute path (e.g. /tmp/app.tar.gz or C:\\buildArtifacts\\app.zip)"),
        ));
    }
    match step.sha256_checksum.as_deref() {
        Some(value) if !value.is_empty() => sha256(&format!("{field}.sha256Checksum"), value),
        _ => Ok(()),
    }
}

/// A Linux (`/…`) or Windows (`C:\…`, `C:/…`) absolute path.
fn is_absolute_path(path: &str) -> bool {
    let bytes = path.as_bytes();
    path.starts_with('/')
        || (bytes.len() > 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && matches!(bytes[2], b'\\' | b'/'))
}

fn windows_restart(field: &str, step: &WindowsRestart) -> Result<(), Error> {
    match step.restart_timeout.as_deref() {
        Some(timeout) => duration(&format!("{field}.restartTimeout"), timeout),
        None => Ok(()),
    }
}
