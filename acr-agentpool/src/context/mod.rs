//! A local build context packed as `az acr build` packs it, and uploaded for a run.
//!
//! Follows the Azure CLI, Azure/azure-cli
//! `src/azure-cli/azure/cli/command_modules/acr/_archive_utils.py` at commit
//! 08f0efa43189bf595cce9c333c3aaafaac51f7bb (`upload_source_code`, `_pack_source_code`,
//! `IgnoreRule`, `_load_dockerignore_file`, `_archive_file_recursively`), `build.py`
//! (`acr_build`: the Dockerfile's default and its name in the archive) and `run.py`
//! (`prepare_source_location`), with the rule cases of its test
//! `tests/latest/test_acr_archive_utils.py` (commit 11773b9450c383722de2c48bd4a4d375f1afa368):
//!
//! - [`IgnoreRule`] and [`DockerIgnore`]: the `.dockerignore` rules with the CLI's semantics,
//!   which are not Docker's (see their docs for the quirks kept), the
//!   `<Dockerfile name>.dockerignore` override and the [`DEFAULT_EXCLUDES`];
//! - [`BuildContext`]: the folder, the Dockerfile (inside the folder or not) and the name the
//!   run request gives it in the archive;
//! - [`BuildContext::pack`]: a `tar.gz` streamed from a blocking thread with bounded memory
//!   ([`PackedContext`], `tokio::io::AsyncRead`);
//! - [`upload_context`]: packed and uploaded in one pass to the SAS URL of
//!   `listBuildSourceUploadUrl`.

mod build_context;
mod dockerignore;
mod pack;
mod python_regex;
mod rule;
mod upload;

pub use build_context::BuildContext;
pub use dockerignore::{DEFAULT_EXCLUDES, DockerIgnore};
pub use pack::{COMPRESSION_LEVEL, PackSummary, PackedContext};
pub use rule::IgnoreRule;
pub use upload::{UploadedContext, upload_context};
