//! One MISP event object (the value of `"Event"`) to an [`Event`].
//!
//! A bad event (not an object, no valid uuid) or a bad attribute (unknown type, missing or
//! invalid value) is a bad record: skipped with a warning in lenient mode, an error in strict
//! mode. A field of the wrong shape elsewhere is ignored with a warning.

use std::collections::HashSet;

use iocdb_model::{
    Analysis, AttrType, Attribute, Category, Distribution, Event, EventReport, MispObject,
    ObjectRef, Org, Sighting, SightingKind, Tag, ThreatLevel, normalize_value,
};
use serde_json::Value;
use uuid::Uuid;

use super::json::{Fields, describe, index};
use crate::context::{Context, derived_uuid};
use crate::error::{ErrorKind, ImportError, Position};

/// Converts the event object `value`, found at JSON pointer `at`. `Ok(None)` when the event
/// was skipped as a bad record (lenient mode).
pub(super) fn convert(
    value: &Value,
    at: String,
    ctx: &mut Context<'_>,
) -> Result<Option<Event>, ImportError> {
    let Some(f) = Fields::of(value, at.clone()) else {
        let kind = expected("an event object", describe(value));
        return bad(ctx, kind, Position::pointer(at));
    };
    let Some(uuid) = event_uuid(&f, ctx)? else { return Ok(None) };
    let mut event = Event::new(uuid, f.text_or_empty("info", ctx));
    read_header(&f, &mut event, ctx);
    let mut tags = TagSet::default();
    tags.add_tags(&f, ctx);
    tags.add_galaxies(&f, ctx);
    event.tags = tags.tags;
    read_attributes(&f, uuid, &mut event, ctx)?;
    read_objects(&f, uuid, &mut event, ctx)?;
    event.reports = read_reports(&f, ctx);
    Ok(Some(event))
}

/// An [`ErrorKind::Expected`].
fn expected(what: &str, found: impl Into<String>) -> ErrorKind {
    ErrorKind::Expected { expected: what.to_owned(), found: found.into() }
}

/// Reports a bad record at `position` and reads it as nothing.
fn bad<T>(
    ctx: &mut Context<'_>,
    kind: ErrorKind,
    position: Position,
) -> Result<Option<T>, ImportError> {
    let err = ctx.error(kind, position);
    ctx.skip(err)?;
    Ok(None)
}

/// The event's `uuid`, required.
fn event_uuid(f: &Fields<'_>, ctx: &mut Context<'_>) -> Result<Option<Uuid>, ImportError> {
    let found = match f.get("uuid") {
        None => "nothing".to_owned(),
        Some(Value::String(text)) => match Uuid::try_parse(text.trim()) {
            Ok(uuid) => return Ok(Some(uuid)),
            Err(_) => describe(&Value::String(text.clone())),
        },
        Some(other) => describe(other),
    };
    bad(ctx, expected("the event's uuid", found), f.pos("uuid"))
}

/// Dates, levels, flags and the creator organisation.
fn read_header(f: &Fields<'_>, event: &mut Event, ctx: &mut Context<'_>) {
    event.date = f.time("date", ctx);
    event.timestamp = f.time("timestamp", ctx);
    event.publish_timestamp = f.time("publish_timestamp", ctx);
    event.published = f.flag("published", ctx).unwrap_or(false);
    event.disable_correlation = f.flag("disable_correlation", ctx).unwrap_or(false);
    if let Some(level) = level(f, "threat_level_id", "1 to 4", ThreatLevel::from_code, ctx) {
        event.threat_level = level;
    }
    if let Some(state) = level(f, "analysis", "0 to 2", Analysis::from_code, ctx) {
        event.analysis = state;
    }
    if let Some(dist) = level(f, "distribution", "0 to 5", Distribution::from_code, ctx) {
        event.distribution = dist;
    }
    event.orgc = f.object("Orgc", ctx).map(|orgc| read_org(&orgc, ctx));
}

/// A numeric enum member decoded by `from_code`; an unknown code is reported.
fn level<T>(
    f: &Fields<'_>,
    key: &str,
    range: &str,
    from_code: fn(u8) -> Option<T>,
    ctx: &mut Context<'_>,
) -> Option<T> {
    let code = f.code(key, ctx)?;
    let level = from_code(code);
    if level.is_none() {
        ctx.warn(f.pos(key), format!("expected a code from {range}, found {code}; ignored"));
    }
    level
}

/// An organisation: `name` and `uuid`.
fn read_org(f: &Fields<'_>, ctx: &mut Context<'_>) -> Org {
    let uuid = optional_uuid(f, ctx);
    Org { name: f.text_or_empty("name", ctx), uuid }
}

/// The member `uuid` when present and valid; an invalid one is reported and ignored.
fn optional_uuid(f: &Fields<'_>, ctx: &mut Context<'_>) -> Option<Uuid> {
    let text = f.text("uuid", ctx)?;
    let uuid = Uuid::try_parse(text.trim()).ok();
    if uuid.is_none() {
        let found = describe(&Value::String(text.into_owned()));
        ctx.warn(f.pos("uuid"), format!("expected a uuid, found {found}; a derived one is used"));
    }
    uuid
}

/// Tags in input order, without repeats.
#[derive(Default)]
struct TagSet {
    tags: Vec<Tag>,
    seen: HashSet<String>,
}

impl TagSet {
    /// Adds `tag` unless a tag of that name is already there.
    fn add(&mut self, tag: Tag) {
        if self.seen.insert(tag.name.clone()) {
            self.tags.push(tag);
        }
    }

    /// The `Tag` array: `{name, colour}` objects.
    fn add_tags(&mut self, f: &Fields<'_>, ctx: &mut Context<'_>) {
        let at = f.at("Tag");
        for (i, item) in f.array("Tag", ctx).iter().enumerate() {
            let Some(tag) = Fields::of(item, index(&at, i)) else {
                let message = format!("expected a tag object, found {}; ignored", describe(item));
                ctx.warn(Position::pointer(index(&at, i)), message);
                continue;
            };
            let name = tag.text_or_empty("name", ctx);
            if name.trim().is_empty() {
                ctx.warn(tag.pos("name"), "a tag without a name; ignored");
                continue;
            }
            let colour = tag.text("colour", ctx).map(|c| c.into_owned()).filter(|c| !c.is_empty());
            self.add(Tag { name, colour });
        }
    }

    /// The `Galaxy` array: each cluster becomes its `tag_name` (`misp-galaxy:type="value"`).
    fn add_galaxies(&mut self, f: &Fields<'_>, ctx: &mut Context<'_>) {
        let at = f.at("Galaxy");
        for (i, galaxy) in f.array("Galaxy", ctx).iter().enumerate() {
            let Some(galaxy) = Fields::of(galaxy, index(&at, i)) else { continue };
            let galaxy_type = galaxy.text("type", ctx).map(|t| t.into_owned());
            let clusters_at = galaxy.at("GalaxyCluster");
            for (j, cluster) in galaxy.array("GalaxyCluster", ctx).iter().enumerate() {
                let Some(cluster) = Fields::of(cluster, index(&clusters_at, j)) else { continue };
                match cluster_tag(&cluster, galaxy_type.as_deref(), ctx) {
                    Some(name) => self.add(Tag::new(name)),
                    None => ctx.warn(
                        cluster.pos("tag_name"),
                        "a galaxy cluster without tag_name or value; ignored",
                    ),
                }
            }
        }
    }
}

/// A cluster's tag: its `tag_name`, or `misp-galaxy:<type>="<value>"`.
fn cluster_tag(
    cluster: &Fields<'_>,
    galaxy_type: Option<&str>,
    ctx: &mut Context<'_>,
) -> Option<String> {
    if let Some(name) = cluster.text("tag_name", ctx).filter(|n| !n.trim().is_empty()) {
        return Some(name.into_owned());
    }
    let value = cluster.text("value", ctx)?;
    let cluster_type = cluster.text("type", ctx).map(|t| t.into_owned());
    let ty = cluster_type.as_deref().or(galaxy_type)?;
    Some(format!("misp-galaxy:{ty}=\"{value}\""))
}

/// What holds an attribute: the event, and the object when inside one.
#[derive(Clone, Copy)]
struct Holder<'a> {
    event: Uuid,
    object: Option<(Uuid, bool)>,
    /// Where the attribute list is, relative to the event (`Attribute`, `Object/2/Attribute`):
    /// part of the derived uuid of an attribute without one.
    local: &'a str,
}

/// The event's own `Attribute` array.
fn read_attributes(
    f: &Fields<'_>,
    event_uuid: Uuid,
    event: &mut Event,
    ctx: &mut Context<'_>,
) -> Result<(), ImportError> {
    let holder = Holder { event: event_uuid, object: None, local: "Attribute" };
    read_attribute_list(f, holder, &mut event.attributes, ctx)
}

/// The `Attribute` array of `f` (an event or an object), appended to `out`.
fn read_attribute_list(
    f: &Fields<'_>,
    holder: Holder<'_>,
    out: &mut Vec<Attribute>,
    ctx: &mut Context<'_>,
) -> Result<(), ImportError> {
    let at = f.at("Attribute");
    for (i, item) in f.array("Attribute", ctx).iter().enumerate() {
        if let Some(attr) = read_attribute(item, index(&at, i), i, holder, ctx)? {
            out.push(attr);
        }
    }
    Ok(())
}

/// One attribute, or `None` when skipped as a bad record.
fn read_attribute(
    value: &Value,
    at: String,
    position: usize,
    holder: Holder<'_>,
    ctx: &mut Context<'_>,
) -> Result<Option<Attribute>, ImportError> {
    let Some(f) = Fields::of(value, at.clone()) else {
        let kind = expected("an attribute object", describe(value));
        return bad(ctx, kind, Position::pointer(at));
    };
    let Some(ty) = attr_type(&f, ctx)? else { return Ok(None) };
    let Some(raw) = f.text("value", ctx) else {
        let found = f.get("value").map_or("nothing".to_owned(), describe);
        return bad(ctx, expected("a value", found), f.pos("value"));
    };
    let value = match normalize_value(ty, &raw) {
        Ok(value) => value,
        Err(err) => return bad(ctx, ErrorKind::Value(err), f.pos("value")),
    };
    let uuid = optional_uuid(&f, ctx).unwrap_or_else(|| {
        let place = format!("{}/{position}", holder.local);
        derived_uuid(&[
            b"misp-attribute",
            holder.event.as_bytes(),
            place.as_bytes(),
            ty.name().as_bytes(),
            raw.as_bytes(),
        ])
    });
    let mut attr = read_attribute_fields(&f, uuid, ty, value, ctx);
    if let Some((object, deleted)) = holder.object {
        let relation = f.text_or_empty("object_relation", ctx);
        attr.object = Some(ObjectRef { uuid: object, relation });
        attr.deleted |= deleted;
    }
    if attr.deleted {
        ctx.report.count("misp: deleted attributes (kept, flagged)", 1);
    }
    Ok(Some(attr))
}

/// The attribute's `type`, required and known.
fn attr_type(f: &Fields<'_>, ctx: &mut Context<'_>) -> Result<Option<AttrType>, ImportError> {
    let found = match f.get("type") {
        None => "nothing".to_owned(),
        Some(Value::String(name)) => match AttrType::from_name(name) {
            Some(ty) => return Ok(Some(ty)),
            None => format!("unknown type {name:?}"),
        },
        Some(other) => describe(other),
    };
    bad(ctx, expected("a MISP attribute type", found), f.pos("type"))
}

/// The attribute's `category`: an unknown one falls back to the type's default with a
/// warning; a known one MISP would not allow for the type is kept and counted.
fn category(f: &Fields<'_>, ty: AttrType, ctx: &mut Context<'_>) -> Category {
    let Some(name) = f.text("category", ctx) else { return ty.default_category() };
    match Category::from_name(name.trim()) {
        Some(category) => {
            if !category.allows(ty) {
                ctx.report.count("misp: category not allowed for the type (kept)", 1);
            }
            category
        }
        None => {
            let fallback = ty.default_category();
            let message = format!("unknown category {name:?}; {ty}'s default {fallback:?} used");
            ctx.warn(f.pos("category"), message);
            fallback
        }
    }
}

/// The attribute of `uuid`, `ty` and (normalised) `value`, with the rest of its members:
/// category, flags, comment, times, tags and sightings.
fn read_attribute_fields(
    f: &Fields<'_>,
    uuid: Uuid,
    ty: AttrType,
    value: String,
    ctx: &mut Context<'_>,
) -> Attribute {
    let mut tags = TagSet::default();
    tags.add_tags(f, ctx);
    tags.add_galaxies(f, ctx);
    if f.get("data").is_some_and(|data| data.as_str().is_none_or(|s| !s.is_empty())) {
        ctx.report.count("misp: attachment data not kept", 1);
    }
    Attribute {
        uuid,
        attr_type: ty,
        category: category(f, ty, ctx),
        value,
        to_ids: f.flag("to_ids", ctx).unwrap_or_else(|| ty.default_to_ids()),
        comment: f.text_or_empty("comment", ctx),
        first_seen: f.time("first_seen", ctx),
        last_seen: f.time("last_seen", ctx),
        timestamp: f.time("timestamp", ctx),
        tags: tags.tags,
        deleted: f.flag("deleted", ctx).unwrap_or(false),
        disable_correlation: f.flag("disable_correlation", ctx).unwrap_or(false),
        object: None,
        sightings: read_sightings(f, ctx),
    }
}

/// The `Sighting` array; a sighting without a valid date or with an unknown type is
/// ignored with a warning.
fn read_sightings(f: &Fields<'_>, ctx: &mut Context<'_>) -> Vec<Sighting> {
    let at = f.at("Sighting");
    let mut sightings = Vec::new();
    for (i, item) in f.array("Sighting", ctx).iter().enumerate() {
        let Some(s) = Fields::of(item, index(&at, i)) else { continue };
        let Some(timestamp) = s.time("date_sighting", ctx) else {
            ctx.warn(s.pos("date_sighting"), "a sighting without a date; ignored");
            continue;
        };
        let code = s.code("type", ctx).unwrap_or(0);
        let Some(kind) = SightingKind::from_code(code) else {
            let message = format!("expected a sighting type from 0 to 2, found {code}; ignored");
            ctx.warn(s.pos("type"), message);
            continue;
        };
        let source = sighting_source(&s, ctx);
        sightings.push(Sighting { timestamp, kind, source });
    }
    sightings
}

/// Who saw it: the sighting's `Organisation.name`, else its `source`.
fn sighting_source(s: &Fields<'_>, ctx: &mut Context<'_>) -> Option<String> {
    let org = s.object("Organisation", ctx).map(|org| org.text_or_empty("name", ctx));
    let org = org.filter(|name| !name.is_empty());
    org.or_else(|| s.text("source", ctx).map(|t| t.into_owned()).filter(|t| !t.is_empty()))
}

/// The `Object` array: objects and their attributes. A deleted object's attributes are
/// flagged deleted.
fn read_objects(
    f: &Fields<'_>,
    event_uuid: Uuid,
    event: &mut Event,
    ctx: &mut Context<'_>,
) -> Result<(), ImportError> {
    let at = f.at("Object");
    for (i, item) in f.array("Object", ctx).iter().enumerate() {
        let Some(o) = Fields::of(item, index(&at, i)) else {
            let message = format!("expected an object, found {}; ignored", describe(item));
            ctx.warn(Position::pointer(index(&at, i)), message);
            continue;
        };
        let local = format!("Object/{i}/Attribute");
        let uuid = optional_uuid(&o, ctx).unwrap_or_else(|| {
            derived_uuid(&[b"misp-object", event_uuid.as_bytes(), local.as_bytes()])
        });
        let deleted = o.flag("deleted", ctx).unwrap_or(false);
        let references = o.array("ObjectReference", ctx).len() as u64;
        if references > 0 {
            ctx.report.count("misp: object references not kept", references);
        }
        event.objects.push(MispObject {
            uuid,
            name: o.text_or_empty("name", ctx),
            meta_category: o.text_or_empty("meta-category", ctx),
            comment: o.text_or_empty("comment", ctx),
        });
        let holder = Holder { event: event_uuid, object: Some((uuid, deleted)), local: &local };
        read_attribute_list(&o, holder, &mut event.attributes, ctx)?;
    }
    Ok(())
}

/// The `EventReport` array; deleted reports are dropped and counted.
fn read_reports(f: &Fields<'_>, ctx: &mut Context<'_>) -> Vec<EventReport> {
    let at = f.at("EventReport");
    let mut reports = Vec::new();
    for (i, item) in f.array("EventReport", ctx).iter().enumerate() {
        let Some(r) = Fields::of(item, index(&at, i)) else { continue };
        if r.flag("deleted", ctx).unwrap_or(false) {
            ctx.report.count("misp: deleted event reports dropped", 1);
            continue;
        }
        let name = r.text_or_empty("name", ctx);
        reports.push(EventReport { name, content: r.text_or_empty("content", ctx) });
    }
    reports
}
