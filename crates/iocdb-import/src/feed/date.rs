//! Dates as feeds write them.

use iocdb_model::Timestamp;

/// Parses a date or date-time cell of a feed, in UTC.
///
/// Accepts what [`Timestamp::parse`] accepts (RFC 3339, `2024-03-26 23:30:15`,
/// `2024-03-26`, unix seconds), the same followed by ` UTC`, ` (UTC)` or ` GMT`
/// (abuse.ch, Unit 42), and spreadsheet dates with slashes, month first as US
/// spreadsheets write them (`12/22/2023 6:58`, `2/10/17 3:46`) unless the first number
/// cannot be a month (`26/11/2015 16:17` is read day first). Two-digit years are 19xx
/// from 70 on, 20xx below. Returns `None` for anything else.
pub fn parse_feed_time(cell: &str) -> Option<Timestamp> {
    let text = strip_utc_suffix(cell.trim());
    if text.is_empty() {
        return None;
    }
    if let Ok(ts) = Timestamp::parse(text) {
        return Some(ts);
    }
    let iso = slashed_to_iso(text)?;
    Timestamp::parse(&iso).ok()
}

/// `text` without a trailing UTC marker.
fn strip_utc_suffix(text: &str) -> &str {
    ["(UTC)", "UTC", "GMT"]
        .iter()
        .find_map(|suffix| text.strip_suffix(suffix))
        .map_or(text, str::trim_end)
}

/// Rewrites `M/D/Y[ H:MM[:SS]]` as `YYYY-MM-DD HH:MM:SS`, or `None` if it is not that.
fn slashed_to_iso(text: &str) -> Option<String> {
    let (date, time) = match text.split_once([' ', 'T']) {
        Some((date, time)) => (date, Some(time.trim())),
        None => (text, None),
    };
    let mut parts = date.split('/').map(parse_number);
    let (a, b, year) = (parts.next()??, parts.next()??, parts.next()??);
    if parts.next().is_some() {
        return None;
    }
    let (month, day) = if a > 12 { (b, a) } else { (a, b) };
    let year = match year {
        0..=69 => 2000 + year,
        70..=99 => 1900 + year,
        _ => year,
    };
    let (hour, minute, second) = match time {
        Some(time) => parse_clock(time)?,
        None => (0, 0, 0),
    };
    Some(format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}:{second:02}"))
}

/// Parses `H:MM` or `H:MM:SS`.
fn parse_clock(time: &str) -> Option<(u32, u32, u32)> {
    let mut parts = time.split(':').map(parse_number);
    let hour = parts.next()??;
    let minute = parts.next()??;
    let second = parts.next().unwrap_or(Some(0))?;
    if parts.next().is_some() {
        return None;
    }
    Some((hour, minute, second))
}

/// A short run of ASCII digits as a number.
fn parse_number(text: &str) -> Option<u32> {
    if text.is_empty() || text.len() > 4 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rfc(cell: &str) -> Option<String> {
        parse_feed_time(cell).map(Timestamp::to_rfc3339)
    }

    #[test]
    fn reads_the_forms_feeds_use() {
        assert_eq!(rfc("2024-03-26 23:30:15").as_deref(), Some("2024-03-26T23:30:15Z"));
        assert_eq!(rfc("2019-01-07 07:13:47 UTC").as_deref(), Some("2019-01-07T07:13:47Z"));
        assert_eq!(rfc("2024-03-27 10:03:07 (UTC)").as_deref(), Some("2024-03-27T10:03:07Z"));
        assert_eq!(rfc("12/22/2023 6:58").as_deref(), Some("2023-12-22T06:58:00Z"));
        assert_eq!(rfc("2/10/17 3:46").as_deref(), Some("2017-02-10T03:46:00Z"));
        assert_eq!(rfc("26/11/2015 16:17").as_deref(), Some("2015-11-26T16:17:00Z"));
        assert_eq!(rfc("1418217066").as_deref(), Some("2014-12-10T13:11:06Z"));
        assert_eq!(rfc("2024-04-01").as_deref(), Some("2024-04-01T00:00:00Z"));
    }

    #[test]
    fn rejects_what_is_not_a_date() {
        for cell in
            ["", "None", "online", "13/13/2020", "1/2", "1/2/3/4", "2/30/2020", "1/1/20 25:00"]
        {
            assert_eq!(rfc(cell), None, "{cell:?}");
        }
    }
}
