//! The task `az acr run --cmd` sends: a one-step template and its values, each base64-encoded
//! into an `EncodedTaskRunRequest` (Azure/azure-cli `acr/_utils.py` `get_yaml_and_values`,
//! `acr/run.py`).
//!
//! The CLI writes the template `steps: \n  - cmd: {{ .Values.command }}\n` (with
//! `    timeout: {{ .Values.timeout }}\n` when a timeout is given) and the values
//! `command: <cmd>\n` (and `timeout: <seconds>\n`), the command pasted as a plain YAML scalar.
//! The same template is sent here; the command is written plain when YAML reads it back
//! unchanged, and double-quoted otherwise (a `: ` or ` #` inside, a leading indicator such as
//! `-` or `{`, surrounding blanks), where the CLI would send a values file ACR misreads.

use crate::error::Error;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// The template of a `--cmd` run without a timeout, as the CLI writes it.
pub const CMD_TEMPLATE: &str = "steps: \n  - cmd: {{ .Values.command }}\n";
/// The line the CLI adds to [`CMD_TEMPLATE`] when a timeout is given.
pub const CMD_TIMEOUT_LINE: &str = "    timeout: {{ .Values.timeout }}\n";

/// The template and values of `--cmd command` (`timeout` in seconds), base64-encoded as
/// `encodedTaskContent` and `encodedValuesContent` want them.
///
/// ```
/// use acr_agentpool::flow::encode_cmd_task;
///
/// let (template, values) = encode_cmd_task("mcr.microsoft.com/hello-world", None)?;
/// assert_eq!(template, "c3RlcHM6IAogIC0gY21kOiB7eyAuVmFsdWVzLmNvbW1hbmQgfX0K");
/// assert_eq!(values, "Y29tbWFuZDogbWNyLm1pY3Jvc29mdC5jb20vaGVsbG8td29ybGQK");
/// # Ok::<(), acr_agentpool::Error>(())
/// ```
pub fn encode_cmd_task(command: &str, timeout: Option<u32>) -> Result<(String, String), Error> {
    if command.trim().is_empty() {
        return Err(Error::invalid(
            "--cmd",
            "is empty; expected an image and its arguments, e.g. mcr.microsoft.com/hello-world",
        ));
    }
    if command.contains(['\n', '\r']) {
        return Err(Error::invalid(
            "--cmd",
            "spans several lines; a cmd step is one line (an image and its arguments)",
        ));
    }
    let mut template = CMD_TEMPLATE.to_owned();
    let mut values = format!("command: {}\n", yaml_scalar(command));
    if let Some(timeout) = timeout {
        template.push_str(CMD_TIMEOUT_LINE);
        values.push_str(&format!("timeout: {timeout}\n"));
    }
    Ok((STANDARD.encode(template), STANDARD.encode(values)))
}

/// `value` as a YAML scalar: plain when YAML reads it back unchanged, double-quoted otherwise.
fn yaml_scalar(value: &str) -> String {
    let first = value.chars().next().unwrap_or(' ');
    let needs_quotes = value != value.trim()
        || "-?:,[]{}#&*!|>'\"%@`".contains(first)
        || value.contains(": ")
        || value.ends_with(':')
        || value.contains(" #")
        || value.contains('\t');
    if !needs_quotes {
        return value.to_owned();
    }
    let mut quoted = String::with_capacity(value.len() + 2);
    quoted.push('"');
    for c in value.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\t' => quoted.push_str("\\t"),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(text: &str) -> String {
        String::from_utf8(STANDARD.decode(text).unwrap()).unwrap()
    }

    #[test]
    fn the_template_and_values_are_the_clis() {
        let (template, values) = encode_cmd_task("mcr.microsoft.com/hello-world", None).unwrap();
        assert_eq!(decode(&template), "steps: \n  - cmd: {{ .Values.command }}\n");
        assert_eq!(decode(&values), "command: mcr.microsoft.com/hello-world\n");
    }

    #[test]
    fn a_timeout_adds_a_template_line_and_a_value() {
        let (template, values) = encode_cmd_task("alpine echo hi", Some(600)).unwrap();
        assert_eq!(
            decode(&template),
            "steps: \n  - cmd: {{ .Values.command }}\n    timeout: {{ .Values.timeout }}\n"
        );
        assert_eq!(decode(&values), "command: alpine echo hi\ntimeout: 600\n");
    }

    #[test]
    fn a_command_yaml_would_misread_is_quoted() {
        for (command, written) in [
            ("alpine sh -c 'echo a: b'", r#""alpine sh -c 'echo a: b'""#),
            ("alpine echo # not a comment", r#""alpine echo # not a comment""#),
            ("-v x", r#""-v x""#),
            ("alpine echo \"q\" \\", r#"alpine echo "q" \"#),
            ("alpine echo \"a: b\"", r#""alpine echo \"a: b\"""#),
        ] {
            assert_eq!(yaml_scalar(command), written, "{command}");
        }
    }

    #[test]
    fn an_empty_or_multi_line_command_is_refused() {
        for command in ["", "  ", "alpine\necho"] {
            let error = encode_cmd_task(command, None).unwrap_err().to_string();
            assert!(error.starts_with("invalid --cmd: "), "{error}");
        }
    }
}
