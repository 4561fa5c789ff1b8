//! The order Storage sorts `x-ms-` header names in for Shared Key's CanonicalizedHeaders.
//!
//! learn.microsoft.com "Authorize with Shared Key" says "sort the headers lexicographically by
//! header name, in ascending order"; the service in fact sorts with a culture-aware comparison
//! (the Windows sort: letters case-insensitively after digits after most punctuation, `-` and
//! `'` ignored unless they are the only difference), and the official SDKs reproduce it
//! (azure-sdk-for-python `_shared/authentication.py` `_storage_header_sort` and its weight
//! tables). A plain byte order differs as soon as a `-` meets another character, e.g.
//! `x-ms-meta-a-c` and `x-ms-meta-ab`: clients sign the Storage order, so we verify with it.

use std::cmp::Ordering;

/// The first-pass weight of a header name character: 0 for the characters the comparison
/// ignores (`-`, `'`, and anything outside the token set), increasing with Storage's order.
fn primary(c: char) -> u16 {
    match c {
        '!' => 0x71c,
        '#' => 0x71f,
        '$' => 0x721,
        '%' => 0x723,
        '&' => 0x725,
        '*' => 0x72d,
        '.' => 0x733,
        '^' => 0x743,
        '_' => 0x744,
        '`' => 0x748,
        '|' => 0x74c,
        '~' => 0x750,
        '+' => 0x803,
        '0'..='9' => 0xd00 + c as u16 - '0' as u16,
        'a'..='z' => 0xe00 + c as u16 - 'a' as u16,
        'A'..='Z' => 0xe00 + c as u16 - 'A' as u16,
        _ => 0,
    }
}

/// The second-pass weight: only `'` and `-` count.
fn secondary(c: char) -> u16 {
    match c {
        '\'' => 0x8012,
        '-' => 0x8212,
        _ => 0,
    }
}

/// Storage's comparison of two header names.
pub(crate) fn compare(lhs: &str, rhs: &str) -> Ordering {
    let lhs: Vec<char> = lhs.chars().collect();
    let rhs: Vec<char> = rhs.chars().collect();
    // First pass: ignorable characters skipped, the first differing weight decides.
    let (mut i, mut j) = (0, 0);
    loop {
        let w1 = lhs.get(i).map_or(1, |&c| primary(c));
        let w2 = rhs.get(j).map_or(1, |&c| primary(c));
        match (w1, w2) {
            (1, 1) => break,
            _ if w1 == w2 => {
                i += 1;
                j += 1;
            }
            (0, _) => i += 1,
            (_, 0) => j += 1,
            _ => return w1.cmp(&w2),
        }
    }
    // Second pass, on names equal but for `-` and `'`: the name whose first such character
    // comes later sorts first; then the weights of those characters decide.
    let (mut i, mut j) = (0, 0);
    loop {
        if i != j {
            return j.cmp(&i);
        }
        let w1 = lhs.get(i).map_or(1, |&c| secondary(c));
        let w2 = rhs.get(j).map_or(1, |&c| secondary(c));
        match (w1, w2) {
            (1, 1) => return Ordering::Equal,
            _ if w1 == w2 => {
                i += 1;
                j += 1;
            }
            (0, _) => i += 1,
            (_, 0) => j += 1,
            _ => return w1.cmp(&w2),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::compare;
    use std::cmp::Ordering;

    #[test]
    fn dashes_are_ignored_first() {
        assert_eq!(compare("x-ms-meta-ab", "x-ms-meta-a-c"), Ordering::Less);
        assert_eq!(compare("x-ms-date", "x-ms-version"), Ordering::Less);
        assert_eq!(compare("x-ms-blob-type", "x-ms-blob-content-type"), Ordering::Greater);
        assert_eq!(compare("x-ms-meta-a1", "x-ms-meta-aa"), Ordering::Less);
        assert_eq!(compare("x-ms-meta-a_b", "x-ms-meta-ab"), Ordering::Less);
        assert_eq!(compare("x-ms-a", "x-ms-a"), Ordering::Equal);
        assert_eq!(compare("x-ms-meta-a", "x-ms-meta-ab"), Ordering::Less);
        // Equal but for a dash: decided on the second pass, and consistently both ways.
        assert_eq!(
            compare("x-ms-meta-a-b", "x-ms-meta-ab"),
            compare("x-ms-meta-ab", "x-ms-meta-a-b").reverse()
        );
        assert_ne!(compare("x-ms-meta-a-b", "x-ms-meta-ab"), Ordering::Equal);
    }
}
