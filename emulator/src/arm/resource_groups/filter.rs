//! The `$filter` of the resource group list: `tagName eq 'x'` or
//! `tagName eq 'x' and tagValue eq 'y'` (keywords case-insensitive, `''` escapes a quote), as ARM
//! accepts; anything else is 400 `InvalidFilterInQueryString`.

use crate::arm::error::ArmError;
use crate::model::resource_groups::ResourceGroup;

/// A parsed filter: groups with tag `name` (case-insensitive), and `value` (exact) when given.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct TagFilter {
    name: String,
    value: Option<String>,
}

impl TagFilter {
    /// Parses a `$filter` value.
    pub fn parse(raw: &str) -> Result<TagFilter, ArmError> {
        let invalid = || {
            ArmError::bad_request(
                "InvalidFilterInQueryString",
                format!("Invalid $filter '{raw}' specified in the query string."),
            )
        };
        let tokens = tokens(raw).ok_or_else(invalid)?;
        let keyword = |token: &Token, word: &str| matches!(token, Token::Word(w) if w.eq_ignore_ascii_case(word));
        match tokens.as_slice() {
            [tag_name, eq, Token::Text(name)] if keyword(tag_name, "tagName") && keyword(eq, "eq") => Ok(TagFilter {
                name: name.clone(),
                value: None,
            }),
            [tag_name, eq, Token::Text(name), and, tag_value, eq2, Token::Text(value)]
                if keyword(tag_name, "tagName")
                    && keyword(eq, "eq")
                    && keyword(and, "and")
                    && keyword(tag_value, "tagValue")
                    && keyword(eq2, "eq") =>
            {
                Ok(TagFilter {
                    name: name.clone(),
                    value: Some(value.clone()),
                })
            }
            _ => Err(invalid()),
        }
    }

    /// Whether `group` passes the filter.
    pub fn matches(&self, group: &ResourceGroup) -> bool {
        let wanted = self.name.to_lowercase();
        group
            .tags
            .iter()
            .find(|(name, _)| name.to_lowercase() == wanted)
            .is_some_and(|(_, value)| self.value.as_ref().is_none_or(|v| v == value))
    }
}

/// A word or a quoted string of a filter.
#[derive(Debug, PartialEq, Eq)]
enum Token {
    Word(String),
    Text(String),
}

/// The tokens of a filter; `None` if a string is not closed.
fn tokens(raw: &str) -> Option<Vec<Token>> {
    let mut tokens = Vec::new();
    let mut chars = raw.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '\'' {
            chars.next();
            let mut text = String::new();
            loop {
                match chars.next()? {
                    '\'' if chars.peek() == Some(&'\'') => {
                        chars.next();
                        text.push('\'');
                    }
                    '\'' => break,
                    other => text.push(other),
                }
            }
            tokens.push(Token::Text(text));
        } else {
            let mut word = String::new();
            while let Some(&c) = chars.peek().filter(|c| !c.is_whitespace() && **c != '\'') {
                word.push(c);
                chars.next();
            }
            tokens.push(Token::Word(word));
        }
    }
    Some(tokens)
}

#[cfg(test)]
mod tests {
    use super::TagFilter;
    use crate::model::resource_groups::ResourceGroup;

    fn group(tags: &[(&str, &str)]) -> ResourceGroup {
        ResourceGroup {
            subscription_id: "s".into(),
            name: "g".into(),
            location: "eastus".into(),
            tags: tags.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
            deletion: None,
        }
    }

    #[test]
    fn tag_filters_parse_and_match() {
        let by_name = TagFilter::parse("tagName eq 'Team'").unwrap();
        assert!(by_name.matches(&group(&[("team", "x")])));
        assert!(!by_name.matches(&group(&[("owner", "x")])));
        let by_value = TagFilter::parse("  TAGNAME Eq 'team'   AND tagvalue EQ 'it''s'").unwrap();
        assert!(by_value.matches(&group(&[("Team", "it's")])));
        assert!(!by_value.matches(&group(&[("Team", "IT'S")])));
        assert!(!by_value.matches(&group(&[])));
    }

    #[test]
    fn other_filters_are_invalid_in_query_string() {
        for raw in [
            "",
            "name eq 'x'",
            "tagName eq 'x",
            "tagName ne 'x'",
            "tagName eq x",
            "tagValue eq 'y'",
            "tagName eq 'x' and tagValue eq 'y' and tagName eq 'z'",
            "location eq 'eastus'",
        ] {
            let error = TagFilter::parse(raw).unwrap_err();
            assert_eq!(error.code, "InvalidFilterInQueryString", "{raw}");
            assert_eq!(
                error.message,
                format!("Invalid $filter '{raw}' specified in the query string.")
            );
        }
    }
}
