//! The flows of the `acr-agentpool` command as library calls: each checks its inputs and the
//! state in Azure before its first write.

mod image_name;
mod outcome;
mod platform;
mod quick_task;

pub use image_name::validate_image_name;
pub use outcome::{OutputImage, RunEnd, RunOutcome, variables};
pub use platform::parse_platform;
pub use quick_task::{CMD_TEMPLATE, CMD_TIMEOUT_LINE, encode_cmd_task};
