//! Attributes (indicators), the sightings and tags they carry.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::normalize::{correlation_key, split_composite};
use crate::time::Timestamp;
use crate::types::{AttrType, Category};

/// A tag on an event or attribute: a free string or a machine tag
/// (`namespace:predicate="value"`), galaxy clusters included (`misp-galaxy:type="value"`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Tag {
    /// The tag's name, as written by its producer.
    pub name: String,
    /// Display colour (`#rrggbb`) when the producer gave one.
    pub colour: Option<String>,
}

impl Tag {
    /// A tag with a name and no colour.
    pub fn new(name: impl Into<String>) -> Self {
        Tag { name: name.into(), colour: None }
    }
}

/// What a sighting says of an attribute (MISP's sighting `type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum SightingKind {
    /// Type 0: the value was seen.
    Seen,
    /// Type 1: the value was a false positive.
    FalsePositive,
    /// Type 2: the value expired.
    Expiration,
}

impl SightingKind {
    /// MISP's numeric code for this kind.
    pub fn code(self) -> u8 {
        match self {
            SightingKind::Seen => 0,
            SightingKind::FalsePositive => 1,
            SightingKind::Expiration => 2,
        }
    }

    /// The kind for MISP's numeric code, if it is one of 0, 1, 2.
    pub fn from_code(code: u8) -> Option<Self> {
        match code {
            0 => Some(SightingKind::Seen),
            1 => Some(SightingKind::FalsePositive),
            2 => Some(SightingKind::Expiration),
            _ => None,
        }
    }
}

/// One sighting of an attribute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sighting {
    /// When it was seen.
    pub timestamp: Timestamp,
    /// Seen, false positive or expiration.
    pub kind: SightingKind,
    /// Who or what saw it (organisation or sensor name), when known.
    pub source: Option<String>,
}

/// Where an attribute sits inside a MISP object (`file`, `domain-ip`, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectRef {
    /// The object's uuid (see [`crate::MispObject`] in the event).
    pub uuid: Uuid,
    /// The attribute's relation inside the object (`md5`, `ip`, `filename`, ...).
    pub relation: String,
}

/// An attribute: one typed value inside an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attribute {
    /// Stable identity; re-importing an event keeps attribute uuids.
    pub uuid: Uuid,
    /// MISP attribute type (`ip-dst`, `domain`, `filename|sha256`, ...).
    pub attr_type: AttrType,
    /// MISP category (`Network activity`, `Payload delivery`, ...).
    pub category: Category,
    /// The value in MISP's normalised form (see [`crate::normalize_value`]).
    pub value: String,
    /// Whether the value is meant for detection.
    pub to_ids: bool,
    /// Free comment; decoders also keep here what a format says that has no field of its own.
    pub comment: String,
    /// First time the value was seen in the wild.
    pub first_seen: Option<Timestamp>,
    /// Last time the value was seen in the wild.
    pub last_seen: Option<Timestamp>,
    /// Last modification of the attribute.
    pub timestamp: Option<Timestamp>,
    /// Tags on the attribute.
    pub tags: Vec<Tag>,
    /// Soft-deleted: kept, never correlated.
    pub deleted: bool,
    /// The producer asked not to correlate this attribute.
    pub disable_correlation: bool,
    /// The MISP object holding this attribute, if any.
    pub object: Option<ObjectRef>,
    /// Sightings of this attribute.
    pub sightings: Vec<Sighting>,
}

impl Attribute {
    /// An attribute of `attr_type` holding `value` (already normalised), with the type's
    /// default category and `to_ids`, a fresh random uuid and everything else empty.
    pub fn new(attr_type: AttrType, value: &str) -> Self {
        Attribute::with_uuid(Uuid::new_v4(), attr_type, value.to_owned())
    }

    /// Like [`Attribute::new`] with a given uuid (decoders derive theirs from the content,
    /// and drawing a random one is a system call per attribute).
    pub fn with_uuid(uuid: Uuid, attr_type: AttrType, value: String) -> Self {
        Attribute {
            uuid,
            attr_type,
            category: attr_type.default_category(),
            value,
            to_ids: attr_type.default_to_ids(),
            comment: String::new(),
            first_seen: None,
            last_seen: None,
            timestamp: None,
            tags: Vec::new(),
            deleted: false,
            disable_correlation: false,
            object: None,
            sightings: Vec::new(),
        }
    }

    /// The keys under which this attribute correlates, following MISP: none when deleted,
    /// when correlation is disabled or for a non-correlating type; both halves of a
    /// composite value except for primary-only types (`ip-src|port`, `ip-dst|port`,
    /// `hostname|port`), which correlate on the first half only.
    pub fn correlation_keys(&self) -> impl Iterator<Item = String> + '_ {
        let active = !self.deleted && !self.disable_correlation && self.attr_type.correlates();
        let (first, second) = split_composite(self.attr_type, &self.value);
        let second = second.filter(|_| !self.attr_type.primary_only());
        let halves = [Some(first), second];
        halves
            .into_iter()
            .flatten()
            .filter(move |half| active && !half.is_empty())
            .map(correlation_key)
    }
}
