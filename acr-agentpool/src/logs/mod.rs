//! A run's log followed as ACR writes it: an append blob of CRLF lines, read with the Blob
//! module's follower ([`arm_core::storage::StorageClient::follow_append_blob`]), cut into lines
//! as they become whole ([`LineSplitter`]), its end read from the blob's `complete` metadata and
//! confirmed by the run's status ([`LogFollower`]).

mod follow;
mod lines;

pub use follow::{LogFollowOptions, LogFollower};
pub use lines::{LineSplitter, MAX_HELD_LINE};
