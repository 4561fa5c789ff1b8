//! The Azure CLI turns each `.dockerignore` rule into a Python `re` pattern and matches it with
//! `re.match`; this module rewrites such a pattern into the syntax of the `regex` crate, with
//! the same meaning, where the two spell things differently:
//!
//! - `re.match` anchors the whole pattern at the start, alternatives included: the pattern is
//!   wrapped as `\A(?:...)`;
//! - a `{` that does not open a valid repetition (`{m}`, `{m,}`, `{,n}`, `{m,n}`, `{}`) is a
//!   literal in Python and an error in Rust: it is escaped; `{,n}` and `{}` are written out;
//! - inside a character class, `[`, `&&`, `--` and `~~` are literals in Python and nested
//!   classes or set operations in Rust: they are escaped;
//! - `\Z` (end of text) is Rust's `\z`.
//!
//! What Rust's `regex` lacks (look-around, back-references, `(?#...)` comments) stays as it is
//! and fails to compile: such a rule is refused as malformed, where the CLI would have taken it.
//! Python's `$` also matches before a final newline; a file name ending in a newline is the
//! only place where that could differ, and it is not emulated.

/// `pattern` (Python `re` syntax) in the `regex` crate's syntax, anchored as `re.match`
/// anchors it.
pub(super) fn anchored(pattern: &str) -> String {
    format!(r"\A(?:{})", translate(pattern))
}

/// `pattern` (Python `re` syntax) in the `regex` crate's syntax, not anchored.
pub(super) fn translate(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' => {
                i += 1;
                match chars.get(i) {
                    Some('Z') => out.push_str(r"\z"),
                    Some(&c) => {
                        out.push('\\');
                        out.push(c);
                    }
                    // A trailing backslash: left for the compiler to refuse, as Python does.
                    None => out.push('\\'),
                }
                i += 1;
            }
            '[' => i = class(&chars, i, &mut out),
            '{' => match repetition(&chars, i) {
                Some((text, end)) => {
                    out.push_str(&text);
                    i = end;
                }
                None => {
                    out.push_str(r"\{");
                    i += 1;
                }
            },
            '}' => {
                out.push_str(r"\}");
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// Copies the class starting at `chars[start] == '['` into `out`; returns the index after it.
/// An unterminated class is copied as it is, for the compiler to refuse (Python refuses it).
fn class(chars: &[char], start: usize, out: &mut String) -> usize {
    out.push('[');
    let mut i = start + 1;
    if chars.get(i) == Some(&'^') {
        out.push('^');
        i += 1;
    }
    // A `]` first in the class is a literal in Python.
    if chars.get(i) == Some(&']') {
        out.push_str(r"\]");
        i += 1;
    }
    while i < chars.len() {
        match chars[i] {
            ']' => {
                out.push(']');
                return i + 1;
            }
            '\\' => {
                out.push('\\');
                if let Some(&c) = chars.get(i + 1) {
                    out.push(c);
                }
                i += 2;
            }
            '[' => {
                out.push_str(r"\[");
                i += 1;
            }
            c @ ('&' | '~' | '-') if chars.get(i + 1) == Some(&c) => {
                out.push('\\');
                out.push(c);
                out.push('\\');
                out.push(c);
                i += 2;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    i
}

/// The repetition `{...}` at `chars[start]` as Python reads it (`sre_parse`: digits, an
/// optional comma and digits, then `}`), written out for Rust, and the index after it; `None`
/// when Python takes the `{` as a literal.
fn repetition(chars: &[char], start: usize) -> Option<(String, usize)> {
    let mut i = start + 1;
    let digits = |i: &mut usize| {
        let from = *i;
        while chars.get(*i).is_some_and(char::is_ascii_digit) {
            *i += 1;
        }
        chars[from..*i].iter().collect::<String>()
    };
    let low = digits(&mut i);
    let high = if chars.get(i) == Some(&',') {
        i += 1;
        Some(digits(&mut i))
    } else {
        None
    };
    if chars.get(i) != Some(&'}') {
        return None;
    }
    let low = if low.is_empty() { "0".to_owned() } else { low };
    let text = match high {
        None if low == "0" && i == start + 1 => "{0,}".to_owned(),
        None => format!("{{{low}}}"),
        Some(high) if high.is_empty() => format!("{{{low},}}"),
        Some(high) => format!("{{{low},{high}}}"),
    };
    Some((text, i + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_literals_become_rust_literals() {
        assert_eq!(translate("a{"), r"a\{");
        assert_eq!(translate("a{x}"), r"a\{x\}");
        assert_eq!(translate("a}"), r"a\}");
        assert_eq!(translate("a{2}"), "a{2}");
        assert_eq!(translate("a{,3}"), "a{0,3}");
        assert_eq!(translate("a{2,}"), "a{2,}");
        assert_eq!(translate("a{}"), "a{0,}");
        assert_eq!(translate("[[]"), r"[\[]");
        assert_eq!(translate("[]a]"), r"[\]a]");
        assert_eq!(translate("[^]a]"), r"[^\]a]");
        assert_eq!(translate("[a&&b]"), r"[a\&\&b]");
        assert_eq!(translate(r"x\Z"), r"x\z");
        assert_eq!(anchored("^a|b$"), r"\A(?:^a|b$)");
    }
}
