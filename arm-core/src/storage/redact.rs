//! Keeping SAS queries out of text: every message built by [`crate::storage`] goes through
//! [`scrub`].

/// `text` with the query of every `http://` or `https://` URL in it replaced by `<redacted>`,
/// and any `sig=` value elsewhere replaced too, so that a SAS never reaches a log or an error.
pub(crate) fn scrub(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = find_url(rest) {
        out.push_str(&rest[..start]);
        let url = &rest[start..];
        let end = url
            .find(|c: char| c.is_whitespace() || matches!(c, ')' | '"' | '\'' | '<' | '>'))
            .unwrap_or(url.len());
        let (token, after) = url.split_at(end);
        match token.split_once('?') {
            Some((base, _)) => {
                out.push_str(base);
                out.push_str("?<redacted>");
            }
            None => out.push_str(token),
        }
        rest = after;
    }
    out.push_str(rest);
    redact_signatures(&out)
}

fn find_url(text: &str) -> Option<usize> {
    let lower = text.to_ascii_lowercase();
    match (lower.find("https://"), lower.find("http://")) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Replaces the value of every `sig=` parameter outside a URL.
fn redact_signatures(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.to_ascii_lowercase().find("sig=") {
        let value_start = at + "sig=".len();
        out.push_str(&rest[..value_start]);
        let value = &rest[value_start..];
        let end = value
            .find(|c: char| c == '&' || c.is_whitespace())
            .unwrap_or(value.len());
        if end > 0 {
            out.push_str("<redacted>");
        }
        rest = &value[end..];
    }
    out.push_str(rest);
    out
}

/// `url` as shown to people: without its query, and `?<redacted>` when it had one.
pub(crate) fn redacted_url(url: &url::Url) -> String {
    let base = crate::url_without_query(url);
    if url.query().is_some() {
        format!("{base}?<redacted>")
    } else {
        base
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_and_signatures_are_removed() {
        assert_eq!(
            scrub("error sending request for url (https://a.blob.core.windows.net/c/b?sv=2&sig=abc%2B) now"),
            "error sending request for url (https://a.blob.core.windows.net/c/b?<redacted>) now"
        );
        assert_eq!(scrub("bad sig=abc&se=1 here"), "bad sig=<redacted>&se=1 here");
        assert_eq!(scrub("HTTP://x/y?z=1"), "HTTP://x/y?<redacted>");
        assert_eq!(scrub("nothing to hide"), "nothing to hide");
        let url = url::Url::parse("https://a.blob.core.windows.net/c/b?sig=x").unwrap();
        assert_eq!(redacted_url(&url), "https://a.blob.core.windows.net/c/b?<redacted>");
    }
}
