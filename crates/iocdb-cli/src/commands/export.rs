//! `iocdb export`.

use std::io::Write;

use anyhow::{Context as _, Result, bail};
use iocdb_core::Database;
use iocdb_model::Event;

use super::{event_ref, open_read};
use crate::Status;
use crate::args::{ExportArgs, ExportFormat, Global};

pub(crate) fn run(global: &Global, args: &ExportArgs) -> Result<Status> {
    let db = open_read(global)?;
    let events = selected(&db, args)?;
    let mut out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path)
                .with_context(|| format!("cannot create {}", path.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    match args.to {
        ExportFormat::Csv => iocdb_import::export::csv::write_csv(&events, &mut out)?,
        ExportFormat::Jsonl => iocdb_import::export::jsonl::write_jsonl(&events, &mut out)?,
        ExportFormat::Misp => iocdb_import::export::misp::write_events(&events, &mut out)?,
        ExportFormat::Stix => {
            iocdb_import::export::stix::write_bundle(&events, &mut out)?;
        }
    }
    out.flush()?;
    Ok(Status::Success)
}

fn selected(db: &Database, args: &ExportArgs) -> Result<Vec<Event>> {
    if let Some(event) = &args.event {
        let Some((_, stored)) = db.event(event_ref(event)?)? else { bail!("no event {event}") };
        return Ok(vec![stored]);
    }
    let source = match &args.source {
        Some(name) => {
            Some(db.source_id(name)?.with_context(|| format!("no source named {name:?}"))?)
        }
        None => None,
    };
    let mut events = Vec::new();
    for id in db.event_ids(source)? {
        if let Some((_, event)) = db.event(iocdb_core::EventRef::Id(id))? {
            events.push(event);
        }
    }
    Ok(events)
}
