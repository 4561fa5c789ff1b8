//! The `$filter` of ARM lists: clauses `field eq 'value'` joined by `and` (keywords and field
//! names in any case, `''` escapes a quote), each field at most once, `tagValue` only with
//! `tagName`. Which fields a list accepts is the list's: the resource group list takes the tag
//! fields, the generic resource list every field here. Anything else is 400
//! `InvalidFilterInQueryString`, as ARM answers.

use serde_json::Value;

use super::error::ArmError;
use crate::model::ids;

/// A field a filter clause may name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Field {
    /// `tagName`: the resource has a tag of this name (case-insensitive).
    TagName,
    /// `tagValue`: that tag has exactly this value.
    TagValue,
    /// `resourceType` (case-insensitive).
    ResourceType,
    /// `resourceGroup`: the group in the resource's id (case-insensitive).
    ResourceGroup,
    /// `name` (case-insensitive).
    Name,
    /// `location` (case-insensitive).
    Location,
}

impl Field {
    /// The field a word of a filter names.
    fn parse(word: &str) -> Option<Field> {
        [
            ("tagName", Field::TagName),
            ("tagValue", Field::TagValue),
            ("resourceType", Field::ResourceType),
            ("resourceGroup", Field::ResourceGroup),
            ("name", Field::Name),
            ("location", Field::Location),
        ]
        .into_iter()
        .find_map(|(name, field)| name.eq_ignore_ascii_case(word).then_some(field))
    }
}

/// The fields of the tag filters.
pub(crate) const TAG_FIELDS: &[Field] = &[Field::TagName, Field::TagValue];

/// Every field.
pub(crate) const ALL_FIELDS: &[Field] = &[
    Field::TagName,
    Field::TagValue,
    Field::ResourceType,
    Field::ResourceGroup,
    Field::Name,
    Field::Location,
];

/// ARM's 400 `InvalidFilterInQueryString` for the `$filter` value `raw`.
pub(crate) fn invalid_filter(raw: &str) -> ArmError {
    ArmError::bad_request(
        "InvalidFilterInQueryString",
        format!("Invalid $filter '{raw}' specified in the query string."),
    )
}

/// A parsed filter: every clause must hold.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Filter {
    clauses: Vec<(Field, String)>,
}

impl Filter {
    /// Parses a `$filter` value, with clauses on the `allowed` fields only.
    pub fn parse(raw: &str, allowed: &[Field]) -> Result<Filter, ArmError> {
        let invalid = || invalid_filter(raw);
        let tokens = tokens(raw).ok_or_else(invalid)?;
        let mut clauses: Vec<(Field, String)> = Vec::new();
        for clause in tokens.split(|token| token.is_word("and")) {
            let [Token::Word(word), eq, Token::Text(value)] = clause else {
                return Err(invalid());
            };
            let field = Field::parse(word)
                .filter(|field| allowed.contains(field))
                .ok_or_else(invalid)?;
            let repeated = clauses.iter().any(|(seen, _)| *seen == field);
            if !eq.is_word("eq") || repeated {
                return Err(invalid());
            }
            clauses.push((field, value.clone()));
        }
        let has = |wanted: Field| clauses.iter().any(|(field, _)| *field == wanted);
        if has(Field::TagValue) && !has(Field::TagName) {
            return Err(invalid());
        }
        Ok(Filter { clauses })
    }

    /// Whether `resource` (its ARM JSON) passes the filter.
    pub fn matches(&self, resource: &Value) -> bool {
        let text = |key: &str| resource[key].as_str().unwrap_or_default();
        let same = |a: &str, b: &str| a.to_lowercase() == b.to_lowercase();
        let tag_name = self.value_of(Field::TagName);
        self.clauses.iter().all(|(field, wanted)| match field {
            Field::TagName => tag(resource, wanted).is_some(),
            Field::TagValue => tag_name.and_then(|name| tag(resource, name)) == Some(wanted.as_str()),
            Field::ResourceType => same(text("type"), wanted),
            Field::ResourceGroup => ids::group_of(text("id")).is_some_and(|group| same(group, wanted)),
            Field::Name => same(text("name"), wanted),
            Field::Location => same(text("location"), wanted),
        })
    }

    /// The value of the clause on `field`, if any.
    fn value_of(&self, field: Field) -> Option<&str> {
        self.clauses
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, value)| value.as_str())
    }
}

/// The value of the tag named `name` (case-insensitive) of a resource's JSON.
fn tag<'a>(resource: &'a Value, name: &str) -> Option<&'a str> {
    let wanted = name.to_lowercase();
    resource["tags"]
        .as_object()?
        .iter()
        .find(|(key, _)| key.to_lowercase() == wanted)
        .and_then(|(_, value)| value.as_str())
}

/// A word or a quoted string of a filter.
#[derive(Debug, PartialEq, Eq)]
enum Token {
    Word(String),
    Text(String),
}

impl Token {
    /// Whether this is the keyword `word` (any case).
    fn is_word(&self, word: &str) -> bool {
        matches!(self, Token::Word(w) if w.eq_ignore_ascii_case(word))
    }
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
    use serde_json::{Value, json};

    use super::{ALL_FIELDS, Filter, TAG_FIELDS};

    fn tagged(tags: Value) -> Value {
        json!({ "id": "/subscriptions/s/resourceGroups/g", "name": "g", "tags": tags })
    }

    #[test]
    fn tag_filters_parse_and_match() {
        let by_name = Filter::parse("tagName eq 'Team'", TAG_FIELDS).unwrap();
        assert!(by_name.matches(&tagged(json!({ "team": "x" }))));
        assert!(!by_name.matches(&tagged(json!({ "owner": "x" }))));
        let by_value = Filter::parse("  TAGNAME Eq 'team'   AND tagvalue EQ 'it''s'", TAG_FIELDS).unwrap();
        assert!(by_value.matches(&tagged(json!({ "Team": "it's" }))));
        assert!(!by_value.matches(&tagged(json!({ "Team": "IT'S" }))));
        assert!(!by_value.matches(&tagged(json!({}))));
    }

    #[test]
    fn resource_fields_match_in_any_case() {
        let resource = json!({
            "id": "/subscriptions/s/resourceGroups/RG-1/providers/Microsoft.ContainerInstance/containerGroups/Web",
            "name": "Web",
            "type": "Microsoft.ContainerInstance/containerGroups",
            "location": "eastus",
        });
        let filter = "resourceType eq 'microsoft.containerinstance/CONTAINERGROUPS' and resourceGroup eq 'rg-1' and name eq 'WEB' and location eq 'EastUS'";
        assert!(Filter::parse(filter, ALL_FIELDS).unwrap().matches(&resource));
        let other = Filter::parse("resourceType eq 'Microsoft.Storage/storageAccounts'", ALL_FIELDS).unwrap();
        assert!(!other.matches(&resource));
        let group = Filter::parse("resourceGroup eq 'rg-2'", ALL_FIELDS).unwrap();
        assert!(!group.matches(&resource));
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
            "tagName eq 'x' and",
            "and tagName eq 'x'",
            "location eq 'eastus'",
        ] {
            let error = Filter::parse(raw, TAG_FIELDS).unwrap_err();
            assert_eq!(error.code, "InvalidFilterInQueryString", "{raw}");
            assert_eq!(
                error.message,
                format!("Invalid $filter '{raw}' specified in the query string.")
            );
        }
        for raw in [
            "kind eq 'x'",
            "name eq 'a' and name eq 'b'",
            "resourceType eq 'a' or name eq 'b'",
        ] {
            assert!(Filter::parse(raw, ALL_FIELDS).is_err(), "{raw}");
        }
    }
}
