//! MISP JSON export: events as MISP writes them, so that MISP, PyMISP and
//! [`crate::misp::decode`] read them back.
//!
//! Ids, enums and timestamps are strings (`"threat_level_id": "4"`, `"timestamp":
//! "1539269704"`), `first_seen`/`last_seen` are ISO 8601 with microseconds
//! (`2022-07-05T00:00:00.000000+00:00`), every tag (galaxy tags included) is written in
//! `Tag`, and attributes that belong to an object are written inside it with their
//! `object_relation`. Attributes and objects get distribution 5 (inherit from the event).
//! An attribute pointing to an object the event does not list gets an object of its own
//! named `unknown-object`. Event reports have no uuid: MISP gives them one on import.
//!
//! Importing the output with [`crate::misp::decode`] gives back the same events, except for
//! sub-second parts of event and attribute `timestamp`s (MISP's are whole seconds).

use std::collections::HashMap;
use std::io::{self, BufWriter, Write};

use iocdb_model::{Attribute, Event, MispObject, Sighting, Tag, Timestamp};
use serde::Serialize;
use uuid::Uuid;

/// Writes one event as `{"Event": {…}}`, followed by a newline.
pub fn write_event(event: &Event, out: impl Write) -> io::Result<()> {
    let mut out = BufWriter::new(out);
    serde_json::to_writer(&mut out, &Envelope { event: MispEvent::new(event) })?;
    out.write_all(b"\n")?;
    out.flush()
}

/// Writes events as MISP's restSearch does: `{"response": [{"Event": {…}}, …]}`, followed
/// by a newline. Events are written one at a time, so any number stream through.
pub fn write_events<'e>(
    events: impl IntoIterator<Item = &'e Event>,
    out: impl Write,
) -> io::Result<()> {
    let mut out = BufWriter::new(out);
    out.write_all(b"{\"response\":[")?;
    for (i, event) in events.into_iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        serde_json::to_writer(&mut out, &Envelope { event: MispEvent::new(event) })?;
    }
    out.write_all(b"]}\n")?;
    out.flush()
}

/// `{"Event": …}`.
#[derive(Serialize)]
struct Envelope<'e> {
    #[serde(rename = "Event")]
    event: MispEvent<'e>,
}

/// An event in MISP's JSON layout.
#[derive(Serialize)]
struct MispEvent<'e> {
    uuid: Uuid,
    info: &'e str,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<String>,
    threat_level_id: String,
    analysis: String,
    distribution: String,
    published: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    timestamp: Option<String>,
    publish_timestamp: String,
    disable_correlation: bool,
    #[serde(rename = "Orgc", skip_serializing_if = "Option::is_none")]
    orgc: Option<MispOrg<'e>>,
    #[serde(rename = "Tag")]
    tags: Vec<MispTag<'e>>,
    #[serde(rename = "Attribute")]
    attributes: Vec<MispAttribute<'e>>,
    #[serde(rename = "Object")]
    objects: Vec<MispObjectOut<'e>>,
    #[serde(rename = "EventReport", skip_serializing_if = "Vec::is_empty")]
    reports: Vec<MispReport<'e>>,
}

/// The creator organisation.
#[derive(Serialize)]
struct MispOrg<'e> {
    name: &'e str,
    #[serde(skip_serializing_if = "Option::is_none")]
    uuid: Option<Uuid>,
}

/// A tag.
#[derive(Serialize)]
struct MispTag<'e> {
    name: &'e str,
    #[serde(skip_serializing_if = "Option::is_none")]
    colour: Option<&'e str>,
}

/// An attribute.
#[derive(Serialize)]
struct MispAttribute<'e> {
    uuid: Uuid,
    #[serde(rename = "type")]
    attr_type: &'static str,
    category: &'static str,
    value: &'e str,
    to_ids: bool,
    comment: &'e str,
    distribution: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    timestamp: Option<String>,
    deleted: bool,
    disable_correlation: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    object_relation: Option<&'e str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    first_seen: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_seen: Option<String>,
    #[serde(rename = "Tag", skip_serializing_if = "Vec::is_empty")]
    tags: Vec<MispTag<'e>>,
    #[serde(rename = "Sighting", skip_serializing_if = "Vec::is_empty")]
    sightings: Vec<MispSighting<'e>>,
}

/// A sighting.
#[derive(Serialize)]
struct MispSighting<'e> {
    date_sighting: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(rename = "Organisation", skip_serializing_if = "Option::is_none")]
    organisation: Option<MispSightingOrg<'e>>,
}

/// The organisation of a sighting.
#[derive(Serialize)]
struct MispSightingOrg<'e> {
    name: &'e str,
}

/// An object and its attributes.
#[derive(Serialize)]
struct MispObjectOut<'e> {
    uuid: Uuid,
    name: &'e str,
    #[serde(rename = "meta-category")]
    meta_category: &'e str,
    comment: &'e str,
    distribution: &'static str,
    #[serde(rename = "Attribute")]
    attributes: Vec<MispAttribute<'e>>,
}

/// An event report.
#[derive(Serialize)]
struct MispReport<'e> {
    name: &'e str,
    content: &'e str,
}

impl<'e> MispEvent<'e> {
    /// The MISP layout of `event`.
    fn new(event: &'e Event) -> Self {
        let (attributes, objects) = split_objects(event);
        MispEvent {
            uuid: event.uuid,
            info: &event.info,
            date: event.date.map(Timestamp::date_string),
            threat_level_id: event.threat_level.code().to_string(),
            analysis: event.analysis.code().to_string(),
            distribution: event.distribution.code().to_string(),
            published: event.published,
            timestamp: event.timestamp.map(seconds),
            publish_timestamp: event.publish_timestamp.map_or_else(|| "0".to_owned(), seconds),
            disable_correlation: event.disable_correlation,
            orgc: event.orgc.as_ref().map(|org| MispOrg { name: &org.name, uuid: org.uuid }),
            tags: event.tags.iter().map(MispTag::new).collect(),
            attributes,
            objects,
            reports: event
                .reports
                .iter()
                .map(|r| MispReport { name: &r.name, content: &r.content })
                .collect(),
        }
    }
}

/// The event's own attributes, and its objects with theirs, in the event's order.
fn split_objects(event: &Event) -> (Vec<MispAttribute<'_>>, Vec<MispObjectOut<'_>>) {
    let mut objects: Vec<MispObjectOut<'_>> =
        event.objects.iter().map(MispObjectOut::new).collect();
    let mut slots: HashMap<Uuid, usize> =
        event.objects.iter().enumerate().map(|(i, o)| (o.uuid, i)).collect();
    let mut attributes = Vec::new();
    for attr in &event.attributes {
        let Some(object) = &attr.object else {
            attributes.push(MispAttribute::new(attr));
            continue;
        };
        let slot = *slots.entry(object.uuid).or_insert_with(|| {
            objects.push(MispObjectOut::orphan(object.uuid));
            objects.len() - 1
        });
        if let Some(out) = objects.get_mut(slot) {
            out.attributes.push(MispAttribute::new(attr));
        }
    }
    (attributes, objects)
}

impl<'e> MispObjectOut<'e> {
    /// An object, its attributes still to add.
    fn new(object: &'e MispObject) -> Self {
        MispObjectOut {
            uuid: object.uuid,
            name: &object.name,
            meta_category: &object.meta_category,
            comment: &object.comment,
            distribution: "5",
            attributes: Vec::new(),
        }
    }

    /// An object for attributes pointing to one the event does not list.
    fn orphan(uuid: Uuid) -> Self {
        MispObjectOut {
            uuid,
            name: "unknown-object",
            meta_category: "misc",
            comment: "",
            distribution: "5",
            attributes: Vec::new(),
        }
    }
}

impl<'e> MispTag<'e> {
    /// A tag.
    fn new(tag: &'e Tag) -> Self {
        MispTag { name: &tag.name, colour: tag.colour.as_deref() }
    }
}

impl<'e> MispAttribute<'e> {
    /// An attribute.
    fn new(attr: &'e Attribute) -> Self {
        MispAttribute {
            uuid: attr.uuid,
            attr_type: attr.attr_type.name(),
            category: attr.category.name(),
            value: &attr.value,
            to_ids: attr.to_ids,
            comment: &attr.comment,
            distribution: "5",
            timestamp: attr.timestamp.map(seconds),
            deleted: attr.deleted,
            disable_correlation: attr.disable_correlation,
            object_relation: attr.object.as_ref().map(|o| o.relation.as_str()),
            first_seen: attr.first_seen.map(iso8601),
            last_seen: attr.last_seen.map(iso8601),
            tags: attr.tags.iter().map(MispTag::new).collect(),
            sightings: attr.sightings.iter().map(MispSighting::new).collect(),
        }
    }
}

impl<'e> MispSighting<'e> {
    /// A sighting.
    fn new(sighting: &'e Sighting) -> Self {
        MispSighting {
            date_sighting: seconds(sighting.timestamp),
            kind: sighting.kind.code().to_string(),
            organisation: sighting.source.as_deref().map(|name| MispSightingOrg { name }),
        }
    }
}

/// Unix seconds, as MISP writes them: a string.
fn seconds(ts: Timestamp) -> String {
    ts.unix_seconds().to_string()
}

/// ISO 8601 as MISP writes `first_seen`: `2022-07-05T00:00:00.000000+00:00`.
fn iso8601(ts: Timestamp) -> String {
    let text = ts.to_rfc3339();
    let body = text.strip_suffix('Z').unwrap_or(&text);
    if body.contains('.') { format!("{body}+00:00") } else { format!("{body}.000000+00:00") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso8601_has_microseconds_and_offset() {
        assert_eq!(iso8601(Timestamp::from_unix_seconds(0)), "1970-01-01T00:00:00.000000+00:00");
        assert_eq!(iso8601(Timestamp(1_500_000)), "1970-01-01T00:00:01.500000+00:00");
    }
}
