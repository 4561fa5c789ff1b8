//! Deserialising TOML and JSON into config types with one-line, positioned errors.

use serde::de::DeserializeOwned;

use crate::error::Error;

/// Parses TOML; an error names `origin`, the line and column, and quotes the offending line.
pub(crate) fn toml<T: DeserializeOwned>(text: &str, origin: &str) -> Result<T, Error> {
    toml::from_str(text).map_err(|error| {
        let offset = error.span().map_or(0, |span| span.start);
        let (line, column) = position(text, offset);
        Error::ParseConfig {
            origin: origin.to_owned(),
            line,
            column,
            message: with_line(error.message().trim(), text, line),
            source: Box::new(error),
        }
    })
}

/// Parses JSON; an error names `origin`, the line and column, and quotes the offending line.
pub(crate) fn json<T: DeserializeOwned>(text: &str, origin: &str) -> Result<T, Error> {
    serde_json::from_str(text).map_err(|error| {
        let (line, column) = (error.line(), error.column());
        let full = error.to_string();
        let suffix = format!(" at line {line} column {column}");
        let message = full.strip_suffix(&suffix).unwrap_or(&full).to_owned();
        Error::ParseConfig {
            origin: origin.to_owned(),
            line,
            column,
            message: with_line(&message, text, line),
            source: Box::new(error),
        }
    })
}

/// 1-based line and column of a byte offset.
fn position(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Appends the offending source line (trimmed) so the field is named even for type errors.
fn with_line(message: &str, text: &str, line: usize) -> String {
    match text.lines().nth(line.saturating_sub(1)).map(str::trim) {
        Some(source) if !source.is_empty() && source.len() <= 120 => {
            format!("{message} (in `{source}`)")
        }
        _ => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::position;

    #[test]
    fn position_counts_lines_and_columns_from_one() {
        let text = "a = 1\nbb = 2\n";
        assert_eq!(position(text, 0), (1, 1));
        assert_eq!(position(text, 6), (2, 1));
        assert_eq!(position(text, 9), (2, 4));
    }
}
