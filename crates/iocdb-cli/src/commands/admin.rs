//! `iocdb sources | events | stats | check | delete | exclusions`.

use std::io::Write;

use anyhow::{Result, bail};
use iocdb_model::SourceKind;
use serde::Serialize;

use super::correlate::event_out;
use super::{event_ref, finish, open_existing_write, open_read, stdout};
use crate::Status;
use crate::args::{DeleteArgs, EventsArgs, ExclusionArgs, Global, ListArgs, OutputFormat};
use crate::output::{Table, write_json, write_jsonl};

#[derive(Debug, Serialize)]
struct SourceOut {
    id: u32,
    name: String,
    kind: &'static str,
    format: Option<String>,
    location: Option<String>,
    events: usize,
}

fn kind_name(kind: SourceKind) -> &'static str {
    match kind {
        SourceKind::Feed => "feed",
        SourceKind::File => "file",
        SourceKind::Misp => "misp",
        SourceKind::Analyst => "analyst",
        SourceKind::Warninglist => "warninglist",
    }
}

/// Writes a list of records as JSON, JSON lines, CSV or a table.
fn write_list<T: Serialize>(
    format: OutputFormat,
    items: &[T],
    table: impl FnOnce() -> Table,
) -> Result<()> {
    let mut out = stdout();
    match format {
        OutputFormat::Json => write_json(&mut out, &items)?,
        OutputFormat::Jsonl => items.iter().try_for_each(|i| write_jsonl(&mut out, i))?,
        OutputFormat::Csv => table().write_csv(&mut out)?,
        OutputFormat::Table => table().write_aligned(&mut out)?,
    }
    finish(out)
}

pub(crate) fn sources(global: &Global, args: &ListArgs) -> Result<Status> {
    let db = open_read(global)?;
    let mut items = Vec::new();
    for (id, source) in db.sources()? {
        let events = db.event_ids(Some(id))?.len();
        items.push(SourceOut {
            id: id.0,
            name: source.name,
            kind: kind_name(source.kind),
            format: source.format,
            location: source.location,
            events,
        });
    }
    write_list(args.output.resolve(), &items, || {
        let mut t = Table::new(vec!["id", "name", "kind", "format", "events", "location"]);
        for s in &items {
            let cells = [
                s.id.to_string(),
                s.name.clone(),
                s.kind.to_owned(),
                s.format.clone().unwrap_or_default(),
                s.events.to_string(),
                s.location.clone().unwrap_or_default(),
            ];
            t.row(cells.to_vec());
        }
        t
    })?;
    Ok(Status::Success)
}

pub(crate) fn events(global: &Global, args: &EventsArgs) -> Result<Status> {
    let db = open_read(global)?;
    let source = match &args.source {
        Some(name) => match db.source_id(name)? {
            Some(id) => Some(id),
            None => bail!("no source named {name:?}; `iocdb sources` lists them"),
        },
        None => None,
    };
    let items: Vec<_> = db.events(source)?.iter().map(event_out).collect();
    write_list(args.output.resolve(), &items, || {
        let mut t = Table::new(vec!["id", "uuid", "date", "source", "attributes", "info"]);
        for e in &items {
            let cells = [
                e.id.to_string(),
                e.event_uuid.clone(),
                e.date.clone().unwrap_or_default(),
                e.source.clone(),
                e.attributes.to_string(),
                e.event_info.clone(),
            ];
            t.row(cells.to_vec());
        }
        t
    })?;
    Ok(Status::Success)
}

pub(crate) fn stats(global: &Global, args: &ListArgs) -> Result<Status> {
    let db = open_read(global)?;
    let s = db.stats()?;
    let mut out = stdout();
    match args.output.resolve() {
        OutputFormat::Json => write_json(&mut out, &s)?,
        OutputFormat::Jsonl => write_jsonl(&mut out, &s)?,
        format => {
            let mut t =
                Table::new(vec!["sources", "events", "attributes", "values", "bytes_on_disk"]);
            t.row(
                [s.sources, s.events, s.attributes, s.values, s.bytes_on_disk]
                    .map(|n| n.to_string())
                    .to_vec(),
            );
            if format == OutputFormat::Csv {
                t.write_csv(&mut out)?
            } else {
                t.write_aligned(&mut out)?
            }
        }
    }
    finish(out)?;
    Ok(Status::Success)
}

pub(crate) fn check(global: &Global, args: &ListArgs) -> Result<Status> {
    let db = open_read(global)?;
    let problems = db.check()?;
    let mut out = stdout();
    match args.output.resolve() {
        OutputFormat::Json => write_json(
            &mut out,
            &serde_json::json!({ "ok": problems.is_empty(), "problems": problems }),
        )?,
        OutputFormat::Jsonl => problems.iter().try_for_each(|p| write_jsonl(&mut out, p))?,
        _ if problems.is_empty() => writeln!(out, "ok: indexes agree with the records")?,
        _ => problems.iter().try_for_each(|p| writeln!(out, "problem: {p}"))?,
    }
    finish(out)?;
    Ok(if problems.is_empty() { Status::Success } else { Status::NoMatch })
}

pub(crate) fn delete(global: &Global, args: &DeleteArgs) -> Result<Status> {
    let db = open_existing_write(global)?;
    if let Some(event) = &args.event {
        let Some((_, stored)) = db.event(event_ref(event)?)? else { bail!("no event {event}") };
        db.writer()?.delete_event(stored.uuid)?;
        if !global.quiet {
            eprintln!("deleted event {} ({})", stored.uuid, stored.info);
        }
    }
    if let Some(source) = &args.source {
        if !db.writer()?.delete_source(source)? {
            bail!("no source named {source:?}; `iocdb sources` lists them");
        }
        if !global.quiet {
            eprintln!("deleted source {source:?} and its events");
        }
    }
    Ok(Status::Success)
}

pub(crate) fn exclusions(global: &Global, args: &ExclusionArgs) -> Result<Status> {
    if !args.add.is_empty() || !args.remove.is_empty() {
        let db = open_existing_write(global)?;
        let mut writer = db.writer()?;
        for pattern in &args.add {
            writer.add_exclusion(pattern)?;
        }
        for pattern in &args.remove {
            if !writer.remove_exclusion(pattern)? {
                bail!("no exclusion {pattern:?}");
            }
        }
        return Ok(Status::Success);
    }
    let db = open_read(global)?;
    let items = db.exclusions()?;
    write_list(args.output.resolve(), &items, || {
        let mut t = Table::new(vec!["exclusion"]);
        items.iter().for_each(|e| t.row(vec![e.clone()]));
        t
    })?;
    Ok(Status::Success)
}
