//! Groups a feed's attributes into events, merges duplicates and derives uuids.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{BuildHasher, BuildHasherDefault, Hasher, RandomState};

use iocdb_model::{AttrType, Attribute, Event, MispObject, Timestamp};
use uuid::Uuid;

use super::{EventSplit, FeedOptions};
use crate::context::{Context, derived_uuid};
use crate::error::{ImportError, Position};

/// Which event an attribute goes to: the layout's event column, then the day.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct GroupKey {
    event: Option<String>,
    day: Option<String>,
}

/// "No next attribute" in [`Group::next`].
const END: usize = usize::MAX;

/// The attributes of one future event, in input order, without duplicates.
///
/// Duplicates are found through a hash table of their identity (type, value, object)
/// chained through `next`: the table maps a hash to the latest attribute with it, `next`
/// links each attribute to the previous one with the same hash. Keys are hashed once,
/// with a randomly keyed SipHash (no collision flooding), and no value is copied.
#[derive(Debug, Default)]
struct Group {
    attributes: Vec<Attribute>,
    explicit_uuid: Vec<bool>,
    heads: HashMap<u64, usize, BuildHasherDefault<Prehashed>>,
    next: Vec<usize>,
    hasher: RandomState,
    objects: Vec<MispObject>,
    object_uuids: HashSet<Uuid>,
}

impl Group {
    fn add(&mut self, attribute: Attribute, explicit_uuid: bool, object: Option<MispObject>) {
        if let Some(object) = object
            && self.object_uuids.insert(object.uuid)
        {
            self.objects.push(object);
        }
        let hash = self.hasher.hash_one(identity(&attribute));
        let head = self.heads.get(&hash).copied().unwrap_or(END);
        let mut at = head;
        while let Some(kept) = self.attributes.get_mut(at) {
            if identity(kept) == identity(&attribute) {
                merge(kept, attribute);
                return;
            }
            at = self.next.get(at).copied().unwrap_or(END);
        }
        self.heads.insert(hash, self.attributes.len());
        self.next.push(head);
        self.attributes.push(attribute);
        self.explicit_uuid.push(explicit_uuid);
    }
}

/// What makes two attributes of one event the same.
fn identity(attribute: &Attribute) -> (AttrType, &str, Option<Uuid>) {
    (attribute.attr_type, &attribute.value, attribute.object.as_ref().map(|o| o.uuid))
}

/// A hasher for keys that are already hashes.
#[derive(Debug, Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(byte);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Folds a duplicate into the attribute kept: earliest first sighting, latest last
/// sighting and modification, tags united, the first non-empty comment.
fn merge(kept: &mut Attribute, dup: Attribute) {
    kept.first_seen = min_some(kept.first_seen, dup.first_seen);
    kept.last_seen = kept.last_seen.max(dup.last_seen);
    kept.timestamp = kept.timestamp.max(dup.timestamp);
    for tag in dup.tags {
        if !kept.tags.contains(&tag) {
            kept.tags.push(tag);
        }
    }
    if kept.comment.is_empty() {
        kept.comment = dup.comment;
    }
    kept.to_ids |= dup.to_ids;
}

fn min_some(a: Option<Timestamp>, b: Option<Timestamp>) -> Option<Timestamp> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// An attribute of `attr_type` holding `value` (normalised), with the type's default
/// category and `to_ids` and a nil uuid, set when its event is built. (`Attribute::new`
/// draws a random uuid: a system call per attribute, a third of the decoding time.)
pub(crate) fn new_attribute(attr_type: AttrType, value: String) -> Attribute {
    Attribute::with_uuid(Uuid::nil(), attr_type, value)
}

/// Collects a feed's attributes, then emits its events.
#[derive(Debug)]
pub(crate) struct Collector {
    options: FeedOptions,
    groups: BTreeMap<GroupKey, Group>,
}

impl Collector {
    /// An empty collector for events described by `options`.
    pub(crate) fn new(options: &FeedOptions) -> Self {
        Collector { options: options.clone(), groups: BTreeMap::new() }
    }

    /// Adds an attribute to the event named `event` (or the file's event), and the MISP
    /// object it belongs to. `explicit_uuid`: the attribute's uuid came from the input.
    pub(crate) fn add(
        &mut self,
        event: Option<&str>,
        attribute: Attribute,
        explicit_uuid: bool,
        object: Option<MispObject>,
    ) {
        let day = match self.options.split {
            EventSplit::PerFile => None,
            EventSplit::PerDay => attribute.first_seen.map(Timestamp::date_string),
        };
        let key = GroupKey { event: event.map(str::to_owned), day };
        self.groups.entry(key).or_default().add(attribute, explicit_uuid, object);
    }

    /// Emits one event per group, in the order of their keys.
    pub(crate) fn finish(self, ctx: &mut Context<'_>) -> Result<(), ImportError> {
        if self.groups.is_empty() {
            ctx.report.count("feed: files without indicators", 1);
            ctx.warn(Position::default(), "no indicators found");
        }
        for (key, group) in self.groups {
            let event = build_event(&self.options, &key, group);
            ctx.emit(event)?;
        }
        Ok(())
    }
}

/// Turns a group into an event with content-derived uuids.
fn build_event(options: &FeedOptions, key: &GroupKey, group: Group) -> Event {
    let uuid = event_uuid(key, &group.attributes);
    let mut event = Event::new(uuid, event_info(options, key));
    event.date = event_date(key, &group.attributes);
    event.tags = options.tags.clone();
    event.objects = group.objects;
    event.attributes = group.attributes;
    for (attribute, explicit) in event.attributes.iter_mut().zip(group.explicit_uuid) {
        if !explicit {
            attribute.uuid = attribute_uuid(uuid, attribute);
        }
    }
    event
}

/// The uuid in the event column, or one derived from the key and the sorted set of
/// `(type, value)` pairs, so the same content always gives the same event.
fn event_uuid(key: &GroupKey, attributes: &[Attribute]) -> Uuid {
    let given = key.event.as_deref().and_then(|e| Uuid::parse_str(e.trim()).ok());
    if let (Some(uuid), None) = (given, &key.day) {
        return uuid;
    }
    let mut pairs: Vec<(&str, &str)> =
        attributes.iter().map(|a| (a.attr_type.name(), a.value.as_str())).collect();
    pairs.sort_unstable();
    pairs.dedup();
    let mut parts: Vec<&[u8]> = vec![b"feed-event"];
    parts.push(key.event.as_deref().unwrap_or("").as_bytes());
    parts.push(key.day.as_deref().unwrap_or("").as_bytes());
    for (ty, value) in pairs {
        parts.push(ty.as_bytes());
        parts.push(value.as_bytes());
    }
    derived_uuid(&parts)
}

/// An attribute's uuid: from its event, type, value and object.
fn attribute_uuid(event: Uuid, attribute: &Attribute) -> Uuid {
    let object = attribute.object.as_ref().map(|o| o.uuid);
    let object = object.as_ref().map_or(&[][..], |u| u.as_bytes().as_slice());
    let parts: [&[u8]; 4] = [
        event.as_bytes(),
        attribute.attr_type.name().as_bytes(),
        attribute.value.as_bytes(),
        object,
    ];
    derived_uuid(&parts)
}

/// The options' title, with the group's event key and day when there are several.
fn event_info(options: &FeedOptions, key: &GroupKey) -> String {
    let mut info = options.event_info.clone();
    if let Some(event) = key.event.as_deref().filter(|e| Uuid::parse_str(e.trim()).is_err()) {
        info.push_str(&format!(" (event {event})"));
    }
    match (options.split, &key.day) {
        (EventSplit::PerDay, Some(day)) => info.push_str(&format!(" {day}")),
        (EventSplit::PerDay, None) => info.push_str(" (undated)"),
        (EventSplit::PerFile, _) => {}
    }
    info
}

/// The event's day: its split day, or the day of the latest sighting it holds.
fn event_date(key: &GroupKey, attributes: &[Attribute]) -> Option<Timestamp> {
    let day = match &key.day {
        Some(day) => Some(day.clone()),
        None => {
            let latest = attributes.iter().filter_map(|a| a.first_seen.or(a.timestamp)).max();
            latest.map(Timestamp::date_string)
        }
    };
    day.and_then(|d| Timestamp::parse(&d).ok())
}
