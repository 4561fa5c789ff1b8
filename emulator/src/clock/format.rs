//! Time in the formats Azure puts on the wire.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;

/// RFC 3339 with fractional seconds, as ARM and the journal use (`2026-01-02T03:04:05.123Z`).
pub(crate) fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_else(|_| at.unix_timestamp().to_string())
}

/// Entra's error timestamp (`2026-01-02 03:04:05Z`).
pub(crate) fn entra_timestamp(at: OffsetDateTime) -> String {
    at.format(format_description!("[year]-[month]-[day] [hour]:[minute]:[second]Z"))
        .unwrap_or_else(|_| at.unix_timestamp().to_string())
}

/// The compact UTC stamp of `x-ms-routing-request-id` (`20260102T030405Z`).
pub(crate) fn routing_stamp(at: OffsetDateTime) -> String {
    at.format(format_description!("[year][month][day]T[hour][minute][second]Z"))
        .unwrap_or_else(|_| at.unix_timestamp().to_string())
}

/// ARM's token expiry wording (`11/23/2026 4:05:06 AM`) for a Unix time.
pub(crate) fn arm_expiry(unix: i64) -> String {
    let Ok(at) = OffsetDateTime::from_unix_timestamp(unix) else {
        return unix.to_string();
    };
    let (hour, suffix) = match at.hour() {
        0 => (12, "AM"),
        h @ 1..=11 => (h, "AM"),
        12 => (12, "PM"),
        h => (h - 12, "PM"),
    };
    format!(
        "{}/{}/{} {}:{:02}:{:02} {}",
        u8::from(at.month()),
        at.day(),
        at.year(),
        hour,
        at.minute(),
        at.second(),
        suffix
    )
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    #[test]
    fn formats_match_azure() {
        let at = datetime!(2026-11-23 16:05:06 UTC);
        assert_eq!(super::entra_timestamp(at), "2026-11-23 16:05:06Z");
        assert_eq!(super::routing_stamp(at), "20261123T160506Z");
        assert_eq!(super::rfc3339(at), "2026-11-23T16:05:06Z");
        assert_eq!(super::arm_expiry(at.unix_timestamp()), "11/23/2026 4:05:06 PM");
    }
}
