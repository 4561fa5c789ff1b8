//! Agent install: an agent already on disk, or the package streamed, hashed and extracted into place.
//!
//! [`find_agent`] tells whether a directory holds an installed agent (`config.sh` and an executable
//! `bin/Agent.Listener`), none, or half of one. [`install_stream`] installs the package from its body as it
//! downloads: no archive on disk, small bounded memory, every entry checked before it is written, the
//! SHA-256 checked against the package's `hashValue`, and the agent renamed into place only when all of that
//! passed. Nothing is left behind on failure or cancellation.
//!
//! ```no_run
//! use azp_agent::install::{InstallOptions, find_agent, install_stream};
//! use bytes::Bytes;
//! use futures::Stream;
//! use std::path::Path;
//!
//! async fn agent_dir<S>(body: S, hash_value: &str, size: Option<u64>) -> Result<(), Box<dyn std::error::Error>>
//! where
//!     S: Stream<Item = Result<Bytes, std::io::Error>> + Send + Unpin + 'static,
//! {
//!     let dest = Path::new("/azp/agent");
//!     let agent = match find_agent(dest)? {
//!         Some(agent) => agent,
//!         None => {
//!             let options = InstallOptions::default()
//!                 .with_total(size)
//!                 .with_progress(|p| eprintln!("{} of {:?} bytes", p.bytes, p.total));
//!             install_stream(body, hash_value, dest, &options).await?
//!         }
//!     };
//!     println!("run {}", agent.config_script().display());
//!     Ok(())
//! }
//! ```

mod agent_dir;
mod channel_reader;
mod error;
mod extract;
mod hash;
mod limits;
mod links;
mod paths;
mod perms;
mod progress;
mod staging;
mod stream;
#[cfg(test)]
mod test_dir;
mod unpack;

pub use agent_dir::{AgentDir, find_agent};
pub use error::InstallError;
pub use limits::{MAX_ENTRIES, MAX_UNPACK_RATIO, UNPACK_FLOOR};
pub use progress::{InstallOptions, Progress};
pub use stream::install_stream;
