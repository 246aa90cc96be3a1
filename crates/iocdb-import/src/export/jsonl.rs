//! JSON lines export: one attribute per line for `jq` and log pipelines, or one whole
//! event per line for a lossless dump.
//!
//! [`write_jsonl`] writes, for each attribute (deleted ones left out), an object with
//! `event_uuid`, `event_info`, `attribute_uuid`, `type`, `category`, `value`, `to_ids`,
//! `comment`, `first_seen`, `last_seen` (RFC 3339 or `null`) and `tags` (names): flat,
//! so each line stands alone. [`write_events_jsonl`] writes each [`Event`] as serde
//! serialises it (every field, timestamps in microseconds since the epoch); reading each
//! line back with `serde_json::from_str::<Event>` gives the same event.

use std::io::{self, BufWriter, Write};

use iocdb_model::{Attribute, Event, Timestamp};
use serde::Serialize;

/// One line of [`write_jsonl`].
#[derive(Debug, Serialize)]
struct AttributeLine<'a> {
    event_uuid: uuid::Uuid,
    event_info: &'a str,
    attribute_uuid: uuid::Uuid,
    #[serde(rename = "type")]
    attr_type: &'static str,
    category: &'static str,
    value: &'a str,
    to_ids: bool,
    comment: &'a str,
    first_seen: Option<String>,
    last_seen: Option<String>,
    tags: Vec<&'a str>,
}

impl<'a> AttributeLine<'a> {
    fn new(event: &'a Event, attribute: &'a Attribute) -> Self {
        AttributeLine {
            event_uuid: event.uuid,
            event_info: &event.info,
            attribute_uuid: attribute.uuid,
            attr_type: attribute.attr_type.name(),
            category: attribute.category.name(),
            value: &attribute.value,
            to_ids: attribute.to_ids,
            comment: &attribute.comment,
            first_seen: attribute.first_seen.map(Timestamp::to_rfc3339),
            last_seen: attribute.last_seen.map(Timestamp::to_rfc3339),
            tags: attribute.tags.iter().map(|t| t.name.as_str()).collect(),
        }
    }
}

/// Writes one JSON object per attribute (deleted ones left out), one per line.
pub fn write_jsonl(events: &[Event], out: impl Write) -> io::Result<()> {
    let mut out = BufWriter::new(out);
    for event in events {
        for attribute in event.attributes.iter().filter(|a| !a.deleted) {
            serde_json::to_writer(&mut out, &AttributeLine::new(event, attribute))?;
            out.write_all(b"\n")?;
        }
    }
    out.flush()
}

/// Writes each event whole as one JSON object per line.
pub fn write_events_jsonl(events: &[Event], out: impl Write) -> io::Result<()> {
    let mut out = BufWriter::new(out);
    for event in events {
        serde_json::to_writer(&mut out, event)?;
        out.write_all(b"\n")?;
    }
    out.flush()
}
