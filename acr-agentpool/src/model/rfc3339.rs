//! The RFC 3339 times of runs and tasks, kept as Azure wrote them and parsed on demand.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// `value` parsed as RFC 3339; `None` when absent or not RFC 3339.
pub(super) fn parse_time(value: Option<&str>) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(value?, &Rfc3339).ok()
}
