//! The plumbing the multi-command tools (`image-builder`, `acr-agentpool`) share: the exit codes
//! every one of them keeps ([`exit`]), SIGTERM/SIGINT as a cancellation input ([`signals`]),
//! pipeline variables as Azure Pipelines logging commands and `$GITHUB_OUTPUT` lines
//! ([`variables`]), one-line errors and clap's errors as exit codes ([`report`]), and the Azure
//! login and subscription from the `AZ_*`/`AZURE_*` environment ([`azure`]).

pub(crate) mod azure;
pub mod exit;
pub(crate) mod report;
pub(crate) mod signals;
pub(crate) mod variables;
