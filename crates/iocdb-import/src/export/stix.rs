//! STIX 2.1 export: events to one bundle that [`crate::stix::decode`] reads back.
//!
//! Per event:
//!
//! - a `report` with the id `report--<event uuid>`: `name` = info, `created` = date,
//!   `modified` = timestamp, `published` = publish timestamp (else the date), `labels` =
//!   event tags, `description` = the event reports, `created_by_ref` = an `identity` for
//!   the creator org;
//! - an `indicator` (`indicator--<attribute uuid>`, pattern type `stix`) for every
//!   attribute meant for detection (`to_ids`), its pattern one comparison with `'` and `\`
//!   escaped (`[ipv4-addr:value = '1.2.3.4']`), two for a composite; `valid_from` = first
//!   seen (else the event date), `valid_until` = last seen, `description` = comment;
//! - for the other attributes, an `observed-data` (`observed-data--<attribute uuid>`)
//!   with the cyber observables that carry the value, or the bare observable (its id
//!   `<type>--<attribute uuid>`) when the attribute says nothing besides its value;
//! - attributes grouped in a MISP object become one indicator or observed-data whose id
//!   is the object's uuid;
//! - a `vulnerability` per `vulnerability` attribute; a YARA, Sigma, Snort or Suricata
//!   rule becomes an indicator of that pattern type, a `stix2-pattern` an indicator with
//!   that pattern.
//!
//! Labels `misp:type="..."` and `misp:category="..."` carry the MISP type and category
//! (as MISP's own STIX export writes them), so an `ip-src` or a `hostname` comes back as
//! such. Import of the bundle gives back the same events: uuids, types, values, categories,
//! `to_ids`, comments, first and last seen, tags, MISP objects.
//!
//! What STIX cannot carry: attributes of types without a STIX representation (`text`,
//! `comment`, `link`, ... — counted in [`ExportStats::skipped`]); threat level, analysis
//! and distribution; an indicator must have `valid_from`, so a `to_ids` attribute without a
//! first-seen time comes back with the event date; a report must be `published`, so an
//! unpublished event comes back published at its date; a report must have `created`, so an
//! event without a date comes back dated 1970-01-01; a vulnerability has no first or last
//! seen.

use std::collections::{BTreeMap, HashSet};
use std::io::{self, Write};

use iocdb_model::{Attribute, Event, MispObject, Timestamp, split_composite};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::context::derived_uuid;
use crate::stix::mapping::{
    Literal, StixPath, attr_types, canonical_path, composite_paths, pattern_path, stix_path,
    template,
};
use crate::stix::pattern::quote;

/// What [`write_bundle`] wrote and what it could not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportStats {
    /// STIX objects written.
    pub objects: u64,
    /// Attributes not written, by MISP type: STIX has no representation for them.
    pub skipped: BTreeMap<String, u64>,
}

/// Writes `events` as one STIX 2.1 bundle, one object per line.
///
/// # Errors
///
/// Only the writer's.
pub fn write_bundle(events: &[Event], mut out: impl Write) -> io::Result<ExportStats> {
    let mut stats = ExportStats::default();
    let ids: Vec<&[u8]> = events.iter().map(|e| e.uuid.as_bytes().as_slice()).collect();
    let mut parts: Vec<&[u8]> = vec![b"stix-export"];
    parts.extend(ids);
    let bundle = derived_uuid(&parts);
    write!(out, "{{\"type\":\"bundle\",\"id\":\"bundle--{bundle}\",\"objects\":[")?;
    let mut identities = HashSet::new();
    let mut first = true;
    for event in events {
        for object in event_objects(event, &mut identities, &mut stats) {
            out.write_all(if first { b"\n" } else { b",\n" })?;
            serde_json::to_writer(&mut out, &object)?;
            stats.objects += 1;
            first = false;
        }
    }
    out.write_all(b"\n]}\n")?;
    Ok(stats)
}

/// The STIX objects of one event: the report first, then what it refers to.
fn event_objects(
    event: &Event,
    identities: &mut HashSet<Uuid>,
    stats: &mut ExportStats,
) -> Vec<Value> {
    let created = event_time(event);
    let mut objects = Vec::new();
    let mut refs = Vec::new();
    let identity = event.orgc.as_ref().map(|org| {
        let uuid = org.uuid.unwrap_or_else(|| derived_uuid(&[b"org", org.name.as_bytes()]));
        let id = format!("identity--{uuid}");
        if identities.insert(uuid) {
            objects.push(json!({
                "type": "identity", "spec_version": "2.1", "id": id,
                "created": stix_time(created), "modified": stix_time(created),
                "name": org.name, "identity_class": "organization",
            }));
        }
        id
    });
    for group in groups(event) {
        let mut written = group_objects(event, &group, stats);
        refs.extend(written.iter().filter_map(|o| o.get("id")).cloned());
        objects.append(&mut written);
    }
    let mut report = Map::new();
    report.insert("type".into(), json!("report"));
    report.insert("spec_version".into(), json!("2.1"));
    report.insert("id".into(), json!(format!("report--{}", event.uuid)));
    // Import reads the event date from `created`.
    let day = event.date.unwrap_or(created);
    report.insert("created".into(), json!(stix_time(day)));
    report.insert("modified".into(), json!(stix_time(event.timestamp.unwrap_or(day).max(day))));
    report.insert("name".into(), json!(event.info));
    report.insert("report_types".into(), json!(["threat-report"]));
    let published = event.publish_timestamp.or(event.date).unwrap_or(created);
    report.insert("published".into(), json!(stix_time(published)));
    if let Some(id) = identity {
        report.insert("created_by_ref".into(), json!(id));
    }
    let description: Vec<&str> = event.reports.iter().map(|r| r.content.as_str()).collect();
    if !description.is_empty() {
        report.insert("description".into(), json!(description.join("\n\n")));
    }
    if !event.tags.is_empty() {
        let labels: Vec<&str> = event.tags.iter().map(|t| t.name.as_str()).collect();
        report.insert("labels".into(), json!(labels));
    }
    report.insert("object_refs".into(), Value::Array(refs));
    let mut all = vec![Value::Object(report)];
    all.append(&mut objects);
    all
}

/// The time written where STIX requires one and the event has none of its own.
fn event_time(event: &Event) -> Timestamp {
    event.timestamp.or(event.date).or(event.publish_timestamp).unwrap_or(Timestamp(0))
}

/// A timestamp as STIX writes it: RFC 3339 in UTC with at least milliseconds.
fn stix_time(t: Timestamp) -> String {
    let text = t.to_rfc3339();
    match text.strip_suffix('Z') {
        Some(head) if !head.contains('.') => format!("{head}.000Z"),
        _ => text,
    }
}

/// Attributes exported together: those of one MISP object, or one attribute alone.
struct Group<'e> {
    attributes: Vec<&'e Attribute>,
    object: Option<&'e MispObject>,
}

impl Group<'_> {
    fn uuid(&self) -> Uuid {
        match (self.object, self.attributes.first()) {
            (Some(object), _) => object.uuid,
            (None, Some(attr)) => attr.uuid,
            (None, None) => Uuid::nil(),
        }
    }
}

/// The event's attributes grouped by MISP object, in order of first appearance.
fn groups(event: &Event) -> Vec<Group<'_>> {
    let mut out: Vec<Group<'_>> = Vec::new();
    for attr in &event.attributes {
        let object =
            attr.object.as_ref().and_then(|r| event.objects.iter().find(|o| o.uuid == r.uuid));
        match object {
            Some(object) => {
                match out.iter_mut().find(|g| g.object.is_some_and(|o| o.uuid == object.uuid)) {
                    Some(group) => group.attributes.push(attr),
                    None => out.push(Group { attributes: vec![attr], object: Some(object) }),
                }
            }
            None => out.push(Group { attributes: vec![attr], object: None }),
        }
    }
    out
}

/// One comparison: where a value goes, and the value.
struct Placed<'a> {
    /// The observable type.
    object_type: String,
    /// The path in pattern syntax.
    path: String,
    /// How the value is written.
    literal: Literal,
    value: &'a str,
}

impl<'a> Placed<'a> {
    fn new(path: StixPath, value: &'a str) -> Self {
        Placed {
            object_type: path.object_type.to_owned(),
            path: path.path.to_owned(),
            literal: path.literal,
            value,
        }
    }
}

/// The STIX objects of a group: an indicator for its attributes meant for detection, an
/// observation for the others (both with the group's uuid, as MISP's export does).
fn group_objects(event: &Event, group: &Group<'_>, stats: &mut ExportStats) -> Vec<Value> {
    if let [attr] = group.attributes.as_slice()
        && let Some(special) = special_object(event, attr)
    {
        return vec![special];
    }
    let (detect, observe): (Vec<&Attribute>, Vec<&Attribute>) =
        group.attributes.iter().partition(|a| a.to_ids);
    let mut out = Vec::new();
    for (attributes, to_ids) in [(detect, true), (observe, false)] {
        let part = Group { attributes, object: group.object };
        let mut placed = Vec::new();
        for attr in &part.attributes {
            match places(attr) {
                Some(mut p) => placed.append(&mut p),
                None => *stats.skipped.entry(attr.attr_type.name().to_owned()).or_insert(0) += 1,
            }
        }
        if placed.is_empty() {
            continue;
        }
        if to_ids {
            out.push(indicator(event, &part, &placed));
        } else {
            out.extend(observation(event, &part, &placed));
        }
    }
    out
}

/// Where each value of an attribute goes (two places for a composite). An attribute of a
/// MISP object read from STIX goes back where it was read (its relation,
/// `network-traffic:src_port`), so that the object's observable comes back whole.
fn places(attr: &Attribute) -> Option<Vec<Placed<'_>>> {
    let name = attr.attr_type.name();
    if attr.attr_type.is_composite() {
        let (first, second) = split_composite(attr.attr_type, &attr.value);
        let [p1, p2] = composite_paths(name)?;
        return Some(vec![Placed::new(p1, first), Placed::new(p2, second?)]);
    }
    let path = stix_path(name, &attr.value);
    let read_at = attr.object.as_ref().and_then(|o| o.relation.split_once(':'));
    if let Some((object_type, canonical)) = read_at
        && attr_types(object_type, canonical).contains(&name)
    {
        return Some(vec![Placed {
            object_type: object_type.to_owned(),
            path: pattern_path(object_type, canonical),
            literal: path.map_or(Literal::Text, |p| p.literal),
            value: &attr.value,
        }]);
    }
    Some(vec![Placed::new(path?, &attr.value)])
}

/// Vulnerabilities, detection rules and STIX patterns, which are objects of their own.
fn special_object(event: &Event, attr: &Attribute) -> Option<Value> {
    let name = attr.attr_type.name();
    let mut object = match name {
        "vulnerability" => {
            let mut o = common(event, "vulnerability", attr.uuid, &[attr], None);
            o.insert("name".into(), json!(attr.value));
            if attr.value.to_ascii_uppercase().starts_with("CVE-") {
                let reference = json!([{"source_name": "cve", "external_id": attr.value}]);
                o.insert("external_references".into(), reference);
            }
            if !attr.comment.is_empty() {
                o.insert("description".into(), json!(attr.comment));
            }
            o
        }
        "yara" | "sigma" | "snort" | "suricata" | "stix2-pattern" => {
            let pattern_type = if name == "stix2-pattern" { "stix" } else { name };
            let group = Group { attributes: vec![attr], object: None };
            let mut o = indicator_base(event, &group);
            o.insert("pattern".into(), json!(attr.value));
            o.insert("pattern_type".into(), json!(pattern_type));
            o
        }
        _ => return None,
    };
    object.insert("spec_version".into(), json!("2.1"));
    Some(Value::Object(object))
}

/// The properties every exported SDO has: type, id, times, labels.
fn common(
    event: &Event,
    object_type: &str,
    uuid: Uuid,
    attributes: &[&Attribute],
    object: Option<&MispObject>,
) -> Map<String, Value> {
    let time =
        attributes.iter().filter_map(|a| a.timestamp).max().unwrap_or_else(|| event_time(event));
    let mut o = Map::new();
    o.insert("type".into(), json!(object_type));
    o.insert("spec_version".into(), json!("2.1"));
    o.insert("id".into(), json!(format!("{object_type}--{uuid}")));
    o.insert("created".into(), json!(stix_time(time)));
    o.insert("modified".into(), json!(stix_time(time)));
    let labels = labels(attributes, object);
    if !labels.is_empty() {
        o.insert("labels".into(), json!(labels));
    }
    o
}

/// MISP hints and tags: `misp:type` and `misp:category` for one attribute, `misp:name`
/// and `misp:meta-category` for an object, then the attributes' tags.
fn labels(attributes: &[&Attribute], object: Option<&MispObject>) -> Vec<String> {
    let mut labels = Vec::new();
    match (object, attributes) {
        (Some(object), _) => {
            labels.push(format!("misp:name=\"{}\"", object.name));
            labels.push(format!("misp:meta-category=\"{}\"", object.meta_category));
        }
        (None, [attr]) => labels.push(format!("misp:type=\"{}\"", attr.attr_type.name())),
        (None, _) => {}
    }
    if let Some(attr) = attributes.first()
        && attributes.iter().all(|a| a.category == attr.category)
    {
        labels.push(format!("misp:category=\"{}\"", attr.category.name()));
    }
    for attr in attributes {
        for tag in &attr.tags {
            if !labels.contains(&tag.name) {
                labels.push(tag.name.clone());
            }
        }
    }
    labels
}

/// An indicator's properties besides its pattern.
fn indicator_base(event: &Event, group: &Group<'_>) -> Map<String, Value> {
    let attrs = &group.attributes;
    let mut o = common(event, "indicator", group.uuid(), attrs, group.object);
    let first_seen = attrs.iter().filter_map(|a| a.first_seen).min();
    let valid_from = first_seen.or(event.date).unwrap_or_else(|| event_time(event));
    o.insert("valid_from".into(), json!(stix_time(valid_from)));
    if let Some(last_seen) = attrs.iter().filter_map(|a| a.last_seen).max() {
        o.insert("valid_until".into(), json!(stix_time(last_seen)));
    }
    if let Some(comment) = attrs.first().map(|a| a.comment.as_str()).filter(|c| !c.is_empty()) {
        o.insert("description".into(), json!(comment));
    }
    o
}

/// An indicator whose pattern compares every value of the group.
fn indicator(event: &Event, group: &Group<'_>, placed: &[Placed<'_>]) -> Value {
    let comparisons: Vec<String> = placed.iter().map(comparison).collect();
    let mut o = indicator_base(event, group);
    o.insert("pattern".into(), json!(format!("[{}]", comparisons.join(" AND "))));
    o.insert("pattern_type".into(), json!("stix"));
    o.insert("pattern_version".into(), json!("2.1"));
    Value::Object(o)
}

/// `object-type:path = literal`.
fn comparison(placed: &Placed<'_>) -> String {
    let literal = match (placed.literal, integer_of(placed.value)) {
        (Literal::Integer, Some(n)) => n.to_string(),
        _ => quote(placed.value),
    };
    format!("{}:{} = {literal}", placed.object_type, placed.path)
}

/// The integer a value holds (`AS174` holds 174).
fn integer_of(value: &str) -> Option<u64> {
    let digits = value.strip_prefix("AS").or_else(|| value.strip_prefix("as")).unwrap_or(value);
    digits.parse().ok()
}

/// Observables for attributes not meant for detection: the bare observable when the
/// attribute says nothing but its value, an observed-data around them otherwise.
fn observation(event: &Event, group: &Group<'_>, placed: &[Placed<'_>]) -> Vec<Value> {
    let uuid = group.uuid();
    if is_bare(group, placed) {
        return observables(uuid, placed, true);
    }
    if let Some(alternative) = bare_alternative(group) {
        return observables(uuid, &[alternative], true);
    }
    let observables = observables(uuid, placed, false);
    let refs: Vec<Value> = observables.iter().filter_map(|o| o.get("id")).cloned().collect();
    let attrs = &group.attributes;
    let mut o = common(event, "observed-data", uuid, attrs, group.object);
    let first = attrs.iter().filter_map(|a| a.first_seen).min();
    let last = attrs.iter().filter_map(|a| a.last_seen).max();
    let first = first.or(last).or(event.date).unwrap_or_else(|| event_time(event));
    o.insert("first_observed".into(), json!(stix_time(first)));
    o.insert("last_observed".into(), json!(stix_time(last.unwrap_or(first))));
    o.insert("number_observed".into(), json!(1));
    o.insert("object_refs".into(), Value::Array(refs));
    if let Some(comment) = attrs.first().map(|a| a.comment.as_str()).filter(|c| !c.is_empty()) {
        o.insert("x_misp_comment".into(), json!(comment));
    }
    let mut out = vec![Value::Object(o)];
    out.extend(observables);
    out
}

/// Whether a group is exactly what bare observables read back as: one attribute, or a
/// MISP object of one observable as import makes them, saying nothing but values.
fn is_bare(group: &Group<'_>, placed: &[Placed<'_>]) -> bool {
    let Some(first) = placed.first() else { return false };
    let one_root = placed.iter().all(|p| p.object_type == first.object_type);
    let shape = match (group.object, group.attributes.as_slice()) {
        (None, [_]) => placed.len() == 1,
        (Some(object), attrs) => {
            let (name, meta_category) = template(Some(&first.object_type));
            attrs.len() > 1
                && object.name == name
                && object.meta_category == meta_category
                && object.comment.is_empty()
        }
        (None, _) => false,
    };
    shape && one_root && group.attributes.iter().zip(placed).all(|(a, p)| says_only_value(a, p))
}

/// A host name or source address alone is a bare observable at another path than the
/// usual one (where import would read a domain, a destination): a network-traffic's
/// destination or source.
fn bare_alternative<'a>(group: &Group<'a>) -> Option<Placed<'a>> {
    let ([attr], None) = (group.attributes.as_slice(), group.object) else { return None };
    let path = match attr.attr_type.name() {
        "hostname" => "dst_ref.value",
        "ip-src" => "src_ref.value",
        _ => return None,
    };
    let placed = Placed {
        object_type: "network-traffic".to_owned(),
        path: path.to_owned(),
        literal: Literal::Text,
        value: &attr.value,
    };
    says_only_value(attr, &placed).then_some(placed)
}

/// Whether an attribute carries nothing but its value, typed as import types its path.
fn says_only_value(attr: &Attribute, placed: &Placed<'_>) -> bool {
    !attr.attr_type.is_composite()
        && reads_back_as(placed) == Some(attr.attr_type)
        && attr.first_seen.is_none()
        && attr.last_seen.is_none()
        && attr.timestamp.is_none()
        && attr.tags.is_empty()
        && attr.comment.is_empty()
        && attr.category == attr.attr_type.default_category()
        && !attr.disable_correlation
}

/// The type import gives a value at a path: the first of the path's types that takes it.
fn reads_back_as(placed: &Placed<'_>) -> Option<iocdb_model::AttrType> {
    attr_types(&placed.object_type, &canonical_path(&placed.path))
        .iter()
        .filter_map(|name| iocdb_model::AttrType::from_name(name))
        .find(|ty| iocdb_model::normalize_value(*ty, placed.value).is_ok())
}

/// The cyber observables holding the placed values: one per object type, plus the
/// observables they refer to (an `email-addr` for `from_ref.value`). With `bare`, the
/// first one's id is `<type>--<uuid>`.
fn observables(uuid: Uuid, placed: &[Placed<'_>], bare: bool) -> Vec<Value> {
    let mut roots: Vec<(&str, Map<String, Value>)> = Vec::new();
    let mut children: Vec<Value> = Vec::new();
    for p in placed {
        let object_type = p.object_type.as_str();
        let index = match roots.iter().position(|(t, _)| *t == object_type) {
            Some(i) => i,
            None => {
                let id = if bare && roots.is_empty() {
                    format!("{object_type}--{uuid}")
                } else {
                    format!(
                        "{object_type}--{}",
                        derived_uuid(&[uuid.as_bytes(), object_type.as_bytes()])
                    )
                };
                let mut map = Map::new();
                map.insert("type".into(), json!(object_type));
                map.insert("spec_version".into(), json!("2.1"));
                map.insert("id".into(), json!(id));
                // Properties STIX 2.1 requires of these types.
                if object_type == "network-traffic" {
                    map.insert("protocols".into(), json!(["tcp"]));
                }
                if object_type == "email-message" {
                    map.insert("is_multipart".into(), json!(false));
                }
                roots.push((object_type, map));
                roots.len() - 1
            }
        };
        if let Some((_, map)) = roots.get_mut(index) {
            insert_path(map, p, uuid, &mut children);
        }
    }
    roots.into_iter().map(|(_, map)| Value::Object(map)).chain(children).collect()
}

/// Sets one value in an observable, following the pattern path; a `_ref` or `_refs`
/// component makes a child observable.
fn insert_path(
    map: &mut Map<String, Value>,
    placed: &Placed<'_>,
    uuid: Uuid,
    children: &mut Vec<Value>,
) {
    let components = split_path(&placed.path);
    let value = match (placed.literal, integer_of(placed.value)) {
        (Literal::Integer, Some(n)) => json!(n),
        _ => json!(placed.value),
    };
    let mut current = map;
    let mut iter = components.iter().peekable();
    while let Some(component) = iter.next() {
        let (name, list) = match component.strip_suffix("[*]") {
            Some(name) => (name, true),
            None => (component.as_str(), false),
        };
        if iter.peek().is_none() {
            current.insert(name.to_owned(), value);
            return;
        }
        if name.ends_with("_ref") || name.ends_with("_refs") {
            let rest: Vec<&String> = iter.collect();
            let known = current.get(name).and_then(Value::as_str).filter(|_| !list);
            // A second property of a single reference (`from_ref.display_name` after
            // `from_ref.value`) goes in the observable it already points to.
            if let Some(known) = known
                && let Some(child) = children.iter_mut().find(|c| c["id"] == known)
                && let (Some(map), Some(last)) = (child.as_object_mut(), rest.last())
            {
                map.insert((*last).clone(), json!(placed.value));
                return;
            }
            let child_type = child_type(name, placed.value);
            let child_id = format!(
                "{child_type}--{}",
                derived_uuid(&[uuid.as_bytes(), name.as_bytes(), placed.value.as_bytes()])
            );
            let mut child = Map::new();
            child.insert("type".into(), json!(child_type));
            child.insert("spec_version".into(), json!("2.1"));
            child.insert("id".into(), json!(child_id));
            if let Some(last) = rest.last() {
                child.insert((*last).clone(), json!(placed.value));
            }
            children.push(Value::Object(child));
            if list {
                let entry = current.entry(name.to_owned()).or_insert_with(|| json!([]));
                if let Some(items) = entry.as_array_mut() {
                    items.push(json!(child_id));
                }
            } else {
                current.insert(name.to_owned(), json!(child_id));
            }
            return;
        }
        let entry = if list {
            // A list of objects (`body_multipart[*]`): this value goes in a new element.
            let list = current.entry(name.to_owned()).or_insert_with(|| json!([]));
            if !list.is_array() {
                *list = json!([]);
            }
            let Some(items) = list.as_array_mut() else { return };
            items.push(json!({}));
            let Some(last) = items.last_mut() else { return };
            last
        } else {
            let entry = current.entry(name.to_owned()).or_insert_with(|| json!({}));
            if !entry.is_object() {
                *entry = json!({});
            }
            entry
        };
        let Some(next) = entry.as_object_mut() else { return };
        current = next;
    }
}

/// The type of the observable a reference points to.
fn child_type(reference: &str, value: &str) -> &'static str {
    match reference {
        "dst_ref" | "src_ref" | "resolves_to_refs" => {
            if value.parse::<std::net::Ipv4Addr>().is_ok()
                || value.contains('/') && !value.contains(':')
            {
                "ipv4-addr"
            } else if value.contains(':') {
                "ipv6-addr"
            } else {
                "domain-name"
            }
        }
        "image_ref" | "body_raw_ref" => "file",
        _ => "email-addr",
    }
}

/// The components of a pattern path, quotes removed (`hashes.'SHA-256'` → `hashes`,
/// `SHA-256`).
fn split_path(path: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in path.chars() {
        match c {
            '\'' => quoted = !quoted,
            '.' if !quoted => parts.push(std::mem::take(&mut current)),
            c => current.push(c),
        }
    }
    parts.push(current);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stix_times_have_milliseconds() {
        assert_eq!(stix_time(Timestamp(0)), "1970-01-01T00:00:00.000Z");
        assert_eq!(stix_time(Timestamp(1_500)), "1970-01-01T00:00:00.001500Z");
    }

    #[test]
    fn paths_split_on_unquoted_dots() {
        assert_eq!(
            split_path("extensions.'http-request-ext'.request_header.'User-Agent'"),
            ["extensions", "http-request-ext", "request_header", "User-Agent"]
        );
        assert_eq!(split_path("hashes.'SHA-256'"), ["hashes", "SHA-256"]);
    }

    #[test]
    fn integers() {
        assert_eq!(integer_of("AS174"), Some(174));
        assert_eq!(integer_of("8080"), Some(8080));
        assert_eq!(integer_of("x"), None);
    }
}
