//! From a [`Document`] to an [`Event`]: metadata, one MISP object per Indicator, one
//! attribute per IndicatorItem, and the description and logic tree as reports.

use std::collections::{HashMap, HashSet};

use iocdb_model::{Event, EventReport, MispObject, Org, Tag, Timestamp};
use uuid::Uuid;

use super::document::{Document, Indicator, Node};
use super::item::{self, Placement};
use super::tree;
use crate::context::{Context, derived_uuid};
use crate::error::{ImportError, Position};

/// Name of the MISP object made for each `<Indicator>`.
pub(super) const INDICATOR_OBJECT: &str = "openioc-indicator";
/// Name of the report holding the `<description>`.
pub(super) const DESCRIPTION_REPORT: &str = "OpenIOC description";
/// Name of the report holding the logic tree.
pub(super) const LOGIC_REPORT: &str = "OpenIOC logic";

const MICROS_PER_DAY: i64 = 86_400_000_000;

/// Builds the event for `doc`, skipping bad items through `ctx`.
pub(super) fn event(doc: &Document, ctx: &mut Context<'_>) -> Result<Event, ImportError> {
    let logic = tree::render(&doc.nodes);
    let uuid = event_uuid(doc, &logic, ctx);
    let mut event = Event::new(uuid, info(doc));
    dates(doc, &mut event, ctx);
    let metadata = &doc.metadata;
    event.orgc = non_empty(metadata.authored_by.as_deref())
        .map(|name| Org { name: name.to_owned(), uuid: None });
    event.tags = tags(doc);
    if let Some(description) = non_empty(metadata.description.as_deref()) {
        let name = DESCRIPTION_REPORT.to_owned();
        event.reports.push(EventReport { name, content: description.to_owned() });
    }
    if !logic.is_empty() {
        event.reports.push(EventReport { name: LOGIC_REPORT.to_owned(), content: logic });
    }
    let notes = notes(doc, ctx);
    let objects = objects(doc, uuid, &notes, &mut event.objects, ctx);
    attributes(doc, uuid, &objects, &notes, &mut event, ctx)?;
    Ok(event)
}

/// The root id when it is a uuid; otherwise a uuid derived from it, or from the content
/// when there is no id.
fn event_uuid(doc: &Document, logic: &str, ctx: &mut Context<'_>) -> Uuid {
    let position = Position::line(doc.line);
    match non_empty(doc.id.as_deref()) {
        Some(id) => Uuid::parse_str(id).unwrap_or_else(|_| {
            let message =
                format!("root id {id:?} is not a uuid: the event uuid is derived from it");
            ctx.warn(position, message);
            derived_uuid(&[b"openioc", id.as_bytes()])
        }),
        None => {
            let message = "the root element has no id: the event uuid is derived from the content";
            ctx.warn(position, message);
            let info = info(doc);
            let date = doc.metadata.authored_date.as_deref().unwrap_or_default();
            derived_uuid(&[b"openioc", info.as_bytes(), date.as_bytes(), logic.as_bytes()])
        }
    }
}

/// `short_description`, else `OpenIOC <id>`.
fn info(doc: &Document) -> String {
    match non_empty(doc.metadata.short_description.as_deref()) {
        Some(short) => short.to_owned(),
        None => match non_empty(doc.id.as_deref()) {
            Some(id) => format!("OpenIOC {id}"),
            None => "OpenIOC".to_owned(),
        },
    }
}

/// `authored_date` → date (the day), `last-modified` → timestamp, `published-date` →
/// publish timestamp. OpenIOC writes `0001-01-01T00:00:00` for "none".
fn dates(doc: &Document, event: &mut Event, ctx: &mut Context<'_>) {
    let position = Position::line(doc.line);
    let authored =
        timestamp("authored_date", doc.metadata.authored_date.as_deref(), ctx, &position);
    let modified = timestamp("last-modified", doc.last_modified.as_deref(), ctx, &position);
    event.date =
        authored.or(modified).map(|t| Timestamp(t.0.div_euclid(MICROS_PER_DAY) * MICROS_PER_DAY));
    event.timestamp = modified;
    event.publish_timestamp =
        timestamp("published-date", doc.published_date.as_deref(), ctx, &position);
}

fn timestamp(
    field: &str,
    raw: Option<&str>,
    ctx: &mut Context<'_>,
    position: &Position,
) -> Option<Timestamp> {
    let raw = non_empty(raw).filter(|raw| !raw.starts_with("0001-"))?;
    match Timestamp::parse(raw) {
        Ok(timestamp) => Some(timestamp),
        Err(err) => {
            ctx.warn(position.clone(), format!("{field} ignored: {err}"));
            None
        }
    }
}

/// Keywords (split on `,` and `;`) as `openioc:keyword="..."`, links as
/// `openioc:<rel>="<text or href>"`.
fn tags(doc: &Document) -> Vec<Tag> {
    let mut tags = Vec::new();
    let keywords = doc.metadata.keywords.as_deref().unwrap_or_default();
    for keyword in keywords.split([',', ';']).map(str::trim).filter(|k| !k.is_empty()) {
        tags.push(Tag::new(machine_tag("keyword", keyword)));
    }
    for link in &doc.metadata.links {
        let value = non_empty(Some(&link.text)).or(non_empty(link.href.as_deref()));
        if let Some(value) = value {
            let rel = non_empty(link.rel.as_deref()).unwrap_or("link");
            tags.push(Tag::new(machine_tag(rel, value)));
        }
    }
    let mut seen = HashSet::new();
    tags.retain(|tag| seen.insert(tag.name.clone()));
    tags
}

/// `openioc:<predicate>="<value>"`, with quotes in the value turned to `'` and the
/// predicate reduced to characters a machine tag allows.
fn machine_tag(predicate: &str, value: &str) -> String {
    let predicate: String = predicate
        .chars()
        .map(|c| if c.is_alphanumeric() || c == '-' || c == '_' { c } else { '-' })
        .collect();
    format!("openioc:{predicate}=\"{}\"", value.replace('"', "'"))
}

/// The 1.1 parameters as notes (`comment` → its text, others `name=value`) by the id
/// they refer to.
fn notes(doc: &Document, ctx: &mut Context<'_>) -> HashMap<String, Vec<String>> {
    let known: HashSet<&str> = doc.nodes.iter().filter_map(node_id).collect();
    let mut notes: HashMap<String, Vec<String>> = HashMap::new();
    for param in &doc.params {
        let name = non_empty(param.name.as_deref()).unwrap_or("param");
        let note = if name == "comment" {
            param.value.trim().to_owned()
        } else {
            format!("{name}={}", param.value.trim())
        };
        match non_empty(param.ref_id.as_deref()) {
            Some(id) if known.contains(id) => notes.entry(id.to_owned()).or_default().push(note),
            other => {
                let message = format!(
                    "parameter {note:?} refers to {}, which is no Indicator or IndicatorItem here",
                    other.map_or("nothing".to_owned(), |id| format!("id {id}"))
                );
                ctx.warn(Position::line(param.line), message);
            }
        }
    }
    notes
}

fn node_id(node: &Node) -> Option<&str> {
    match node {
        Node::Indicator(indicator) => non_empty(indicator.id.as_deref()),
        Node::Item(item) => non_empty(item.id.as_deref()),
    }
}

fn notes_of<'a>(notes: &'a HashMap<String, Vec<String>>, id: Option<&str>) -> &'a [String] {
    non_empty(id).and_then(|id| notes.get(id)).map_or(&[], Vec::as_slice)
}

/// One object per Indicator; returns each node's object uuid (`Some` for Indicators).
fn objects(
    doc: &Document,
    event: Uuid,
    notes: &HashMap<String, Vec<String>>,
    objects: &mut Vec<MispObject>,
    ctx: &mut Context<'_>,
) -> Vec<Option<Uuid>> {
    let mut uuids = Vec::with_capacity(doc.nodes.len());
    for node in &doc.nodes {
        let Node::Indicator(indicator) = node else {
            uuids.push(None);
            continue;
        };
        let operator = tree::operator(indicator);
        if operator != "AND" && operator != "OR" {
            let found = indicator.operator.as_deref().unwrap_or("none");
            let message = format!("expected operator AND or OR, found {found:?}: kept as written");
            ctx.warn(Position::line(indicator.line), message);
        }
        let object = object(indicator, event, notes_of(notes, indicator.id.as_deref()));
        uuids.push(Some(object.uuid));
        objects.push(object);
    }
    uuids
}

/// `OR indicator 1.2 (id ...)[; note]...`
fn object(indicator: &Indicator, event: Uuid, notes: &[String]) -> MispObject {
    let id = non_empty(indicator.id.as_deref()).unwrap_or_default();
    let uuid = derived_uuid(&[
        b"openioc-indicator",
        event.as_bytes(),
        indicator.path.as_bytes(),
        id.as_bytes(),
    ]);
    let mut comment = format!("{} indicator {}", tree::operator(indicator), indicator.path);
    if !id.is_empty() {
        comment.push_str(&format!(" (id {id})"));
    }
    for note in notes {
        comment.push_str("; ");
        comment.push_str(note);
    }
    MispObject {
        uuid,
        name: INDICATOR_OBJECT.to_owned(),
        meta_category: "misc".to_owned(),
        comment,
    }
}

/// One attribute per item; bad items are skipped through `ctx`.
fn attributes(
    doc: &Document,
    uuid: Uuid,
    objects: &[Option<Uuid>],
    notes: &HashMap<String, Vec<String>>,
    event: &mut Event,
    ctx: &mut Context<'_>,
) -> Result<(), ImportError> {
    let items = doc.nodes.iter().filter_map(|node| match node {
        Node::Item(item) => Some(item),
        Node::Indicator(_) => None,
    });
    for (ordinal, item) in items.enumerate() {
        ctx.report.count("openioc: items", 1);
        let object = item.parent.and_then(|parent| objects.get(parent).copied().flatten());
        let notes = notes_of(notes, item.id.as_deref());
        let placement = Placement { event: uuid, ordinal: ordinal + 1, object, notes };
        if let Some(attribute) = item::attribute(item, &placement, ctx)? {
            event.attributes.push(attribute);
        }
    }
    Ok(())
}

fn non_empty(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|text| !text.is_empty())
}
