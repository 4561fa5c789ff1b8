//! Pipeline variables: `##vso[task.setvariable variable=NAME]VALUE` lines on stdout
//! (learn.microsoft.com "Logging commands", SetVariable) and, when `GITHUB_OUTPUT` names a file,
//! `NAME=VALUE` lines appended to it (docs.github.com "Workflow commands for GitHub Actions",
//! Setting an output parameter).

use std::io::Write;

/// Prints `variables` as logging commands and appends them to `$GITHUB_OUTPUT` when it is set.
pub(crate) fn set_variables(variables: &[(&str, String)]) -> std::io::Result<()> {
    for (name, value) in variables {
        println!("##vso[task.setvariable variable={name}]{}", escape_vso(value));
    }
    if let Some(file) = std::env::var_os("GITHUB_OUTPUT").filter(|f| !f.is_empty()) {
        let mut out = std::fs::OpenOptions::new().append(true).create(true).open(file)?;
        for (name, value) in variables {
            writeln!(out, "{name}={value}")?;
        }
    }
    Ok(())
}

/// A logging command's data, escaped as the agent unescapes it (`%` `\r` `\n`).
fn escape_vso(value: &str) -> String {
    value.replace('%', "%AZP25").replace('\r', "%0D").replace('\n', "%0A")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logging_command_data_cannot_start_a_new_command() {
        assert_eq!(escape_vso("a%b\r\n##vso[x]"), "a%AZP25b%0D%0A##vso[x]");
    }
}
