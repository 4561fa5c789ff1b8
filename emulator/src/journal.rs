//! The request journal: a bounded ring of what each listener was asked and answered.
//! It never holds headers (so no `Authorization`), secrets or bodies: of a body, only its size.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

use crate::listener_kind::ListenerKind;

/// How many entries are kept; older ones are dropped.
pub(crate) const CAPACITY: usize = 20_000;

/// Longest text field an entry keeps, in bytes; longer ones are cut (at a character boundary)
/// and end in `…`.
pub(crate) const MAX_FIELD: usize = 1024;

/// Query parameters whose values are secrets and are replaced by `REDACTED`.
const SECRET_PARAMETERS: &[&str] = &["client_secret", "client_assertion", "sig", "code", "lockToken"];

/// One request as the journal shows it ([`crate::Control::journal`], `GET /journal` of the admin
/// API). It never holds headers, bodies or secrets.
#[non_exhaustive]
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct JournalEntry {
    /// Sequence number, from 1, in the order requests were answered (kept across clears).
    pub seq: u64,
    /// The emulator's time (RFC 3339, milliseconds) when it answered.
    pub time: String,
    /// The listener the request arrived on.
    pub listener: ListenerKind,
    /// The HTTP method.
    pub method: String,
    /// The path as sent (still percent-encoded).
    pub path: String,
    /// The query string, the values of secret parameters replaced by `REDACTED`.
    pub query: String,
    /// The status answered; `None` when the connection was dropped.
    pub status: Option<u16>,
    /// `x-ms-client-request-id` (or MSAL's `client-request-id`).
    pub client_request_id: Option<String>,
    /// `"429"`, `"500"`, `"503"` or `"drop"` when a fault was injected.
    pub fault: Option<String>,
    /// Injected latency applied before answering, in milliseconds.
    pub latency_ms: u64,
    /// Object id of the authenticated or token-receiving principal (on `devops`: `pat:{name}`,
    /// an Entra object id or `agent:{id}`).
    pub principal: Option<String>,
    /// Bytes of the request body the emulator read (its size, whatever it is: the content is
    /// never kept).
    #[serde(default)]
    pub request_bytes: u64,
}

impl JournalEntry {
    /// Whether the request was `method` (case-insensitive) on `listener`.
    pub fn is(&self, listener: ListenerKind, method: &str) -> bool {
        self.listener == listener && self.method.eq_ignore_ascii_case(method)
    }
}

/// The journal.
pub(crate) struct Journal {
    next_seq: AtomicU64,
    entries: Mutex<VecDeque<JournalEntry>>,
}

impl Default for Journal {
    fn default() -> Self {
        Journal {
            next_seq: AtomicU64::new(1),
            entries: Mutex::new(VecDeque::with_capacity(1024)),
        }
    }
}

impl Journal {
    /// Records an entry, filling in `seq` and cutting long text fields to [`MAX_FIELD`] bytes.
    pub fn record(&self, mut entry: JournalEntry) {
        entry.seq = self.next_seq.fetch_add(1, Ordering::Relaxed);
        for field in [&mut entry.method, &mut entry.path, &mut entry.query] {
            cut(field);
        }
        for field in [&mut entry.client_request_id, &mut entry.principal]
            .into_iter()
            .flatten()
        {
            cut(field);
        }
        let mut entries = self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if entries.len() == CAPACITY {
            entries.pop_front();
        }
        entries.push_back(entry);
    }

    /// All entries, oldest first, in sequence order.
    pub fn snapshot(&self) -> Vec<JournalEntry> {
        let entries = self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut list: Vec<JournalEntry> = entries.iter().cloned().collect();
        list.sort_by_key(|e| e.seq);
        list
    }

    /// Forgets every entry (sequence numbers keep counting).
    pub fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clear();
    }
}

/// Cuts `text` to at most [`MAX_FIELD`] bytes at a character boundary, marking the cut with `…`.
fn cut(text: &mut String) {
    if text.len() <= MAX_FIELD {
        return;
    }
    let mut end = MAX_FIELD - '…'.len_utf8();
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
    text.push('…');
}

/// The query string with secret parameter values replaced. Parameter names are compared the way
/// a server reads them: form-decoded (`client%5Fsecret` is `client_secret`), case-insensitively.
pub(crate) fn redact_query(query: &str) -> String {
    query
        .split('&')
        .map(|pair| {
            let raw_name = pair.split('=').next().unwrap_or("");
            let name = url::form_urlencoded::parse(raw_name.as_bytes())
                .next()
                .map(|(name, _)| name)
                .unwrap_or_default();
            if SECRET_PARAMETERS
                .iter()
                .any(|secret| secret.eq_ignore_ascii_case(&name))
            {
                format!("{raw_name}=REDACTED")
            } else {
                pair.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::{CAPACITY, Journal, JournalEntry, MAX_FIELD, redact_query};
    use crate::listener_kind::ListenerKind;

    fn entry() -> JournalEntry {
        JournalEntry {
            seq: 0,
            time: String::new(),
            listener: ListenerKind::Arm,
            method: "GET".into(),
            path: "/".into(),
            query: String::new(),
            status: Some(200),
            client_request_id: None,
            fault: None,
            latency_ms: 0,
            principal: None,
            request_bytes: 0,
        }
    }

    #[test]
    fn the_ring_keeps_the_newest_entries() {
        let journal = Journal::default();
        for _ in 0..CAPACITY + 5 {
            journal.record(entry());
        }
        let entries = journal.snapshot();
        assert_eq!(entries.len(), CAPACITY);
        assert_eq!(entries[0].seq, 6);
        journal.clear();
        assert!(journal.snapshot().is_empty());
        journal.record(entry());
        assert_eq!(journal.snapshot()[0].seq, CAPACITY as u64 + 6);
    }

    #[test]
    fn secrets_in_queries_are_redacted() {
        assert_eq!(
            redact_query("api-version=1&client_secret=abc&x=2"),
            "api-version=1&client_secret=REDACTED&x=2"
        );
        assert_eq!(redact_query("api-version=1"), "api-version=1");
        assert_eq!(redact_query(""), "");
    }

    #[test]
    fn encoded_secret_names_are_redacted() {
        assert_eq!(
            redact_query("client%5Fsecret=abc&CLIENT_ASSERTION=x.y.z&si%67=s&sig%20=kept"),
            "client%5Fsecret=REDACTED&CLIENT_ASSERTION=REDACTED&si%67=REDACTED&sig%20=kept"
        );
    }

    #[test]
    fn long_fields_are_cut_at_a_character_boundary() {
        let journal = Journal::default();
        let mut long = entry();
        long.path = format!("/{}", "é".repeat(3000));
        long.query = "q".repeat(10 * MAX_FIELD);
        long.client_request_id = Some("c".repeat(5000));
        long.method = "M".repeat(2000);
        journal.record(long);
        let kept = &journal.snapshot()[0];
        for field in [
            &kept.path,
            &kept.query,
            kept.client_request_id.as_ref().unwrap(),
            &kept.method,
        ] {
            assert!(field.len() <= MAX_FIELD, "{} bytes", field.len());
            assert!(field.ends_with('…'));
        }
        assert!(kept.path.starts_with("/éé"));
        let short = entry();
        journal.record(short);
        assert_eq!(journal.snapshot()[1].path, "/");
    }
}
