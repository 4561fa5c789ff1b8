//! Deserialising TOML and JSON into config types with one-line, positioned errors that never
//! show a secret (the values of `client_secret`, `identity_header` and `token`).

use serde::de::DeserializeOwned;

use crate::error::Error;
use crate::redact::REDACTED;

/// Keys whose values are secrets.
const SECRET_KEYS: &[&str] = &["client_secret", "identity_header", "token"];

/// Parses TOML; an error names `origin`, the line and column, and quotes the offending line.
pub(crate) fn toml<T: DeserializeOwned>(text: &str, origin: &str) -> Result<T, Error> {
    toml::from_str(text).map_err(|error| {
        let offset = error.span().map_or(0, |span| span.start);
        let (line, column) = position(text, offset);
        parse_error(origin, text, line, column, error.message().trim())
    })
}

/// Parses JSON; an error names `origin`, the line and column, and quotes the offending line.
pub(crate) fn json<T: DeserializeOwned>(text: &str, origin: &str) -> Result<T, Error> {
    serde_json::from_str(text).map_err(|error| {
        let (line, column) = (error.line(), error.column());
        let full = error.to_string();
        let suffix = format!(" at line {line} column {column}");
        let message = full.strip_suffix(&suffix).unwrap_or(&full).to_owned();
        parse_error(origin, text, line, column, &message)
    })
}

/// The error, with the secrets of the offending line redacted from the message and the quote.
/// Its source is the redacted message too: the parsers' own errors may hold the document.
fn parse_error(origin: &str, text: &str, line: usize, column: usize, message: &str) -> Error {
    let source_line = text.lines().nth(line.saturating_sub(1)).map_or("", str::trim);
    let secrets = secret_values(source_line);
    let message = redact(message, &secrets);
    let quoted = redact(source_line, &secrets);
    let message = if !quoted.is_empty() && quoted.len() <= 120 {
        format!("{message} (in `{quoted}`)")
    } else {
        message
    };
    Error::ParseConfig {
        origin: origin.to_owned(),
        line,
        column,
        source: message.clone().into(),
        message,
    }
}

/// 1-based line and column of a byte offset.
fn position(text: &str, offset: usize) -> (usize, usize) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// The values given to secret keys on a line of TOML or JSON (`client_secret = "x"`,
/// `"identity_header": "x"`), without quotes.
fn secret_values(line: &str) -> Vec<&str> {
    let lower = line.to_ascii_lowercase();
    SECRET_KEYS
        .iter()
        .flat_map(|key| lower.match_indices(key).map(|(at, key)| at + key.len()))
        .filter_map(|after| {
            let rest = line[after..].trim_start_matches(|c: char| c == '"' || c == '\'' || c.is_whitespace());
            let value = rest.strip_prefix(['=', ':'])?;
            let value = value.trim_start().trim_start_matches(['"', '\'']);
            let end = value.find(['"', '\'', ',', '}', ']', '#']).unwrap_or(value.len());
            Some(value[..end].trim()).filter(|value| !value.is_empty())
        })
        .collect()
}

/// `text` with every secret replaced.
fn redact(text: &str, secrets: &[&str]) -> String {
    secrets
        .iter()
        .fold(text.to_owned(), |text, secret| text.replace(secret, REDACTED))
}

#[cfg(test)]
mod tests {
    use super::{position, secret_values};

    #[test]
    fn position_counts_lines_and_columns_from_one() {
        let text = "a = 1\nbb = 2\n";
        assert_eq!(position(text, 0), (1, 1));
        assert_eq!(position(text, 6), (2, 1));
        assert_eq!(position(text, 9), (2, 4));
        assert_eq!(position("é", 1), (1, 1));
    }

    #[test]
    fn secret_values_are_found_in_toml_and_json_lines() {
        assert_eq!(secret_values(r#"client_secret = "s3cret" # note"#), ["s3cret"]);
        assert_eq!(secret_values("Client_Secret=12345"), ["12345"]);
        assert_eq!(
            secret_values(r#"{"identity_header": "h", "client_secret": "c"}"#),
            ["c", "h"]
        );
        assert!(secret_values(r#"client_secret_ref = "x""#).is_empty());
        assert_eq!(secret_values(r#"token = "pat-value""#), ["pat-value"]);
        assert!(secret_values("token_lifetime_secs = 5").is_empty());
        assert!(secret_values("name = \"client_secret\"").is_empty());
    }
}
