//! `iocdb correlate`.

use std::io::Write;

use anyhow::{Result, bail};
use iocdb_core::{CorrelateOptions, EventSummary};
use serde::Serialize;

use super::{event_ref, finish, open_read, stdout};
use crate::Status;
use crate::args::{CorrelateArgs, Global, OutputFormat};
use crate::output::{Table, ratio, write_json, write_jsonl};

/// An event, as the JSON contract spells it.
#[derive(Debug, Serialize)]
pub(crate) struct EventOut {
    pub(crate) id: u32,
    pub(crate) event_uuid: String,
    pub(crate) event_info: String,
    pub(crate) source: String,
    pub(crate) date: Option<String>,
    pub(crate) attributes: usize,
    pub(crate) values: u64,
}

pub(crate) fn event_out(e: &EventSummary) -> EventOut {
    EventOut {
        id: e.id.0,
        event_uuid: e.uuid.to_string(),
        event_info: e.info.clone(),
        source: e.source.clone(),
        date: e.date.map(|d| d.date_string()),
        attributes: e.attributes,
        values: e.values,
    }
}

#[derive(Debug, Serialize)]
struct RelatedOut {
    event_uuid: String,
    event_info: String,
    source: String,
    shared: u64,
    jaccard: f64,
    values: Vec<String>,
}

#[derive(Debug, Serialize)]
struct OverOut {
    value: String,
    attributes: u64,
}

#[derive(Debug, Serialize)]
struct CorrelationOut {
    event: EventOut,
    related: Vec<RelatedOut>,
    over_correlating: Vec<OverOut>,
    excluded: Vec<String>,
}

pub(crate) fn run(global: &Global, args: &CorrelateArgs) -> Result<Status> {
    let db = open_read(global)?;
    let options = CorrelateOptions { limit: args.limit, top: args.top, exclusions: true };
    let Some(c) = db.correlate(event_ref(&args.event)?, &options)? else {
        bail!("no event {}", args.event);
    };
    let result = CorrelationOut {
        event: event_out(&c.event),
        related: c
            .related
            .iter()
            .map(|r| RelatedOut {
                event_uuid: r.event.uuid.to_string(),
                event_info: r.event.info.clone(),
                source: r.event.source.clone(),
                shared: r.shared,
                jaccard: r.jaccard,
                values: r.values.clone(),
            })
            .collect(),
        over_correlating: c
            .over_correlating
            .iter()
            .map(|o| OverOut { value: o.value.clone(), attributes: o.attributes })
            .collect(),
        excluded: c.excluded.clone(),
    };
    let mut out = stdout();
    match args.output.resolve() {
        OutputFormat::Json => write_json(&mut out, &result)?,
        OutputFormat::Jsonl => {
            for related in &result.related {
                write_jsonl(&mut out, related)?;
            }
        }
        OutputFormat::Csv => related_table(&result, true).write_csv(&mut out)?,
        OutputFormat::Table => {
            writeln!(
                out,
                "{} ({}, {} values, source {})",
                result.event.event_info,
                result.event.event_uuid,
                result.event.values,
                result.event.source
            )?;
            related_table(&result, false).write_aligned(&mut out)?;
            for over in &result.over_correlating {
                writeln!(
                    out,
                    "over-correlating: {} ({} attributes in other events)",
                    over.value, over.attributes
                )?;
            }
            for excluded in &result.excluded {
                writeln!(out, "excluded: {excluded}")?;
            }
        }
    }
    finish(out)?;
    Ok(Status::Success)
}

fn related_table(result: &CorrelationOut, all_values: bool) -> Table {
    let mut table = Table::new(vec!["shared", "jaccard", "event", "source", "uuid", "values"]);
    for r in &result.related {
        table.row(vec![
            r.shared.to_string(),
            ratio(r.jaccard),
            r.event_info.clone(),
            r.source.clone(),
            r.event_uuid.clone(),
            if all_values { r.values.join(" ") } else { preview(&r.values) },
        ]);
    }
    table
}

/// The first values, and how many more: a table row stays one readable line (`--format
/// json` or `csv` give them all).
fn preview(values: &[String]) -> String {
    const SHOWN: usize = 4;
    let mut text = values.iter().take(SHOWN).cloned().collect::<Vec<_>>().join(" ");
    if values.len() > SHOWN {
        text.push_str(&format!(" ... ({} more)", values.len() - SHOWN));
    }
    text
}
