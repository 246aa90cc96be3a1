//! The CSV decoder: rows to attributes through a [`CsvLayout`].

use std::borrow::Cow;
use std::io::{BufRead, Read};

use ::csv::{ByteRecord, Reader, ReaderBuilder};
use iocdb_model::{
    AttrType, Category, MispObject, ObjectRef, Tag, Timestamp, infer_type, normalize_value,
};
use uuid::Uuid;

use super::collect::{Collector, new_attribute};
use super::date::parse_feed_time;
use super::layout::{Column, CsvLayout, TypeSource};
use super::text::{CsvInput, chomp, decode, read_line, skip_bom};
use crate::context::Context;
use crate::error::{ErrorKind, ImportError, Position};

/// Decodes a CSV feed through `layout`, pushing one event per file (or per day, or per
/// value of the layout's event column) into `ctx`.
///
/// Comment lines and a byte-order mark are skipped; cells that are not UTF-8 are read as
/// Latin-1. A row with fewer columns than the value columns need, or whose value is
/// invalid for its type, is a bad record: skipped with a warning naming its line and
/// record number (lenient) or the end of the import (strict). A layout that names a value
/// column the header lacks is an error.
pub fn decode_csv(
    input: impl BufRead,
    layout: &CsvLayout,
    ctx: &mut Context<'_>,
) -> Result<(), ImportError> {
    let mut input = input;
    let preamble = read_preamble(&mut input, layout.comment)?;
    let filtered = CsvInput::new(input, layout.spaced, layout.quote, layout.delimiter);
    let mut reader = reader_builder(layout).from_reader(filtered);
    let mut record = ByteRecord::new();
    let mut pending = read_record(&mut reader, &mut record, preamble.lines, ctx)?;
    let header = match layout.has_header {
        true => find_header(&record, &mut pending, &preamble, layout),
        false => None,
    };
    let header_line = header.as_ref().map_or(preamble.lines, |h| h.line);
    let columns = header.map(|h| h.names);
    let resolved = Resolved::new(layout, columns.as_deref(), header_line, ctx)?;
    let mut rows = Rows { layout, resolved, collector: Collector::new(&layout.feed) };
    let mut number = 0;
    while std::mem::take(&mut pending)
        || read_record(&mut reader, &mut record, preamble.lines, ctx)?
    {
        if is_comment(&record, layout.comment) {
            continue;
        }
        number += 1;
        let line = preamble.lines + record.position().map_or(0, ::csv::Position::line);
        let position = Position { line: Some(line), record: Some(number), pointer: None };
        rows.add(&record, &position, ctx)?;
    }
    ctx.report.count("csv: rows", number);
    rows.collector.finish(ctx)
}

/// A comment line the parser did not skip (the last line, without a line break).
fn is_comment(record: &ByteRecord, comment: Option<u8>) -> bool {
    comment.is_some_and(|c| record.get(0).and_then(<[u8]>::first) == Some(&c))
}

/// The comment lines before the data: how many lines they took and the last one.
struct Preamble {
    lines: u64,
    last_comment: Option<Vec<u8>>,
}

/// Consumes a byte-order mark and the comment lines at the start of `input`.
fn read_preamble(input: &mut impl BufRead, comment: Option<u8>) -> Result<Preamble, ImportError> {
    skip_bom(input)?;
    let mut preamble = Preamble { lines: 0, last_comment: None };
    let Some(comment) = comment else { return Ok(preamble) };
    let mut line = Vec::new();
    while input.fill_buf()?.first() == Some(&comment) {
        read_line(input, &mut line)?;
        preamble.lines += 1;
        let text = chomp(line.get(1..).unwrap_or_default());
        preamble.last_comment = Some(text.trim_ascii().to_vec());
    }
    Ok(preamble)
}

fn reader_builder(layout: &CsvLayout) -> ReaderBuilder {
    let mut builder = ReaderBuilder::new();
    builder
        .delimiter(layout.delimiter)
        .quote(layout.quote)
        .comment(layout.comment)
        .has_headers(false)
        .flexible(true);
    builder
}

/// Reads the next record; `Ok(false)` at the end of the input.
fn read_record<R: Read>(
    reader: &mut Reader<R>,
    record: &mut ByteRecord,
    offset: u64,
    ctx: &Context<'_>,
) -> Result<bool, ImportError> {
    reader.read_byte_record(record).map_err(|err| {
        let line = err.position().map_or(0, ::csv::Position::line) + offset;
        let kind = match err.into_kind() {
            ::csv::ErrorKind::Io(io) => ErrorKind::Io(io),
            other => ErrorKind::Csv(format!("{other:?}")),
        };
        ctx.error(kind, Position::line(line))
    })
}

/// The header's column names (lower-cased) and the line it is on.
struct Header {
    names: Vec<String>,
    line: u64,
}

/// Picks the header: the last comment line before the data when it has the columns a
/// value needs, or more of the layout's columns than the first row (abuse.ch writes its
/// header as a comment); else the first row, which `first` holds when `pending`. When the
/// comment is the header, the first row stays pending as data.
fn find_header(
    first: &ByteRecord,
    pending: &mut bool,
    preamble: &Preamble,
    layout: &CsvLayout,
) -> Option<Header> {
    let row: Option<Vec<String>> =
        pending.then(|| first.iter().map(|cell| header_name(&decode(cell))).collect());
    if let Some(comment) = &preamble.last_comment {
        let names = parse_header_line(comment, layout);
        let score = layout.header_score(&names);
        let row_score = row.as_deref().map_or(0, |r| layout.header_score(r));
        if layout.header_matches(&names) || (score > 0 && score > row_score) {
            return Some(Header { names, line: preamble.lines });
        }
    }
    *pending = false;
    let line = preamble.lines + first.position().map_or(1, ::csv::Position::line);
    row.map(|names| Header { names, line })
}

/// Parses one line as a header row in the layout's dialect.
pub(crate) fn parse_header_line(line: &[u8], layout: &CsvLayout) -> Vec<String> {
    let filtered = CsvInput::new(line, layout.spaced, layout.quote, layout.delimiter);
    let mut reader = reader_builder(layout).comment(None).from_reader(filtered);
    let mut record = ByteRecord::new();
    match reader.read_byte_record(&mut record) {
        Ok(true) => record.iter().map(|cell| header_name(&decode(cell))).collect(),
        _ => Vec::new(),
    }
}

/// A header cell as layouts name it: trimmed of spaces, quotes and a stray byte-order
/// mark, lower-cased.
pub(crate) fn header_name(cell: &str) -> String {
    cell.trim_matches(|c: char| c.is_whitespace() || c == '"' || c == '\u{feff}').to_lowercase()
}

/// Where a value's type comes from, with columns resolved to positions.
#[derive(Debug, Clone, Copy)]
enum TypeFrom {
    Column(usize),
    Fixed(AttrType),
    Infer,
}

/// A value column resolved to positions.
#[derive(Debug, Clone, Copy)]
struct ValueAt {
    column: usize,
    attr_type: TypeFrom,
    port: Option<usize>,
}

/// The layout with every column resolved to a position in the row.
#[derive(Debug, Default)]
struct Resolved {
    values: Vec<ValueAt>,
    first_seen: Option<usize>,
    last_seen: Option<usize>,
    timestamp: Option<usize>,
    uuid: Option<usize>,
    category: Option<usize>,
    to_ids: Option<usize>,
    event: Option<usize>,
    tags: Vec<(usize, Option<char>, String)>,
    comments: Vec<(usize, String)>,
    object: Option<[usize; 4]>,
    /// Rows shorter than this lack a value column: bad records.
    width: usize,
}

impl Resolved {
    fn new(
        layout: &CsvLayout,
        header: Option<&[String]>,
        line: u64,
        ctx: &mut Context<'_>,
    ) -> Result<Self, ImportError> {
        let find = |column: &Column| position_of(column, header);
        let mut resolved = Resolved::default();
        for value in &layout.values {
            match resolve_value(value, header) {
                Some(at) => resolved.values.push(at),
                None => ctx.report.count(missing_message(&value.column, header), 1),
            }
        }
        if resolved.values.is_empty() && !layout.values.is_empty() {
            let column =
                layout.values.first().map(|v| v.column.clone()).unwrap_or(Column::Index(0));
            return Err(missing_column(column, header, line, ctx));
        }
        resolved.first_seen = layout.first_seen.as_ref().and_then(find);
        resolved.last_seen = layout.last_seen.as_ref().and_then(find);
        resolved.timestamp = layout.timestamp.as_ref().and_then(find);
        resolved.uuid = layout.uuid.as_ref().and_then(find);
        resolved.category = layout.category.as_ref().and_then(find);
        resolved.to_ids = layout.to_ids.as_ref().and_then(find);
        resolved.event = layout.event.as_ref().and_then(find);
        resolved.tags = layout
            .tags
            .iter()
            .filter_map(|t| Some((find(&t.column)?, t.split, t.prefix.clone())))
            .collect();
        resolved.comments = resolve_comments(&layout.comments, header);
        resolved.object = layout.object.as_ref().and_then(|o| {
            Some([find(&o.uuid)?, find(&o.relation)?, find(&o.name)?, find(&o.meta_category)?])
        });
        resolved.width = resolved.values.iter().map(ValueAt::width).max().unwrap_or(0);
        Ok(resolved)
    }
}

impl ValueAt {
    /// The number of columns a row needs for this value.
    fn width(&self) -> usize {
        let type_column = match self.attr_type {
            TypeFrom::Column(i) => i,
            _ => 0,
        };
        self.column.max(type_column).max(self.port.unwrap_or(0)) + 1
    }
}

fn position_of(column: &Column, header: Option<&[String]>) -> Option<usize> {
    match column {
        Column::Index(index) => Some(*index),
        Column::Name(name) => {
            let name = name.trim().to_lowercase();
            header?.iter().position(|h| *h == name)
        }
    }
}

fn resolve_value(value: &super::layout::ValueColumn, header: Option<&[String]>) -> Option<ValueAt> {
    let column = position_of(&value.column, header)?;
    let attr_type = match &value.attr_type {
        TypeSource::Column(c) => TypeFrom::Column(position_of(c, header)?),
        TypeSource::Fixed(ty) => TypeFrom::Fixed(*ty),
        TypeSource::Infer => TypeFrom::Infer,
    };
    let port = match &value.port {
        Some(c) => Some(position_of(c, header)?),
        None => None,
    };
    Some(ValueAt { column, attr_type, port })
}

fn resolve_comments(columns: &[Column], header: Option<&[String]>) -> Vec<(usize, String)> {
    columns
        .iter()
        .filter_map(|c| {
            let at = position_of(c, header)?;
            let name = header.and_then(|h| h.get(at)).cloned().unwrap_or_default();
            Some((at, name))
        })
        .collect()
}

/// The counter of a value column left out because the header lacks it.
fn missing_message(column: &Column, header: Option<&[String]>) -> String {
    match (column, header) {
        (Column::Name(name), Some(_)) => format!("csv: value column {name:?} not in the header"),
        (Column::Name(name), None) => format!("csv: value column {name:?} without a header"),
        (Column::Index(i), _) => format!("csv: value column {i} unusable"),
    }
}

fn missing_column(
    column: Column,
    header: Option<&[String]>,
    line: u64,
    ctx: &Context<'_>,
) -> ImportError {
    let expected = match &column {
        Column::Name(name) => format!("a header with a column named {name:?}"),
        Column::Index(i) => format!("a column {i}"),
    };
    let found = match header {
        Some(names) => format!("the columns {}", names.join(", ")),
        None => "no header".to_owned(),
    };
    ctx.error(ErrorKind::Expected { expected, found }, Position::line(line.max(1)))
}

/// A value with its type.
struct Typed {
    attr_type: AttrType,
    value: String,
    /// Already normalised (by inference).
    normalized: bool,
}

/// What a row says about all of its values.
struct RowFacts {
    first_seen: Option<Timestamp>,
    last_seen: Option<Timestamp>,
    timestamp: Option<Timestamp>,
    tags: Vec<Tag>,
    comment: String,
    category: Option<Category>,
    to_ids: Option<bool>,
    uuid: Option<Uuid>,
    event: Option<String>,
    object: Option<MispObject>,
    relation: String,
}

/// Turns rows into attributes and collects them.
struct Rows<'l> {
    layout: &'l CsvLayout,
    resolved: Resolved,
    collector: Collector,
}

impl Rows<'_> {
    /// Adds the attributes of one row.
    fn add(
        &mut self,
        record: &ByteRecord,
        position: &Position,
        ctx: &mut Context<'_>,
    ) -> Result<(), ImportError> {
        if record.len() < self.resolved.width {
            let expected = format!("at least {} columns", self.resolved.width);
            let found = format!("{} columns", record.len());
            return ctx.skip(ctx.error(ErrorKind::Expected { expected, found }, position.clone()));
        }
        let facts = self.facts(record, position, ctx);
        if self.resolved.values.is_empty() {
            for column in 0..record.len() {
                let at = ValueAt { column, attr_type: TypeFrom::Infer, port: None };
                if let Some(typed) = self.typed_value(record, &at) {
                    self.add_value(typed, &facts, false, position, ctx)?;
                }
            }
            return Ok(());
        }
        let explicit = self.resolved.values.len() == 1;
        for index in 0..self.resolved.values.len() {
            let Some(&at) = self.resolved.values.get(index) else { break };
            match self.typed_value(record, &at) {
                Some(typed) => self.add_value(typed, &facts, explicit, position, ctx)?,
                None => self.untyped(record, &at, position, ctx)?,
            }
        }
        Ok(())
    }

    /// Normalises one value and collects its attribute; a bad value is a bad record.
    fn add_value(
        &mut self,
        typed: Typed,
        facts: &RowFacts,
        explicit: bool,
        position: &Position,
        ctx: &mut Context<'_>,
    ) -> Result<(), ImportError> {
        let ty = typed.attr_type;
        let value = match typed.normalized {
            true => typed.value,
            false => match normalize_value(ty, &typed.value) {
                Ok(value) => value,
                Err(err) => return ctx.skip(ctx.error(ErrorKind::Value(err), position.clone())),
            },
        };
        let mut attribute = new_attribute(ty, value);
        attribute.first_seen = facts.first_seen;
        attribute.last_seen = facts.last_seen;
        attribute.timestamp = facts.timestamp;
        attribute.tags = facts.tags.clone();
        attribute.comment = facts.comment.clone();
        if let Some(category) = facts.category.filter(|c| c.allows(ty)) {
            attribute.category = category;
        }
        if let Some(to_ids) = facts.to_ids {
            attribute.to_ids = to_ids;
        }
        let uuid = facts.uuid.filter(|_| explicit);
        if let Some(uuid) = uuid {
            attribute.uuid = uuid;
        }
        if let Some(object) = &facts.object {
            attribute.object =
                Some(ObjectRef { uuid: object.uuid, relation: facts.relation.clone() });
        }
        let event = facts.event.as_deref();
        self.collector.add(event, attribute, uuid.is_some(), facts.object.clone());
        Ok(())
    }

    /// Reports a value cell whose type could not be found: silent when empty or null.
    fn untyped(
        &self,
        record: &ByteRecord,
        at: &ValueAt,
        position: &Position,
        ctx: &mut Context<'_>,
    ) -> Result<(), ImportError> {
        let Some(value) = self.cell(record, at.column) else { return Ok(()) };
        let expected = match at.attr_type {
            TypeFrom::Column(i) => match self.cell(record, i) {
                Some(name) => {
                    format!("a known attribute type (found type {name:?}) or an indicator")
                }
                None => "a type in the type column, or an indicator".to_owned(),
            },
            _ => "an indicator (IP address, domain, URL, hash, e-mail address, ...)".to_owned(),
        };
        let found = format!("{:?}", truncate(&value, 80));
        ctx.skip(ctx.error(ErrorKind::Expected { expected, found }, position.clone()))
    }

    /// The value of a value column and its type; `None` when the cell is empty or its
    /// type cannot be found. Inferred values come back normalised.
    fn typed_value(&self, record: &ByteRecord, at: &ValueAt) -> Option<Typed> {
        let cell = self.cell(record, at.column)?;
        let value = cut_inline_comment(&cell, self.layout.comment);
        let mut value = value.to_owned();
        if let Some(port) = at.port.and_then(|p| self.cell(record, p)) {
            value.push('|');
            value.push_str(&port);
        }
        let named = match at.attr_type {
            TypeFrom::Fixed(ty) => Some(ty),
            TypeFrom::Infer => None,
            TypeFrom::Column(i) => self.cell(record, i).and_then(|n| self.layout.map_type(&n)),
        };
        match named {
            Some(attr_type) => {
                Some(Typed { attr_type, value: join_port(attr_type, value), normalized: false })
            }
            None => infer(&mut value).map(|attr_type| Typed { attr_type, value, normalized: true }),
        }
    }

    /// A cell, decoded and trimmed; `None` when missing, empty or null.
    fn cell<'r>(&self, record: &'r ByteRecord, index: usize) -> Option<Cow<'r, str>> {
        let text = match decode(record.get(index)?) {
            Cow::Borrowed(text) => Cow::Borrowed(text.trim()),
            Cow::Owned(text) => Cow::Owned(text.trim().to_owned()),
        };
        (!self.layout.is_null(&text)).then_some(text)
    }

    /// Dates, tags, comment and MISP columns of a row.
    fn facts(&self, record: &ByteRecord, position: &Position, ctx: &mut Context<'_>) -> RowFacts {
        let resolved = &self.resolved;
        let time = |at: Option<usize>, ctx: &mut Context<'_>| self.time(record, at, position, ctx);
        let object = resolved.object.and_then(|[uuid, _, name, meta]| {
            let uuid = Uuid::parse_str(&self.cell(record, uuid)?).ok()?;
            let name = self.cell(record, name).unwrap_or_default().into_owned();
            let meta_category = self.cell(record, meta).unwrap_or_default().into_owned();
            Some(MispObject { uuid, name, meta_category, comment: String::new() })
        });
        let relation = resolved.object.and_then(|[_, rel, _, _]| self.cell(record, rel));
        RowFacts {
            first_seen: time(resolved.first_seen, ctx),
            last_seen: time(resolved.last_seen, ctx),
            timestamp: time(resolved.timestamp, ctx),
            tags: self.tags(record),
            comment: self.comment(record),
            category: resolved.category.and_then(|i| Category::from_name(&self.cell(record, i)?)),
            to_ids: resolved.to_ids.and_then(|i| parse_bool(&self.cell(record, i)?)),
            uuid: resolved.uuid.and_then(|i| Uuid::parse_str(&self.cell(record, i)?).ok()),
            event: resolved.event.and_then(|i| self.cell(record, i)).map(Cow::into_owned),
            object,
            relation: relation.unwrap_or_default().into_owned(),
        }
    }

    /// A date cell; an unreadable one is warned about and left out.
    fn time(
        &self,
        record: &ByteRecord,
        at: Option<usize>,
        position: &Position,
        ctx: &mut Context<'_>,
    ) -> Option<Timestamp> {
        let cell = self.cell(record, at?)?;
        let parsed = parse_feed_time(&cell);
        if parsed.is_none() {
            ctx.report.count("csv: unreadable dates", 1);
            ctx.warn(
                position.clone(),
                format!("unreadable date {:?}: left out", truncate(&cell, 40)),
            );
        }
        parsed
    }

    fn tags(&self, record: &ByteRecord) -> Vec<Tag> {
        let mut tags: Vec<Tag> = Vec::new();
        for (at, split, prefix) in &self.resolved.tags {
            let Some(cell) = self.cell(record, *at) else { continue };
            let parts: Vec<&str> = match split {
                Some(separator) => cell.split(*separator).collect(),
                None => vec![&*cell],
            };
            for part in parts.into_iter().map(str::trim).filter(|p| !self.layout.is_null(p)) {
                let tag = Tag::new([prefix.as_str(), part].concat());
                if !tags.contains(&tag) {
                    tags.push(tag);
                }
            }
        }
        tags
    }

    fn comment(&self, record: &ByteRecord) -> String {
        let comments = &self.resolved.comments;
        if let [(at, _)] = comments.as_slice() {
            return self.cell(record, *at).unwrap_or_default().into_owned();
        }
        let parts: Vec<String> = comments
            .iter()
            .filter_map(|(at, name)| {
                let value = self.cell(record, *at)?;
                Some(if name.is_empty() { value.into_owned() } else { format!("{name}: {value}") })
            })
            .collect();
        parts.join("; ")
    }
}

/// Infers the type of `value` (refanged); on success `value` holds the normalised form.
fn infer(value: &mut String) -> Option<AttrType> {
    let inferred = infer_type(value)?;
    *value = inferred.value;
    Some(inferred.attr_type)
}

/// A `host:port` value of a `…|port` type written as `host|port`.
fn join_port(ty: AttrType, value: String) -> String {
    let port_type = matches!(ty.name(), "ip-dst|port" | "ip-src|port" | "hostname|port");
    if !port_type || value.contains('|') {
        return value;
    }
    match value.rsplit_once(':') {
        Some((host, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => {
            let host = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
            format!("{host}|{port}")
        }
        _ => value,
    }
}

/// `value` up to a comment marker preceded by whitespace (`1.2.3.4 # scanner`).
fn cut_inline_comment(value: &str, comment: Option<u8>) -> &str {
    let Some(marker) = comment.map(char::from) else { return value };
    let cut = value
        .char_indices()
        .zip(value.chars().skip(1))
        .find(|((_, c), next)| c.is_whitespace() && *next == marker)
        .map(|((i, _), _)| i);
    match cut.and_then(|i| value.get(..i)) {
        Some(kept) if !kept.trim().is_empty() => kept.trim_end(),
        _ => value,
    }
}

/// MISP's and spreadsheets' booleans.
fn parse_bool(cell: &str) -> Option<bool> {
    match cell.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "y" => Some(true),
        "0" | "false" | "no" | "n" => Some(false),
        _ => None,
    }
}

/// At most `max` characters of `text`.
fn truncate(text: &str, max: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max) {
        Some((end, _)) => Cow::Owned(format!("{}…", text.get(..end).unwrap_or(text))),
        None => Cow::Borrowed(text),
    }
}
