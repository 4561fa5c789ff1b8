//! The times of the Blob service: those of SAS tokens and delegation keys, parsed from the ISO
//! 8601 forms Storage accepts, and the RFC 1123 form of its headers (`Date`, `Last-Modified`,
//! `If-Modified-Since`) and error details.
//!
//! learn.microsoft.com "Create a service SAS", "Specify the signature validity interval":
//! "Supported ISO 8601 formats include the following: YYYY-MM-DD, YYYY-MM-DDThh:mmTZD,
//! YYYY-MM-DDThh:mm:ssTZD" (the SDKs also send fractional seconds, `...:ss.fffffffZ`), in UTC
//! or with an offset. A date alone means midnight UTC.

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// Parses a SAS or delegation key time; `None` when it is none of the ISO 8601 forms above.
pub(crate) fn parse_iso8601(text: &str) -> Option<OffsetDateTime> {
    if let Ok(time) = OffsetDateTime::parse(text, &Rfc3339) {
        return Some(time);
    }
    if let Ok(date) = Date::parse(text, format_description!("[year]-[month]-[day]")) {
        return Some(date.midnight().assume_utc());
    }
    // hh:mm without seconds, with `Z` or an offset.
    let (local, offset) = if let Some(local) = text.strip_suffix('Z') {
        (local, UtcOffset::UTC)
    } else {
        let split = text.len().checked_sub(6)?;
        let offset = UtcOffset::parse(
            text.get(split..)?,
            format_description!("[offset_hour sign:mandatory]:[offset_minute]"),
        )
        .ok()?;
        (text.get(..split)?, offset)
    };
    PrimitiveDateTime::parse(local, format_description!("[year]-[month]-[day]T[hour]:[minute]"))
        .ok()
        .map(|time| time.assume_offset(offset))
}

/// RFC 1123 in GMT, as HTTP dates are written (`Mon, 14 Sep 2020 15:40:53 GMT`).
const RFC1123: &[time::format_description::BorrowedFormatItem<'static>] =
    format_description!("[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT");

/// A time as Storage writes it in `Date`, `Last-Modified`, `x-ms-creation-time` and error
/// details: RFC 1123 in GMT, `Mon, 14 Sep 2020 15:40:53 GMT`.
pub(crate) fn rfc1123(time: OffsetDateTime) -> String {
    time.to_offset(UtcOffset::UTC).format(RFC1123).unwrap_or_default()
}

/// A time in an RFC 1123 header (`If-Modified-Since`); `None` when it is not one.
pub(crate) fn parse_rfc1123(text: &str) -> Option<OffsetDateTime> {
    PrimitiveDateTime::parse(text.trim(), RFC1123)
        .ok()
        .map(PrimitiveDateTime::assume_utc)
}

/// A delegation key time as Get User Delegation Key answers it and clients copy it into
/// `skt`/`ske`: `2020-01-02T03:04:05Z`.
pub(crate) fn key_time(time: OffsetDateTime) -> String {
    time.to_offset(UtcOffset::UTC)
        .format(format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::{key_time, parse_iso8601, parse_rfc1123, rfc1123};
    use time::macros::datetime;

    #[test]
    fn every_documented_form_parses() {
        let cases = [
            ("2020-09-14", datetime!(2020-09-14 00:00 UTC)),
            ("2020-09-14T15:40Z", datetime!(2020-09-14 15:40 UTC)),
            ("2020-09-14T15:40:53Z", datetime!(2020-09-14 15:40:53 UTC)),
            (
                "2020-09-14T15:40:53.1234567Z",
                datetime!(2020-09-14 15:40:53.1234567 UTC),
            ),
            ("2020-09-14T17:40+02:00", datetime!(2020-09-14 15:40 UTC)),
            ("2020-09-14T17:40:53+02:00", datetime!(2020-09-14 15:40:53 UTC)),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_iso8601(text), Some(expected), "{text}");
        }
        for bad in [
            "",
            "yesterday",
            "2020-13-01",
            "2020-09-14T15Z",
            "14 Sep 2020",
            "2020-09-14T15:40",
        ] {
            assert_eq!(parse_iso8601(bad), None, "{bad}");
        }
    }

    #[test]
    fn formats_are_storage_s() {
        assert_eq!(
            rfc1123(datetime!(2020-09-14 17:40:53 +02:00)),
            "Mon, 14 Sep 2020 15:40:53 GMT"
        );
        assert_eq!(key_time(datetime!(2020-01-02 03:04:05.9 UTC)), "2020-01-02T03:04:05Z");
        assert_eq!(
            parse_rfc1123(" Fri, 02 Jan 2026 03:04:05 GMT"),
            Some(datetime!(2026-01-02 03:04:05 UTC))
        );
        assert_eq!(parse_rfc1123("2026-01-02T03:04:05Z"), None);
    }
}
