//! Opens a database, ingests a few events built in code, and prints a lookup, a
//! correlation and an overlap matrix.
//!
//! ```text
//! cargo run -p iocdb-examples --example quickstart
//! ```

use std::error::Error;

use iocdb_core::{CorrelateOptions, Database, EventRef, OverlapOptions};
use iocdb_model::{AttrType, Attribute, Event, Source, SourceKind};
use uuid::Uuid;

fn attribute(ty: &str, value: &str) -> Result<Attribute, Box<dyn Error>> {
    let ty = AttrType::from_name(ty).ok_or_else(|| format!("unknown type {ty}"))?;
    Ok(Attribute::new(ty, value))
}

fn event(n: u128, info: &str, attrs: &[(&str, &str)]) -> Result<Event, Box<dyn Error>> {
    let mut event = Event::new(Uuid::from_u128(n), info);
    for (ty, value) in attrs {
        event.attributes.push(attribute(ty, value)?);
    }
    Ok(event)
}

fn main() -> Result<(), Box<dyn Error>> {
    let dir = tempfile::tempdir()?;
    let db = Database::open_or_create(dir.path().join("iocdb"))?;

    let mut writer = db.writer()?;
    let feed = writer.source(&Source::new("botnet-feed", SourceKind::Feed))?;
    let reports = writer.source(&Source::new("vendor-reports", SourceKind::File))?;
    let blocklist = writer.source(&Source::new("blocklist", SourceKind::Feed))?;
    let c2 = [
        ("ip-dst|port", "203.0.113.10|443"),
        ("domain", "update-check[.]example"),
        ("ip-dst", "203.0.113.11"),
    ];
    writer.put_event(feed, &event(1, "C2 servers, March", &c2)?)?;
    let report = [
        ("domain", "Update-Check.example"),
        ("ip-src", "203.0.113.10"),
        (
            "filename|sha256",
            "loader.exe|9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08",
        ),
    ];
    writer.put_event(reports, &event(2, "Loader campaign report", &report)?)?;
    writer.put_event(blocklist, &event(3, "Daily blocklist", &[("ip-dst", "203.0.113.0/24")])?)?;
    writer.commit()?;
    drop(writer);

    println!("== lookup 203.0.113.10");
    for hit in db.lookup("203[.]0.113.10")?.hits {
        println!(
            "  {:?} {:<16} {:<20} in {:?} ({})",
            hit.match_kind,
            hit.attribute.attr_type,
            hit.attribute.value,
            hit.event.info,
            hit.event.source
        );
    }

    println!("== events correlated with \"C2 servers, March\"");
    let correlation = db
        .correlate(EventRef::Uuid(Uuid::from_u128(1)), &CorrelateOptions::default())?
        .ok_or("event 1 is missing")?;
    for related in &correlation.related {
        println!(
            "  {:<24} shared {} jaccard {:.2}: {}",
            related.event.info,
            related.shared,
            related.jaccard,
            related.values.join(", ")
        );
    }

    println!("== overlap (intersection counts)");
    let overlap = db.overlap(&OverlapOptions::default())?;
    for (i, name) in overlap.sources.iter().enumerate() {
        println!(
            "  {name:<16} size {} exclusive {} row {:?}",
            overlap.sizes[i], overlap.exclusive[i], overlap.intersection[i]
        );
    }
    Ok(())
}
