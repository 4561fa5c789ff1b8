//! A container's log: the lines it wrote on stdout and stderr, with the emulator time each was
//! read, bounded to the newest [`MAX_LOG_BYTES`].

use std::collections::VecDeque;

use time::OffsetDateTime;

use crate::clock;

/// Most bytes of log kept per container (older lines are dropped).
pub(crate) const MAX_LOG_BYTES: usize = 1024 * 1024;

/// The lines of one container run.
#[derive(Clone, Debug, Default)]
pub(crate) struct Log {
    lines: VecDeque<(OffsetDateTime, String)>,
    bytes: usize,
}

impl Log {
    /// Appends a line (without its newline), dropping the oldest lines beyond the bound.
    pub fn push(&mut self, at: OffsetDateTime, line: String) {
        self.bytes += line.len() + 1;
        self.lines.push_back((at, line));
        while self.bytes > MAX_LOG_BYTES {
            match self.lines.pop_front() {
                Some((_, old)) => self.bytes -= old.len() + 1,
                None => break,
            }
        }
    }

    /// The last `tail` lines (all when `None`), each ending in a newline, prefixed with its RFC
    /// 3339 time and a space when `timestamps`.
    pub fn content(&self, tail: Option<usize>, timestamps: bool) -> String {
        let skip = tail.map_or(0, |tail| self.lines.len().saturating_sub(tail));
        let mut content = String::new();
        for (at, line) in self.lines.iter().skip(skip) {
            if timestamps {
                content.push_str(&clock::rfc3339(*at));
                content.push(' ');
            }
            content.push_str(line);
            content.push('\n');
        }
        content
    }
}

#[cfg(test)]
mod tests {
    use time::OffsetDateTime;

    use super::{Log, MAX_LOG_BYTES};

    #[test]
    fn tail_and_timestamps() {
        let mut log = Log::default();
        for line in ["one", "two", "three"] {
            log.push(OffsetDateTime::UNIX_EPOCH, line.to_owned());
        }
        assert_eq!(log.content(None, false), "one\ntwo\nthree\n");
        assert_eq!(log.content(Some(2), false), "two\nthree\n");
        assert_eq!(log.content(Some(9), false), "one\ntwo\nthree\n");
        assert_eq!(log.content(Some(0), false), "");
        let stamped = log.content(Some(1), true);
        assert!(stamped.starts_with("1970-01-01T00:00:00"), "{stamped}");
        assert!(stamped.ends_with(" three\n"), "{stamped}");
    }

    #[test]
    fn the_oldest_lines_go_beyond_the_bound() {
        let mut log = Log::default();
        let line = "x".repeat(1023);
        for _ in 0..(MAX_LOG_BYTES / 1024 + 10) {
            log.push(OffsetDateTime::UNIX_EPOCH, line.clone());
        }
        log.push(OffsetDateTime::UNIX_EPOCH, "last".to_owned());
        let content = log.content(None, false);
        assert!(content.len() <= MAX_LOG_BYTES, "{}", content.len());
        assert!(content.ends_with("last\n"));
    }
}
