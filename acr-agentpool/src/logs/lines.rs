//! Bytes of a run log cut into lines: ACR writes its run logs with CRLF line ends (the Azure
//! CLI's `_stream_utils.py` flushes at each `\r\n`), a chunk read from the blob may end in the
//! middle of a line or of a UTF-8 character, and a line is only given out once it is whole.

/// The longest partial line held while waiting for its end (64 KiB): a longer one is given out
/// in pieces of this size, so that a log without line ends (a progress bar drawn with `\r`, a
/// binary dump) cannot make memory grow without bound.
pub const MAX_HELD_LINE: usize = 64 * 1024;

/// Cuts chunks of bytes into lines.
///
/// A line ends at `\n`; a `\r` just before it is dropped, as is the `\r` of a CRLF split
/// between two chunks. Bytes that are not UTF-8 are replaced by `U+FFFD` (as the Azure CLI's
/// `decode('utf-8', errors='ignore')` drops them), but only once the line is whole, so that a
/// character split between two chunks survives.
///
/// ```
/// use acr_agentpool::logs::LineSplitter;
///
/// let mut lines = Vec::new();
/// let mut splitter = LineSplitter::default();
/// splitter.push(b"Step 1/2 : FROM alpine\r\nStep 2/", |line| lines.push(line.to_owned()));
/// splitter.push(b"2 : RUN true\r", |line| lines.push(line.to_owned()));
/// splitter.push(b"\n", |line| lines.push(line.to_owned()));
/// splitter.finish(|line| lines.push(line.to_owned()));
/// assert_eq!(lines, ["Step 1/2 : FROM alpine", "Step 2/2 : RUN true"]);
/// ```
#[derive(Debug, Default)]
pub struct LineSplitter {
    held: Vec<u8>,
}

impl LineSplitter {
    /// Gives every line that `chunk` completes to `sink`, in order, and holds the rest.
    pub fn push(&mut self, chunk: &[u8], mut sink: impl FnMut(&str)) {
        let mut rest = chunk;
        while let Some(end) = rest.iter().position(|&b| b == b'\n') {
            self.held.extend_from_slice(&rest[..end]);
            rest = &rest[end + 1..];
            if self.held.last() == Some(&b'\r') {
                self.held.pop();
            }
            emit(&self.held, &mut sink);
            self.held.clear();
        }
        self.held.extend_from_slice(rest);
        while self.held.len() > MAX_HELD_LINE {
            let piece = split_point(&self.held);
            emit(&self.held[..piece], &mut sink);
            self.held.drain(..piece);
        }
    }

    /// Gives the held partial line, if any, to `sink`: the log ended without a last line end.
    pub fn finish(&mut self, mut sink: impl FnMut(&str)) {
        if self.held.last() == Some(&b'\r') {
            self.held.pop();
        }
        if !self.held.is_empty() {
            emit(&self.held, &mut sink);
            self.held.clear();
        }
    }

    /// How many bytes are held, waiting for their line's end.
    pub fn held(&self) -> usize {
        self.held.len()
    }
}

fn emit(line: &[u8], sink: &mut impl FnMut(&str)) {
    sink(&String::from_utf8_lossy(line));
}

/// Where to cut an over-long held line: at [`MAX_HELD_LINE`], moved back to the start of a
/// UTF-8 character (at most 3 bytes) so that the character is not broken in two.
fn split_point(held: &[u8]) -> usize {
    let mut at = MAX_HELD_LINE;
    while at > MAX_HELD_LINE - 3 && held.get(at).is_some_and(|b| b & 0xC0 == 0x80) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(chunks: &[&[u8]]) -> Vec<String> {
        let mut lines = Vec::new();
        let mut splitter = LineSplitter::default();
        for chunk in chunks {
            splitter.push(chunk, |l| lines.push(l.to_owned()));
        }
        splitter.finish(|l| lines.push(l.to_owned()));
        lines
    }

    #[test]
    fn crlf_and_lf_end_lines_and_the_cr_is_dropped() {
        assert_eq!(split(&[b"a\r\nb\nc\r\n"]), ["a", "b", "c"]);
    }

    #[test]
    fn a_crlf_split_between_chunks_ends_one_line() {
        assert_eq!(split(&[b"a\r", b"\nb\r", b"\n"]), ["a", "b"]);
    }

    #[test]
    fn a_partial_line_is_held_until_its_end() {
        let mut lines = Vec::new();
        let mut splitter = LineSplitter::default();
        splitter.push(b"Step 1", |l| lines.push(l.to_owned()));
        assert!(lines.is_empty());
        assert_eq!(splitter.held(), 6);
        splitter.push(b"/3\r\n", |l| lines.push(l.to_owned()));
        assert_eq!(lines, ["Step 1/3"]);
        assert_eq!(splitter.held(), 0);
    }

    #[test]
    fn the_last_line_without_an_end_is_given_by_finish() {
        assert_eq!(split(&[b"a\r\nlast"]), ["a", "last"]);
        assert_eq!(split(&[b"a\r\nlast\r"]), ["a", "last"]);
    }

    #[test]
    fn empty_lines_are_kept() {
        assert_eq!(split(&[b"\r\n\r\na\r\n"]), ["", "", "a"]);
    }

    #[test]
    fn a_character_split_between_chunks_survives() {
        let text = "é→✓\r\n".as_bytes();
        assert_eq!(split(&[&text[..1], &text[1..4], &text[4..]]), ["é→✓"]);
    }

    #[test]
    fn invalid_utf8_is_replaced_not_fatal() {
        assert_eq!(split(&[b"a\xffb\r\n"]), ["a\u{fffd}b"]);
    }

    #[test]
    fn an_endless_line_is_given_in_bounded_pieces_without_breaking_characters() {
        let mut line = "x".repeat(MAX_HELD_LINE - 1).into_bytes();
        line.extend_from_slice("✓".repeat(10).as_bytes());
        let mut pieces = Vec::new();
        let mut splitter = LineSplitter::default();
        splitter.push(&line, |l| pieces.push(l.to_owned()));
        assert_eq!(pieces.len(), 1);
        assert!(splitter.held() <= MAX_HELD_LINE);
        assert_eq!(pieces[0].len(), MAX_HELD_LINE - 1);
        splitter.finish(|l| pieces.push(l.to_owned()));
        assert_eq!(pieces.concat().into_bytes(), line);
        assert!(pieces.iter().all(|p| !p.contains('\u{fffd}')));
    }
}
