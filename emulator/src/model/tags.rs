//! The limits ARM puts on tags: how many, how long, which characters in names.

use std::collections::BTreeMap;

/// Most tags on a resource or resource group.
const MAX_TAGS: usize = 50;
/// Longest tag name, in characters.
const MAX_NAME: usize = 512;
/// Longest tag value, in characters.
const MAX_VALUE: usize = 256;
/// Characters a tag name must not contain (besides control characters).
const RESERVED: &[char] = &['<', '>', '%', '&', '\\', '?', '/'];

/// Why ARM refuses a set of tags: its error code and message.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct TagError {
    pub code: &'static str,
    pub message: String,
}

fn refuse(code: &'static str, message: String) -> Result<(), TagError> {
    Err(TagError { code, message })
}

/// Checks tags the way ARM does, in ARM's order: count, empty names, reserved characters, name
/// length, value length.
pub(crate) fn check(tags: &BTreeMap<String, String>) -> Result<(), TagError> {
    if tags.len() > MAX_TAGS {
        return refuse(
            "InvalidTags",
            format!(
                "Too many tags specified. Requested tag count - '{}'. Maximum number of tags allowed - '{MAX_TAGS}'.",
                tags.len()
            ),
        );
    }
    if tags.keys().any(|name| name.trim().is_empty()) {
        return refuse(
            "InvalidTagName",
            "The tag name must be non-null, non-empty and non-whitespace only. Please provide an actual value."
                .to_owned(),
        );
    }
    let reserved = names_where(tags, |name| {
        name.chars().any(|c| RESERVED.contains(&c) || c.is_control())
    });
    if !reserved.is_empty() {
        return refuse(
            "InvalidTagNameCharacters",
            format!("The tag names '{reserved}' have reserved characters '<,>,%,&,\\,?,/' or control characters."),
        );
    }
    let long = names_where(tags, |name| name.chars().count() > MAX_NAME);
    if !long.is_empty() {
        return refuse(
            "InvalidTagName",
            format!(
                "Tag key too large. Following tag name '{long}' exceeded the maximum length. Maximum allowed length for tag name - '{MAX_NAME}' characters."
            ),
        );
    }
    let long: Vec<&str> = tags
        .values()
        .filter(|value| value.chars().count() > MAX_VALUE)
        .map(String::as_str)
        .collect();
    if !long.is_empty() {
        return refuse(
            "InvalidTagValueLength",
            format!(
                "Tag value too large. Following tag value '{}' exceeded the maximum length. Maximum allowed length for tag value - '{MAX_VALUE}' characters.",
                long.join(", ")
            ),
        );
    }
    Ok(())
}

/// The names that satisfy `test`, comma separated.
fn names_where(tags: &BTreeMap<String, String>, test: impl Fn(&str) -> bool) -> String {
    tags.keys()
        .map(String::as_str)
        .filter(|name| test(name))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::check;

    fn tags(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    fn code(pairs: &[(&str, &str)]) -> &'static str {
        check(&tags(pairs)).map_or_else(|e| e.code, |()| "ok")
    }

    #[test]
    fn limits_follow_arm() {
        assert_eq!(code(&[("team", "build"), ("cost center", "42: a/b <c>")]), "ok");
        assert_eq!(code(&[("a/b", "x")]), "InvalidTagNameCharacters");
        assert_eq!(code(&[("a\u{7}", "x")]), "InvalidTagNameCharacters");
        assert_eq!(code(&[(" ", "x")]), "InvalidTagName");
        assert_eq!(code(&[(&"n".repeat(512), "x")]), "ok");
        assert_eq!(code(&[(&"n".repeat(513), "x")]), "InvalidTagName");
        assert_eq!(code(&[("n", &"é".repeat(256))]), "ok");
        assert_eq!(code(&[("n", &"v".repeat(257))]), "InvalidTagValueLength");
        let fifty: Vec<(String, String)> = (0..50).map(|i| (format!("t{i}"), String::new())).collect();
        let mut many: BTreeMap<String, String> = fifty.into_iter().collect();
        assert!(check(&many).is_ok());
        many.insert("one-more".into(), String::new());
        let error = check(&many).unwrap_err();
        assert_eq!(error.code, "InvalidTags");
        assert!(error.message.contains("'51'"), "{}", error.message);
        let error = check(&tags(&[("a?", "x"), ("b&", "y")])).unwrap_err();
        assert_eq!(
            error.message,
            "The tag names 'a?, b&' have reserved characters '<,>,%,&,\\,?,/' or control characters."
        );
    }
}
