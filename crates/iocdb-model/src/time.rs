//! Timestamps: microseconds since the Unix epoch, UTC.

use std::fmt;

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

/// Microseconds per second.
const MICROS_PER_SECOND: i64 = 1_000_000;

/// An instant, as microseconds since the Unix epoch (1970-01-01T00:00:00Z), UTC.
///
/// Serialised as the plain integer. Parsing and formatting use the `jiff` crate, whose
/// range is about the years -9999 to 9999 (exactly `-009999-01-02T01:59:59Z` to
/// `9999-12-30T22:00:00.999999999Z`); [`Timestamp::parse`] rejects anything outside it and
/// formatting clamps a value built by hand outside it to the nearest end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(pub i64);

/// A string [`Timestamp::parse`] does not accept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid timestamp {input:?}: expected RFC 3339 / ISO 8601 (2024-03-26T23:30:15Z, with optional \
     .ffffff and ±hh:mm offset), \"2024-03-26 23:30:15\" (UTC), a date 2024-03-26 or unix seconds"
)]
pub struct TimestampError {
    /// The rejected input, truncated to 100 characters.
    pub input: String,
}

impl Timestamp {
    /// Parses the timestamp forms found in threat-intelligence data:
    ///
    /// - RFC 3339 / ISO 8601 with an offset, with or without fractional seconds
    ///   (`2024-03-26T23:30:15Z`, `2024-03-26T23:30:15.123456+00:00`); digits past the
    ///   microsecond are truncated (towards the past);
    /// - a date and time without offset, `T` or space separated (`2024-03-26 23:30:15`),
    ///   taken as UTC;
    /// - a bare date (`2024-03-26`), taken as midnight UTC;
    /// - an optionally signed integer: unix seconds (`1711495815`). An 8-digit string such
    ///   as `20240326` is therefore seconds, not a basic-format date.
    ///
    /// Surrounding whitespace is ignored.
    pub fn parse(input: &str) -> Result<Timestamp, TimestampError> {
        let text = input.trim();
        let parsed = if is_integer(text) {
            text.parse::<i64>().ok().and_then(|s| jiff::Timestamp::from_second(s).ok())
        } else {
            parse_datetime(text)
        };
        parsed.map(from_jiff).ok_or_else(|| TimestampError { input: truncate(input, 100) })
    }

    /// The timestamp `seconds` after the epoch (saturating at the ends of `i64`).
    pub fn from_unix_seconds(seconds: i64) -> Timestamp {
        Timestamp(seconds.saturating_mul(MICROS_PER_SECOND))
    }

    /// Microseconds since the epoch.
    pub fn as_micros(self) -> i64 {
        self.0
    }

    /// Whole seconds since the epoch, rounded towards the past.
    pub fn unix_seconds(self) -> i64 {
        self.0.div_euclid(MICROS_PER_SECOND)
    }

    /// RFC 3339 in UTC: `2024-03-26T23:30:15Z`, or `2024-03-26T23:30:15.123456Z` when the
    /// microseconds are not zero.
    pub fn to_rfc3339(self) -> String {
        let ts = self.to_jiff();
        if ts.as_microsecond().rem_euclid(MICROS_PER_SECOND) == 0 {
            format!("{ts:.0}")
        } else {
            format!("{ts:.6}")
        }
    }

    /// The UTC date, `YYYY-MM-DD`.
    pub fn date_string(self) -> String {
        TimeZone::UTC.to_datetime(self.to_jiff()).date().to_string()
    }

    /// The same instant as a `jiff` timestamp, clamped to `jiff`'s range.
    fn to_jiff(self) -> jiff::Timestamp {
        let min = jiff::Timestamp::MIN.as_microsecond();
        let max = jiff::Timestamp::MAX.as_microsecond();
        jiff::Timestamp::from_microsecond(self.0.clamp(min, max))
            .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

/// Whether `text` is an optionally signed run of ASCII digits.
fn is_integer(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Parses the date/time forms: with offset, without offset (UTC), or a bare date.
fn parse_datetime(text: &str) -> Option<jiff::Timestamp> {
    if let Ok(ts) = text.parse::<jiff::Timestamp>() {
        return Some(ts);
    }
    // A bare date also parses as a civil DateTime (at midnight), so one parse covers both.
    if let Ok(dt) = text.parse::<DateTime>() {
        return TimeZone::UTC.to_timestamp(dt).ok();
    }
    let date = text.parse::<Date>().ok()?;
    TimeZone::UTC.to_timestamp(date.to_datetime(jiff::civil::Time::midnight())).ok()
}

/// Converts from `jiff`, truncating to the microsecond towards the past.
fn from_jiff(ts: jiff::Timestamp) -> Timestamp {
    let micros = ts.as_nanosecond().div_euclid(1000);
    Timestamp(i64::try_from(micros).unwrap_or(if micros < 0 { i64::MIN } else { i64::MAX }))
}

/// At most `max` characters of `text`, with `…` when cut.
pub(crate) fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const T: i64 = 1_711_495_815;

    fn micros(s: &str) -> i64 {
        Timestamp::parse(s).unwrap().as_micros()
    }

    #[test]
    fn parses_every_accepted_form() {
        assert_eq!(micros("2024-03-26T23:30:15Z"), T * 1_000_000);
        assert_eq!(micros("2024-03-26T23:30:15.123456+00:00"), T * 1_000_000 + 123_456);
        assert_eq!(micros("2024-03-26T23:30:15.5Z"), T * 1_000_000 + 500_000);
        assert_eq!(micros("2024-03-27T01:30:15+02:00"), T * 1_000_000);
        assert_eq!(micros("2024-03-26 23:30:15"), T * 1_000_000);
        assert_eq!(micros("2024-03-26T23:30:15"), T * 1_000_000);
        assert_eq!(micros("2024-03-26"), 1_711_411_200 * 1_000_000);
        assert_eq!(micros("1711495815"), T * 1_000_000);
        assert_eq!(micros(" 1711495815 \n"), T * 1_000_000);
        assert_eq!(micros("-1"), -1_000_000);
        assert_eq!(micros("1970-01-01T00:00:00Z"), 0);
    }

    #[test]
    fn nanoseconds_truncate_towards_the_past() {
        assert_eq!(micros("2024-03-26T23:30:15.123456789Z"), T * 1_000_000 + 123_456);
        assert_eq!(micros("1969-12-31T23:59:59.9999999Z"), -1);
    }

    #[test]
    fn rejects_garbage_and_names_the_input() {
        for bad in ["", "yesterday", "2024-13-01", "2024-03-26T25:00:00Z", "99999999999999999999"] {
            let err = Timestamp::parse(bad).unwrap_err();
            assert!(err.to_string().contains(&format!("{bad:?}")), "{err}");
            assert!(err.to_string().contains("RFC 3339"), "{err}");
        }
        let long = "x".repeat(500);
        assert_eq!(Timestamp::parse(&long).unwrap_err().input.chars().count(), 101);
    }

    #[test]
    fn formats_rfc3339_with_micros_only_when_needed() {
        let t = Timestamp::from_unix_seconds(T);
        assert_eq!(t.to_rfc3339(), "2024-03-26T23:30:15Z");
        assert_eq!(t.to_string(), "2024-03-26T23:30:15Z");
        assert_eq!(Timestamp(T * 1_000_000 + 120).to_rfc3339(), "2024-03-26T23:30:15.000120Z");
        assert_eq!(Timestamp(-1).to_rfc3339(), "1969-12-31T23:59:59.999999Z");
        assert_eq!(t.date_string(), "2024-03-26");
        assert_eq!(Timestamp(-1).date_string(), "1969-12-31");
    }

    #[test]
    fn accessors_and_extremes() {
        assert_eq!(Timestamp(T * 1_000_000 + 999_999).unix_seconds(), T);
        assert_eq!(Timestamp(-1).unix_seconds(), -1);
        assert_eq!(Timestamp::from_unix_seconds(i64::MAX), Timestamp(i64::MAX));
        // Out of jiff's range: clamped, never a panic.
        assert_eq!(Timestamp(i64::MAX).to_rfc3339(), "9999-12-30T22:00:00.999999Z");
        assert_eq!(Timestamp(i64::MIN).to_rfc3339(), "-009999-01-02T01:59:59Z");
    }

    #[test]
    fn round_trips_through_rfc3339_and_serde() {
        for m in [
            0,
            1,
            -1,
            T * 1_000_000 + 42,
            253_402_207_199_000_000,
            jiff::Timestamp::MIN.as_microsecond(),
        ] {
            let t = Timestamp(m);
            assert_eq!(Timestamp::parse(&t.to_rfc3339()).unwrap(), t);
            assert_eq!(serde_json::to_string(&t).unwrap(), m.to_string());
            assert_eq!(serde_json::from_str::<Timestamp>(&m.to_string()).unwrap(), t);
        }
    }
}
