//! Header lookups that cost nothing when the header is absent.
//!
//! `azure_core`'s `Headers::get_optional_str` builds an error (and, with `RUST_BACKTRACE` set, a
//! backtrace) for every missing header; these helpers do not.

use azure_core::http::headers::{HeaderName, Headers};
use std::convert::Infallible;

/// The value of header `name`, if present (without azure_core's error on a miss).
pub fn header<'a>(headers: &'a Headers, name: &HeaderName) -> Option<&'a str> {
    headers
        .get_optional_with(name, |v| Ok::<_, Infallible>(v.as_str()))
        .ok()
        .flatten()
}
