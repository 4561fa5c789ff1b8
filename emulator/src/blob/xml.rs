//! The XML of the Blob service: escaping what is written, and reading the two request bodies the
//! emulator accepts (`BlockList` of Put Block List, `KeyInfo` of Get User Delegation Key).

use serde::Deserialize;

/// `text` with `&`, `<`, `>`, `"` and `'` escaped, for element text and attribute values.
pub(crate) fn escape(text: &str) -> std::borrow::Cow<'_, str> {
    quick_xml::escape::escape(text)
}

/// `<{name}>{escaped text}</{name}>`.
pub(crate) fn element(name: &str, text: &str) -> String {
    format!("<{name}>{}</{name}>", escape(text))
}

/// The XML declaration every Blob response body starts with.
pub(crate) const DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>";

/// Which list of a blob a block of Put Block List is taken from (learn.microsoft.com "Put Block
/// List", request body).
#[derive(Deserialize, Clone, Debug, PartialEq, Eq)]
pub(crate) enum BlockSource {
    /// The committed list only.
    Committed(String),
    /// The uncommitted list only.
    Uncommitted(String),
    /// The uncommitted list first, then the committed one.
    Latest(String),
}

#[derive(Deserialize)]
struct BlockListBody {
    #[serde(rename = "$value", default)]
    blocks: Vec<BlockSource>,
}

/// The blocks of a `<BlockList>` body, in order; `None` when it is not that XML.
pub(crate) fn block_list(body: &[u8]) -> Option<Vec<BlockSource>> {
    let text = std::str::from_utf8(body).ok()?;
    let text = text.trim_start_matches('\u{feff}');
    if !root_is(text, "BlockList") {
        return None;
    }
    quick_xml::de::from_str::<BlockListBody>(text)
        .ok()
        .map(|list| list.blocks)
}

/// The `<KeyInfo>` of Get User Delegation Key.
#[derive(Deserialize, Debug, PartialEq, Eq)]
pub(crate) struct KeyInfo {
    /// ISO 8601 start (may be absent: then the key starts now).
    #[serde(rename = "Start", default)]
    pub start: Option<String>,
    /// ISO 8601 expiry.
    #[serde(rename = "Expiry")]
    pub expiry: String,
}

/// The `<KeyInfo>` of a body; `None` when it is not that XML.
pub(crate) fn key_info(body: &[u8]) -> Option<KeyInfo> {
    let text = std::str::from_utf8(body).ok()?.trim_start_matches('\u{feff}');
    if !root_is(text, "KeyInfo") {
        return None;
    }
    quick_xml::de::from_str(text).ok()
}

/// Whether the document's root element is `name` (serde ignores the root's name).
fn root_is(text: &str, name: &str) -> bool {
    let mut reader = quick_xml::Reader::from_str(text);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Start(start) | quick_xml::events::Event::Empty(start)) => {
                return start.local_name().as_ref() == name;
            }
            Ok(quick_xml::events::Event::Eof) | Err(_) => return false,
            Ok(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_lists_keep_their_order_and_sources() {
        let body = br#"<?xml version="1.0" encoding="utf-8"?>
<BlockList>
  <Committed>Zmlyc3Q=</Committed>
  <Uncommitted>c2Vjb25k</Uncommitted>
  <Latest>dGhpcmQ=</Latest>
</BlockList>"#;
        assert_eq!(
            block_list(body).unwrap(),
            [
                BlockSource::Committed("Zmlyc3Q=".into()),
                BlockSource::Uncommitted("c2Vjb25k".into()),
                BlockSource::Latest("dGhpcmQ=".into()),
            ]
        );
        assert_eq!(block_list(b"<BlockList/>").unwrap(), []);
        assert_eq!(block_list(b"<Other><Latest>a</Latest></Other>"), None);
        assert_eq!(block_list(b"<BlockList><Latest>a</Latest>"), None);
    }

    #[test]
    fn key_info_reads_start_and_expiry() {
        let info = key_info(b"<?xml version=\"1.0\"?><KeyInfo><Start>2026-01-01T00:00:00Z</Start><Expiry>2026-01-02T00:00:00Z</Expiry></KeyInfo>").unwrap();
        assert_eq!(info.start.as_deref(), Some("2026-01-01T00:00:00Z"));
        assert_eq!(info.expiry, "2026-01-02T00:00:00Z");
        assert_eq!(key_info(b"<KeyInfo><Start>x</Start></KeyInfo>"), None);
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(element("Name", "a<&>\"b"), "<Name>a&lt;&amp;&gt;&quot;b</Name>");
    }
}
