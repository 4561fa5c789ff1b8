//! Address prefixes in request bodies, with Network's errors: `InvalidAddressPrefixFormat` for
//! text that is no CIDR prefix, `InvalidCIDRNotation` for one whose host bits are set (naming the
//! aligned prefix).

use serde_json::{Map, Value};

use super::network::invalid_format;
use crate::arm::body::join;
use crate::arm::error::ArmError;
use crate::model::network::{Cidr, CidrError};

/// `text` as an aligned prefix of the resource of id `resource_id`.
pub(in crate::arm) fn parse(text: &str, resource_id: &str) -> Result<Cidr, ArmError> {
    Cidr::parse(text).map_err(|error| match error {
        CidrError::Format => ArmError::bad_request(
            "InvalidAddressPrefixFormat",
            format!(
                "Address prefix {text} of resource {resource_id} is not formatted correctly. It should follow CIDR notation, for example 10.0.0.0/24."
            ),
        ),
        CidrError::NotAligned { aligned } => ArmError::bad_request(
            "InvalidCIDRNotation",
            format!(
                "The address prefix {text} in resource {resource_id} has an invalid CIDR notation. For the given prefix length, the address prefix should be {aligned}."
            ),
        ),
    })
}

/// The strings of the array at `key` of `parent` (at `path`).
pub(in crate::arm) fn strings<'a>(
    parent: &'a Map<String, Value>,
    key: &str,
    path: &str,
) -> Result<Vec<&'a str>, ArmError> {
    crate::arm::body::array_at(parent, key, path)?
        .iter()
        .enumerate()
        .map(|(i, item)| {
            item.as_str()
                .ok_or_else(|| invalid_format(format_args!("'{}[{i}]' must be a string, not {item}.", join(path, key))))
        })
        .collect()
}
