//! Guessing a CSV layout from a file's first lines.

use ::csv::{ByteRecord, ReaderBuilder};
use iocdb_model::infer_type;

use super::csv::header_name;
use super::date::parse_feed_time;
use super::layout::{Column, CsvLayout, TagColumn, ValueColumn};
use super::text::{decode, strip_bom};

/// Delimiters tried, most likely first.
const DELIMITERS: [u8; 4] = [b',', b'\t', b';', b'|'];

/// Rows looked at.
const SAMPLE_ROWS: usize = 50;

/// Guesses a layout for a delimited file from its first bytes (a few KB are enough).
///
/// The delimiter is the one that splits the sampled rows into the same number (two or
/// more) of fields. The first row is a header when none of its cells is an indicator or a
/// date while later rows hold indicators. Columns where at least half the non-empty cells
/// are indicators become value columns with inferred types; a date column named like a
/// first sighting (`first seen`, `date`, `timestamp`, ...) or, without a header, the first
/// date column gives `first_seen`; a `malware`, `family`, `signature`, `threat` or `tags`
/// column gives tags. `None` when the content is not consistently delimited or no column
/// holds indicators.
pub fn infer_layout(head: &[u8]) -> Option<CsvLayout> {
    let delimiter = sniff_delimiter(head)?;
    let base = CsvLayout { delimiter, ..CsvLayout::default() };
    let records = sample(head, &base);
    let (header, rows) = split_header(&records)?;
    let columns = records.iter().map(Vec::len).max().unwrap_or(0);
    let stats: Vec<ColumnStats> = (0..columns).map(|c| ColumnStats::of(&rows, c, &base)).collect();
    let values: Vec<ValueColumn> = (0..columns)
        .filter(|&c| stats.get(c).is_some_and(ColumnStats::is_values))
        .map(ValueColumn::infer)
        .collect();
    if values.is_empty() {
        return None;
    }
    let name = |c: usize| header.and_then(|h| h.get(c)).map(|n| header_name(n));
    let dates = |c: &usize| stats.get(*c).is_some_and(ColumnStats::is_dates);
    let first_seen = match header {
        Some(_) => (0..columns).filter(dates).find(|&c| name(c).is_some_and(|n| is_first_seen(&n))),
        None => (0..columns).find(dates),
    };
    let last_seen =
        (0..columns).filter(dates).find(|&c| name(c).is_some_and(|n| n.contains("last")));
    let tags = (0..columns)
        .filter(|&c| name(c).is_some_and(|n| is_tag_column(&n)))
        .map(TagColumn::new)
        .collect();
    Some(CsvLayout {
        has_header: header.is_some(),
        values,
        first_seen: first_seen.map(Column::Index),
        last_seen: last_seen.map(Column::Index),
        tags,
        ..base
    })
}

/// The delimiter that splits the sampled rows consistently into two or more fields.
pub(crate) fn sniff_delimiter(head: &[u8]) -> Option<u8> {
    let mut best: Option<(u8, usize)> = None;
    for delimiter in DELIMITERS {
        let layout = CsvLayout { delimiter, ..CsvLayout::default() };
        let counts: Vec<usize> = sample(head, &layout).iter().map(Vec::len).collect();
        let Some(mode) = mode(&counts).filter(|&m| m >= 2) else { continue };
        let agreeing = counts.iter().filter(|&&c| c == mode).count();
        if counts.len() >= 2 && agreeing * 10 >= counts.len() * 9 {
            let better = best.is_none_or(|(_, n)| agreeing * 10 > n * 11);
            if better {
                best = Some((delimiter, agreeing));
            }
        }
    }
    best.map(|(delimiter, _)| delimiter)
}

/// The most frequent value.
fn mode(counts: &[usize]) -> Option<usize> {
    let max = counts.iter().copied().max()?;
    (1..=max).max_by_key(|n| counts.iter().filter(|&c| c == n).count())
}

/// The complete rows of `head` (comments and a byte-order mark skipped), cells decoded
/// and trimmed. The last line is dropped when `head` does not end with a line break, as
/// it may be cut.
pub(crate) fn sample(head: &[u8], layout: &CsvLayout) -> Vec<Vec<String>> {
    let head = complete_lines(strip_bom(head));
    let mut reader = ReaderBuilder::new()
        .delimiter(layout.delimiter)
        .quote(layout.quote)
        .comment(layout.comment)
        .has_headers(false)
        .flexible(true)
        .from_reader(head);
    let mut record = ByteRecord::new();
    let mut rows = Vec::new();
    while rows.len() < SAMPLE_ROWS && matches!(reader.read_byte_record(&mut record), Ok(true)) {
        rows.push(record.iter().map(|cell| decode(cell).trim().to_owned()).collect());
    }
    rows
}

/// `head` up to its last line break, or whole when it has a single line.
pub(crate) fn complete_lines(head: &[u8]) -> &[u8] {
    match memchr::memrchr(b'\n', head) {
        Some(end) => head.get(..=end).unwrap_or(head),
        None => head,
    }
}

/// A sampled row: its cells.
type Row = Vec<String>;

/// Splits off the first row when it is a header: `(header, data rows)`.
fn split_header(records: &[Row]) -> Option<(Option<&Row>, Vec<&Row>)> {
    let (first, rest) = records.split_first()?;
    let is_data = |row: &Row| row.iter().any(|c| is_indicator(c) || is_date(c));
    if !is_data(first) && rest.iter().any(|row| row.iter().any(|c| is_indicator(c))) {
        return Some((Some(first), rest.iter().collect()));
    }
    Some((None, records.iter().collect()))
}

fn is_indicator(cell: &str) -> bool {
    !cell.is_empty() && infer_type(cell).is_some()
}

fn is_date(cell: &str) -> bool {
    !cell.bytes().all(|b| b.is_ascii_digit()) && parse_feed_time(cell).is_some()
}

fn is_first_seen(name: &str) -> bool {
    let name = name.replace(['_', '-'], " ");
    ["first", "date added", "dateadded", "listingdate", "listing date", "seen"]
        .iter()
        .any(|k| name.contains(k))
        || ["date", "timestamp", "time", "datetime", "created"].contains(&name.as_str())
}

fn is_tag_column(name: &str) -> bool {
    ["malware", "family", "malware family", "signature", "threat", "tags", "tag"].contains(&name)
}

/// What the sampled cells of one column are.
#[derive(Debug, Default)]
struct ColumnStats {
    filled: usize,
    indicators: usize,
    dates: usize,
}

impl ColumnStats {
    fn of(rows: &[&Row], column: usize, layout: &CsvLayout) -> Self {
        let mut stats = ColumnStats::default();
        for cell in rows.iter().filter_map(|row| row.get(column)) {
            if layout.is_null(cell) {
                continue;
            }
            stats.filled += 1;
            if is_date(cell) {
                stats.dates += 1;
            } else if is_indicator(cell) {
                stats.indicators += 1;
            }
        }
        stats
    }

    fn is_values(&self) -> bool {
        self.indicators > 0 && self.indicators * 2 >= self.filled
    }

    fn is_dates(&self) -> bool {
        self.dates > 0 && self.dates * 2 >= self.filled
    }
}
