//! A run's log followed as ACR writes it: an append blob of CRLF lines, read with the Blob
//! module's follower, cut into lines as they become whole.

mod lines;

pub use lines::{LineSplitter, MAX_HELD_LINE};
