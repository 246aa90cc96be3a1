//! Phase one: each STIX object, as it streams past, becomes a compact record.
//!
//! Records keep what events are assembled from (attributes, references, names), never the
//! raw JSON. References may point forward, so each STIX id gets a slot the first time it is
//! seen, as an object or as a reference, and records refer to slots by number.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use iocdb_model::{AttrType, Attribute, EventReport, Tag, Timestamp, normalize_value};
use serde_json::Value;
use uuid::Uuid;

use super::attributes::{self, Built, Carrier, Meta, push_tag, split_labels};
use super::fields::{Fields, kind_of};
use super::observable::Fact;
use super::observable::{OBSERVABLE_TYPES, Observable, dictionary_facts};
use super::pattern::{self, Comparison};
use crate::context::{Context, derived_uuid};
use crate::error::{ImportError, Position};

/// An index into [`Store::slots`].
pub(crate) type SlotId = u32;

/// The types whose name becomes a tag on the events that touch them.
const NAMED_TYPES: [&str; 6] =
    ["malware", "threat-actor", "intrusion-set", "attack-pattern", "campaign", "tool"];

/// The relationship types along which a named object tags an event.
const TAGGING_RELATIONSHIPS: [&str; 3] = ["indicates", "attributed-to", "uses"];

/// Pattern types whose rule text becomes an attribute of the same MISP type.
const RULE_PATTERN_TYPES: [&str; 4] = ["yara", "sigma", "snort", "suricata"];

/// The four TLP marking definitions (the same ids in STIX 2.0 and 2.1).
const TLP_MARKINGS: [(&str, &str); 4] = [
    ("marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", "tlp:white"),
    ("marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", "tlp:green"),
    ("marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", "tlp:amber"),
    ("marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", "tlp:red"),
];

/// A report or grouping: the makings of an event.
#[derive(Debug, Clone)]
pub(crate) struct Container {
    /// `name`.
    pub(crate) info: String,
    /// `created`, or `published`, as a day.
    pub(crate) date: Option<Timestamp>,
    /// `modified`.
    pub(crate) timestamp: Option<Timestamp>,
    /// `published`.
    pub(crate) publish_timestamp: Option<Timestamp>,
    /// The identity that created it.
    pub(crate) created_by: Option<SlotId>,
    /// `object_refs`.
    pub(crate) refs: Vec<SlotId>,
    /// Labels and TLP markings.
    pub(crate) tags: Vec<Tag>,
    /// Markings to resolve against marking-definition objects.
    pub(crate) markings: Vec<SlotId>,
    /// Description and external references.
    pub(crate) report: Option<EventReport>,
}

/// A STIX 2.1 observed-data: its metadata and the observables it refers to.
#[derive(Debug, Clone)]
pub(crate) struct Observed {
    /// What it says of its attributes.
    pub(crate) meta: Meta,
    /// `object_refs`.
    pub(crate) refs: Vec<SlotId>,
}

/// What phase one keeps of an object.
#[derive(Debug, Clone)]
pub(crate) enum Record {
    /// A report or grouping.
    Container(Box<Container>),
    /// Attributes ready-made (an indicator, a STIX 2.0 observed-data, a vulnerability):
    /// their index in [`Store::carriers`].
    Carrier(usize),
    /// A STIX 2.1 observed-data, whose observables are resolved at assembly.
    Observed(Box<Observed>),
    /// A top-level cyber observable (STIX 2.1).
    Observable(Observable),
    /// A malware, threat actor, intrusion set, attack pattern, campaign or tool: its tag.
    Tag(Tag),
    /// An identity's name.
    Identity(String),
    /// A marking definition's tag (`tlp:amber`), when it is a TLP marking.
    Marking(Option<Tag>),
    /// An object read that gives nothing by itself: a relationship, a skipped type.
    Other,
}

/// A STIX sighting, kept to become sightings of the attributes of what it saw.
#[derive(Debug, Clone)]
pub(crate) struct SightingOf {
    /// `sighting_of_ref`.
    pub(crate) target: SlotId,
    /// `last_seen`, else `first_seen`, else `created`.
    pub(crate) timestamp: Timestamp,
    /// `where_sighted_refs`: identities.
    pub(crate) sources: Vec<SlotId>,
}

/// One STIX id: the object, once it has been read.
#[derive(Debug)]
pub(crate) struct Slot {
    /// The STIX id.
    pub(crate) id: Rc<str>,
    /// The uuid part of the id (derived from the id when it is not a uuid).
    pub(crate) uuid: Uuid,
    /// The object's index in the input, once read.
    pub(crate) position: Option<u64>,
    /// `modified`, to keep the newest of several versions.
    pub(crate) modified: Option<Timestamp>,
    /// The record, once read.
    pub(crate) record: Option<Record>,
}

/// Everything phase one keeps.
#[derive(Debug, Default)]
pub(crate) struct Store {
    index: HashMap<Rc<str>, SlotId>,
    /// Every id seen, in order of first mention.
    pub(crate) slots: Vec<Slot>,
    /// `indicates`, `attributed-to` and `uses` relationships: source, target.
    pub(crate) relationships: Vec<(SlotId, SlotId)>,
    /// Ready-made attributes, apart so that assembly can move them into events.
    pub(crate) carriers: Vec<Option<Carrier>>,
    /// Sightings: of what, when, by whom.
    pub(crate) sightings: Vec<SightingOf>,
    /// The JSON pointer prefix of the objects (`/objects`, or empty).
    pub(crate) prefix: &'static str,
    /// Object types already warned about.
    warned: HashSet<String>,
}

impl Store {
    /// The slot of `id`, made on first mention.
    pub(crate) fn slot_for(&mut self, id: &str) -> SlotId {
        if let Some(&slot) = self.index.get(id) {
            return slot;
        }
        let slot = SlotId::try_from(self.slots.len()).unwrap_or(SlotId::MAX);
        let id: Rc<str> = Rc::from(id);
        self.slots.push(Slot {
            id: Rc::clone(&id),
            uuid: uuid_of(&id),
            position: None,
            modified: None,
            record: None,
        });
        self.index.insert(id, slot);
        slot
    }

    /// The slot of `id`, if it was ever mentioned.
    pub(crate) fn find(&self, id: &str) -> Option<SlotId> {
        self.index.get(id).copied()
    }

    /// The slot by number.
    pub(crate) fn slot(&self, slot: SlotId) -> Option<&Slot> {
        self.slots.get(slot as usize)
    }

    /// The record in a slot.
    pub(crate) fn record(&self, slot: SlotId) -> Option<&Record> {
        self.slot(slot).and_then(|s| s.record.as_ref())
    }

    /// The JSON pointer of the object in a slot.
    pub(crate) fn pointer(&self, slot: SlotId) -> String {
        let position = self.slot(slot).and_then(|s| s.position).unwrap_or_default();
        format!("{}/{position}", self.prefix)
    }

    /// Reads one object of the input: a bad one is skipped through `ctx`.
    pub(crate) fn add(
        &mut self,
        ctx: &mut Context<'_>,
        index: u64,
        prefix: &'static str,
        value: Value,
    ) -> Result<(), ImportError> {
        self.prefix = prefix;
        let pointer = format!("{prefix}/{index}");
        let Value::Object(map) = &value else {
            let err =
                ImportError::expected("a STIX object", kind_of(&value), Position::pointer(pointer));
            return ctx.skip(err);
        };
        let fields = Fields::new(map, pointer);
        match self.read(ctx, index, &fields) {
            Ok(()) => Ok(()),
            Err(err) => ctx.skip(err),
        }
    }

    fn read(
        &mut self,
        ctx: &mut Context<'_>,
        index: u64,
        fields: &Fields<'_>,
    ) -> Result<(), ImportError> {
        let object_type = fields.required_str("type")?;
        let id = fields.required_str("id")?;
        let record = self.record_of(ctx, object_type, id, fields)?;
        let modified = fields.time("modified").ok().flatten();
        let slot = self.slot_for(id);
        let Some(entry) = self.slots.get_mut(slot as usize) else { return Ok(()) };
        if entry.record.is_some() {
            if modified < entry.modified {
                ctx.report.count("stix: older versions ignored", 1);
                return Ok(());
            }
            ctx.report.count("stix: objects replaced by a newer version", 1);
        }
        entry.position = Some(index);
        entry.modified = modified;
        entry.record = Some(record);
        Ok(())
    }

    /// The record of an object.
    fn record_of(
        &mut self,
        ctx: &mut Context<'_>,
        object_type: &str,
        id: &str,
        fields: &Fields<'_>,
    ) -> Result<Record, ImportError> {
        let uuid = uuid_of(id);
        let record = match object_type {
            "report" | "grouping" => {
                Record::Container(Box::new(self.container(ctx, object_type, fields)?))
            }
            "indicator" => self.carrier(indicator(ctx, uuid, fields)?),
            "observed-data" => self.observed(ctx, uuid, fields)?,
            "vulnerability" => self.carrier(vulnerability(ctx, uuid, fields)?),
            "relationship" => {
                self.read_relationship(fields)?;
                Record::Other
            }
            "sighting" => {
                self.read_sighting(ctx, fields)?;
                Record::Other
            }
            "identity" => Record::Identity(fields.loose_str("name").unwrap_or_default().to_owned()),
            "marking-definition" => Record::Marking(marking_tag(id, fields)),
            t if NAMED_TYPES.contains(&t) => Record::Tag(named_tag(t, fields)?),
            t if OBSERVABLE_TYPES.contains(&t) => {
                let observable = Observable::from_map(t, fields.map());
                for (_, target) in &observable.refs {
                    self.slot_for(target);
                }
                Record::Observable(observable)
            }
            other => {
                self.skip_type(ctx, other, fields.pointer());
                Record::Other
            }
        };
        Ok(record)
    }

    /// Keeps ready-made attributes.
    fn carrier(&mut self, carrier: Carrier) -> Record {
        self.carriers.push(Some(carrier));
        Record::Carrier(self.carriers.len() - 1)
    }

    /// Counts an object type that is not imported, with one warning per type.
    fn skip_type(&mut self, ctx: &mut Context<'_>, object_type: &str, pointer: &str) {
        ctx.report.count(format!("stix: skipped {object_type}"), 1);
        if self.warned.insert(object_type.to_owned()) {
            let message = format!(
                "skipped object type {object_type}: iocdb does not import it (every one is \
                 counted in the report as \"stix: skipped {object_type}\")"
            );
            ctx.warn(Position::pointer(pointer), message);
        }
    }

    fn read_relationship(&mut self, fields: &Fields<'_>) -> Result<(), ImportError> {
        let kind = fields.required_str("relationship_type")?;
        let source = fields.required_str("source_ref")?;
        let target = fields.required_str("target_ref")?;
        if TAGGING_RELATIONSHIPS.contains(&kind) {
            let edge = (self.slot_for(source), self.slot_for(target));
            self.relationships.push(edge);
        }
        Ok(())
    }

    /// A sighting: sightings of the attributes of what it saw, and a link (for tags)
    /// between what it saw and the observed-data it cites.
    fn read_sighting(
        &mut self,
        ctx: &mut Context<'_>,
        fields: &Fields<'_>,
    ) -> Result<(), ImportError> {
        let target = self.slot_for(fields.required_str("sighting_of_ref")?);
        for observed in fields.str_list("observed_data_refs") {
            let edge = (target, self.slot_for(observed));
            self.relationships.push(edge);
        }
        let when =
            ["last_seen", "first_seen", "created"].iter().find_map(|key| time(ctx, fields, key));
        let sources =
            fields.str_list("where_sighted_refs").into_iter().map(|id| self.slot_for(id)).collect();
        if let Some(timestamp) = when {
            self.sightings.push(SightingOf { target, timestamp, sources });
        }
        Ok(())
    }

    fn container(
        &mut self,
        ctx: &mut Context<'_>,
        object_type: &str,
        fields: &Fields<'_>,
    ) -> Result<Container, ImportError> {
        let info = match object_type {
            "report" => fields.required_str("name")?.to_owned(),
            _ => fields.opt_str("name")?.unwrap_or("STIX grouping").to_owned(),
        };
        let refs = fields.required_refs("object_refs")?;
        let published = time(ctx, fields, "published");
        let created = time(ctx, fields, "created");
        let (mut tags, _) = split_labels(fields.str_list("labels"));
        let mut markings = Vec::new();
        for marking in fields.str_list("object_marking_refs") {
            match tlp_tag(marking) {
                Some(tag) => push_tag(&mut tags, tag),
                None => markings.push(self.slot_for(marking)),
            }
        }
        Ok(Container {
            date: created.or(published).map(day),
            timestamp: time(ctx, fields, "modified"),
            publish_timestamp: published,
            created_by: fields.opt_str("created_by_ref")?.map(|id| self.slot_for(id)),
            refs: refs.into_iter().map(|id| self.slot_for(id)).collect(),
            report: event_report(&info, fields),
            info,
            tags,
            markings,
        })
    }

    fn observed(
        &mut self,
        ctx: &mut Context<'_>,
        uuid: Uuid,
        fields: &Fields<'_>,
    ) -> Result<Record, ImportError> {
        let mut meta = common_meta(ctx, uuid, fields, fields.pointer().to_owned());
        meta.to_ids = false;
        meta.first_seen = time(ctx, fields, "first_observed");
        meta.last_seen = time(ctx, fields, "last_observed");
        meta.comment = fields.loose_str("x_misp_comment").unwrap_or_default().to_owned();
        if let Some(Value::Object(objects)) = fields.get("objects") {
            let facts = dictionary_facts(objects);
            let built = attributes::build(&meta, &facts, ctx)?;
            count_empty_observation(ctx, &built);
            return Ok(self.carrier(built.carrier));
        }
        let refs = match fields.required_refs("object_refs") {
            Ok(refs) => refs,
            Err(_) if fields.get("objects").is_some() => {
                let found = fields.get("objects").map_or("none", kind_of);
                return Err(fields.wrong("objects", "an object \"objects\"", found));
            }
            Err(err) => return Err(err),
        };
        let refs = refs.into_iter().map(|id| self.slot_for(id)).collect();
        Ok(Record::Observed(Box::new(Observed { meta, refs })))
    }
}

/// Counts an observation none of whose observables maps to a MISP type.
pub(crate) fn count_empty_observation(ctx: &mut Context<'_>, built: &Built) {
    if built.carrier.attributes.is_empty() {
        ctx.report.count("stix: observations without mapped observables", 1);
    }
}

/// The uuid part of a STIX id, or a uuid derived from the whole id when it has none.
pub(crate) fn uuid_of(id: &str) -> Uuid {
    id.rsplit_once("--")
        .and_then(|(_, tail)| Uuid::parse_str(tail).ok())
        .unwrap_or_else(|| derived_uuid(&[b"stix-id", id.as_bytes()]))
}

/// Midnight UTC of the day of `t`.
pub(crate) fn day(t: Timestamp) -> Timestamp {
    const MICROS_PER_DAY: i64 = 86_400_000_000;
    Timestamp(t.0.saturating_sub(t.0.rem_euclid(MICROS_PER_DAY)))
}

/// A timestamp property; an unreadable one is dropped with a warning.
fn time(ctx: &mut Context<'_>, fields: &Fields<'_>, key: &str) -> Option<Timestamp> {
    match fields.time(key) {
        Ok(t) => t,
        Err(message) => {
            ctx.report.count("stix: unreadable timestamps", 1);
            ctx.warn(Position::pointer(fields.pointer_to(key)), format!("{message}; ignored"));
            None
        }
    }
}

/// The tag of a TLP marking definition id.
fn tlp_tag(id: &str) -> Option<Tag> {
    TLP_MARKINGS.iter().find(|(known, _)| *known == id).map(|(_, tag)| Tag::new(*tag))
}

/// Tags from labels, kill-chain phases and TLP markings, and the MISP hints.
fn common_meta(ctx: &mut Context<'_>, uuid: Uuid, fields: &Fields<'_>, pointer: String) -> Meta {
    let (mut tags, mut hints) = split_labels(fields.str_list("labels"));
    if let Some(Value::Array(phases)) = fields.get("kill_chain_phases") {
        for phase in phases {
            let chain = phase.get("kill_chain_name").and_then(Value::as_str).unwrap_or_default();
            let name = phase.get("phase_name").and_then(Value::as_str).unwrap_or_default();
            if chain == "misp-category" {
                hints.category = hints.category.or(iocdb_model::Category::from_name(name));
            } else if !chain.is_empty() && !name.is_empty() {
                push_tag(&mut tags, Tag::new(format!("kill-chain:{chain}=\"{name}\"")));
            }
        }
    }
    for marking in fields.str_list("object_marking_refs") {
        if let Some(tag) = tlp_tag(marking) {
            push_tag(&mut tags, tag);
        }
    }
    let mut meta = Meta::bare(uuid, pointer);
    meta.timestamp = time(ctx, fields, "modified");
    meta.tags = tags;
    meta.hints = hints;
    meta
}

/// The attributes of an indicator.
fn indicator(
    ctx: &mut Context<'_>,
    uuid: Uuid,
    fields: &Fields<'_>,
) -> Result<Carrier, ImportError> {
    let pattern = fields.required_str("pattern")?;
    let pattern_type = fields.opt_str("pattern_type")?.unwrap_or("stix");
    let mut meta = common_meta(ctx, uuid, fields, fields.pointer_to("pattern"));
    for kind in fields.str_list("indicator_types") {
        push_tag(&mut meta.tags, Tag::new(kind));
    }
    meta.to_ids = true;
    meta.first_seen = time(ctx, fields, "valid_from");
    meta.last_seen = time(ctx, fields, "valid_until");
    meta.object_comment = pattern.to_owned();
    if pattern_type != "stix" {
        return rule_indicator(ctx, &meta, pattern_type, pattern, fields);
    }
    let parsed = pattern::parse(pattern);
    if parsed.fallback {
        ctx.report.count("stix: pattern fallbacks", 1);
    }
    let (facts, rest) = split_comparisons(&parsed.comparisons);
    meta.comment = indicator_comment(fields, &facts);
    let built = attributes::build(&meta, &facts, ctx)?;
    let mut carrier = built.carrier;
    let kept_whole = rest.is_empty() && built.unmapped.is_empty();
    if !kept_whole {
        report_unkept(ctx, &meta.pointer, &rest, &built.unmapped);
        keep_pattern(ctx, &meta, pattern, &mut carrier)?;
    } else if carrier.attributes.is_empty() && facts.is_empty() {
        ctx.report.count("stix: patterns without comparisons", 1);
        ctx.warn(
            Position::pointer(&meta.pointer),
            "no comparison found in the pattern; kept whole",
        );
        keep_pattern(ctx, &meta, pattern, &mut carrier)?;
    }
    Ok(carrier)
}

/// The comment of an indicator's attributes: its description, or its name when the name
/// says more than the value (Unit 42 names indicators by their value).
fn indicator_comment(fields: &Fields<'_>, facts: &[Fact]) -> String {
    if let Some(description) = fields.loose_str("description").filter(|d| !d.trim().is_empty()) {
        return description.to_owned();
    }
    match fields.loose_str("name") {
        Some(name) if !facts.iter().any(|f| f.value.eq_ignore_ascii_case(name.trim())) => {
            name.to_owned()
        }
        _ => String::new(),
    }
}

/// Splits comparisons into equality facts and the rest; type constraints
/// (`dst_ref.type = 'ipv4-addr'`) are neither.
fn split_comparisons(comparisons: &[Comparison]) -> (Vec<Fact>, Vec<&Comparison>) {
    let mut facts = Vec::new();
    let mut rest = Vec::new();
    for c in comparisons {
        let is_type_constraint = c.path == "type" || c.path.ends_with(".type");
        match c.equality_value() {
            Some(_) if is_type_constraint => {}
            Some(value) => {
                facts.push(Fact { object_type: c.object_type.clone(), path: c.path.clone(), value })
            }
            None => rest.push(c),
        }
    }
    (facts, rest)
}

/// Counts and warns about the comparisons of a pattern that did not become attributes.
fn report_unkept(ctx: &mut Context<'_>, pointer: &str, rest: &[&Comparison], unmapped: &[String]) {
    if !rest.is_empty() {
        ctx.report.count("stix: non-equality comparisons", rest.len() as u64);
        let mut operators: Vec<&str> =
            rest.iter().map(|c| if c.negated { "NOT" } else { c.operator.name() }).collect();
        operators.dedup();
        ctx.warn(
            Position::pointer(pointer),
            format!(
                "{} comparison(s) of the pattern are not plain equality ({}): the pattern is \
                 kept as a non-correlating stix2-pattern attribute",
                rest.len(),
                operators.join(", ")
            ),
        );
    }
    if !unmapped.is_empty() {
        ctx.report.count("stix: unmapped comparisons", unmapped.len() as u64);
        ctx.warn(
            Position::pointer(pointer),
            format!(
                "no MISP type for {}: the pattern is kept as a non-correlating stix2-pattern \
                 attribute",
                unmapped.join(", ")
            ),
        );
    }
}

/// Adds the whole pattern as a non-correlating `stix2-pattern` attribute.
fn keep_pattern(
    ctx: &mut Context<'_>,
    meta: &Meta,
    pattern: &str,
    carrier: &mut Carrier,
) -> Result<(), ImportError> {
    let Some(attr) = text_attribute(ctx, meta, "stix2-pattern", pattern)? else { return Ok(()) };
    let mut attr = attr;
    attr.disable_correlation = true;
    if !carrier.attributes.is_empty() {
        attr.uuid = derived_uuid(&[meta.uuid.as_bytes(), b"stix2-pattern", pattern.as_bytes()]);
    }
    carrier.attributes.push(attr);
    Ok(())
}

/// An attribute of a type given by name, its value normalised (a refused value is a bad
/// record).
fn text_attribute(
    ctx: &mut Context<'_>,
    meta: &Meta,
    type_name: &str,
    raw: &str,
) -> Result<Option<Attribute>, ImportError> {
    let Some(attr_type) = AttrType::from_name(type_name) else { return Ok(None) };
    match normalize_value(attr_type, raw) {
        Ok(value) => Ok(Some(attributes::attribute(meta, attr_type, &value))),
        Err(err) => {
            let kind = crate::error::ErrorKind::Value(err);
            ctx.skip(ctx.error(kind, Position::pointer(&meta.pointer)))?;
            Ok(None)
        }
    }
}

/// An indicator whose pattern is a YARA, Sigma, Snort or Suricata rule: one attribute of
/// that type; other pattern languages are skipped and counted.
fn rule_indicator(
    ctx: &mut Context<'_>,
    meta: &Meta,
    pattern_type: &str,
    pattern: &str,
    fields: &Fields<'_>,
) -> Result<Carrier, ImportError> {
    let mut meta = meta.clone();
    meta.comment =
        fields.loose_str("description").or(fields.loose_str("name")).unwrap_or_default().to_owned();
    if !RULE_PATTERN_TYPES.contains(&pattern_type) {
        ctx.report.count(format!("stix: skipped pattern_type {pattern_type}"), 1);
        ctx.warn(
            Position::pointer(fields.pointer_to("pattern_type")),
            format!("pattern_type {pattern_type} has no MISP attribute type; indicator skipped"),
        );
        return Ok(Carrier::default());
    }
    let attributes = text_attribute(ctx, &meta, pattern_type, pattern)?.into_iter().collect();
    Ok(Carrier { attributes, object: None })
}

/// A vulnerability: one `vulnerability` attribute, the CVE id when there is one.
fn vulnerability(
    ctx: &mut Context<'_>,
    uuid: Uuid,
    fields: &Fields<'_>,
) -> Result<Carrier, ImportError> {
    let name = fields.required_str("name")?;
    let mut meta = common_meta(ctx, uuid, fields, fields.pointer_to("name"));
    meta.comment = fields.loose_str("description").unwrap_or_default().to_owned();
    let value = cve_in(name).or_else(|| cve_reference(fields)).unwrap_or(name);
    let attributes = text_attribute(ctx, &meta, "vulnerability", value)?.into_iter().collect();
    Ok(Carrier { attributes, object: None })
}

/// A `CVE-YYYY-N...` id inside `text`.
fn cve_in(text: &str) -> Option<&str> {
    let upper = text.to_ascii_uppercase();
    let start = upper.find("CVE-")?;
    let tail = text.get(start..)?;
    let mut dashes = 0;
    let end = tail
        .char_indices()
        .skip(4)
        .find(|(_, c)| {
            if *c == '-' {
                dashes += 1;
                dashes > 1
            } else {
                !c.is_ascii_digit()
            }
        })
        .map_or(tail.len(), |(i, _)| i);
    let id = tail.get(..end)?;
    (id.len() >= 13 && dashes >= 1).then_some(id)
}

/// The CVE id of a `cve` external reference.
fn cve_reference<'v>(fields: &Fields<'v>) -> Option<&'v str> {
    let Some(Value::Array(refs)) = fields.get("external_references") else { return None };
    refs.iter()
        .filter(|r| r.get("source_name").and_then(Value::as_str) == Some("cve"))
        .find_map(|r| r.get("external_id").and_then(Value::as_str))
}

/// The tag a named object gives the events that touch it: `stix:malware="Emotet"`.
fn named_tag(object_type: &str, fields: &Fields<'_>) -> Result<Tag, ImportError> {
    let name = fields.required_str("name")?.trim().replace('"', "'");
    Ok(Tag::new(format!("stix:{object_type}=\"{name}\"")))
}

/// The tag of a marking definition: `tlp:<colour>` for TLP markings.
fn marking_tag(id: &str, fields: &Fields<'_>) -> Option<Tag> {
    if let Some(tag) = tlp_tag(id) {
        return Some(tag);
    }
    let tlp = fields.get("definition").and_then(|d| d.get("tlp")).and_then(Value::as_str);
    let is_tlp = fields.loose_str("definition_type") == Some("tlp");
    tlp.filter(|_| is_tlp).map(|colour| Tag::new(format!("tlp:{}", colour.to_ascii_lowercase())))
}

/// A report's description and external references, as the event's free-text report.
fn event_report(name: &str, fields: &Fields<'_>) -> Option<EventReport> {
    let mut content = fields.loose_str("description").unwrap_or_default().trim().to_owned();
    if let Some(Value::Array(refs)) = fields.get("external_references") {
        let urls: Vec<&str> = refs.iter().filter_map(|r| r.get("url")?.as_str()).collect();
        if !urls.is_empty() {
            if !content.is_empty() {
                content.push_str("\n\n");
            }
            content.push_str("References:");
            for url in urls {
                content.push_str("\n- ");
                content.push_str(url.trim());
            }
        }
    }
    (!content.is_empty()).then(|| EventReport { name: name.to_owned(), content })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cve_ids() {
        assert_eq!(cve_in("CVE-2021-35394"), Some("CVE-2021-35394"));
        assert_eq!(cve_in("Realtek CVE-2021-35394 exploit"), Some("CVE-2021-35394"));
        assert_eq!(cve_in("cve-2017-0199: XLS"), Some("cve-2017-0199"));
        assert_eq!(cve_in("CVE-"), None);
        assert_eq!(cve_in("no id"), None);
    }

    #[test]
    fn days() {
        let t = Timestamp::parse("2021-04-19T21:56:12.713Z").expect("valid");
        assert_eq!(day(t), Timestamp::parse("2021-04-19").expect("valid"));
    }

    #[test]
    fn uuids_of_ids() {
        let id = "report--bce9ad6c-c8c2-4c53-a6f1-96cf0c8b0f67";
        assert_eq!(uuid_of(id).to_string(), "bce9ad6c-c8c2-4c53-a6f1-96cf0c8b0f67");
        assert_eq!(uuid_of("x--not-a-uuid"), uuid_of("x--not-a-uuid"));
    }
}
