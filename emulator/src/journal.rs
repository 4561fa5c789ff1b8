//! The request journal: a bounded ring of what each listener was asked and answered.
//! It never holds headers (so no `Authorization`), secrets or bodies.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;

use crate::listener_kind::ListenerKind;

/// How many entries are kept; older ones are dropped.
pub(crate) const CAPACITY: usize = 20_000;

/// Query parameters whose values are secrets and are replaced by `REDACTED`.
const SECRET_PARAMETERS: &[&str] = &["client_secret", "client_assertion", "sig", "code"];

/// One request as the journal shows it.
#[derive(Serialize, Clone, Debug)]
pub(crate) struct Entry {
    pub seq: u64,
    pub time: String,
    pub listener: ListenerKind,
    pub method: String,
    pub path: String,
    pub query: String,
    /// `None` when the connection was dropped.
    pub status: Option<u16>,
    pub client_request_id: Option<String>,
    /// `"429"`, `"500"`, `"503"` or `"drop"` when a fault was injected.
    pub fault: Option<&'static str>,
    /// Object id of the authenticated or token-receiving principal.
    pub principal: Option<String>,
}

/// The journal.
pub(crate) struct Journal {
    next_seq: AtomicU64,
    entries: Mutex<VecDeque<Entry>>,
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
    /// Records an entry, filling in `seq`.
    pub fn record(&self, mut entry: Entry) {
        entry.seq = self.next_seq.fetch_add(1, Ordering::Relaxed);
        let mut entries = self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if entries.len() == CAPACITY {
            entries.pop_front();
        }
        entries.push_back(entry);
    }

    /// All entries, oldest first, in sequence order.
    pub fn snapshot(&self) -> Vec<Entry> {
        let entries = self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut list: Vec<Entry> = entries.iter().cloned().collect();
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

/// The query string with secret parameter values replaced.
pub(crate) fn redact_query(query: &str) -> String {
    if !SECRET_PARAMETERS
        .iter()
        .any(|name| query.to_ascii_lowercase().contains(name))
    {
        return query.to_owned();
    }
    query
        .split('&')
        .map(|pair| {
            let name = pair.split('=').next().unwrap_or("");
            if SECRET_PARAMETERS.iter().any(|secret| secret.eq_ignore_ascii_case(name)) {
                format!("{name}=REDACTED")
            } else {
                pair.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::{CAPACITY, Entry, Journal, redact_query};
    use crate::listener_kind::ListenerKind;

    fn entry() -> Entry {
        Entry {
            seq: 0,
            time: String::new(),
            listener: ListenerKind::Arm,
            method: "GET".into(),
            path: "/".into(),
            query: String::new(),
            status: Some(200),
            client_request_id: None,
            fault: None,
            principal: None,
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
    }
}
