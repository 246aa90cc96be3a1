//! Events: a report, an IOC file, a MISP event or one pull of a feed.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::attribute::{Attribute, Tag};
use crate::time::Timestamp;

/// MISP's threat level (`threat_level_id`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ThreatLevel {
    /// 1
    High,
    /// 2
    Medium,
    /// 3
    Low,
    /// 4
    Undefined,
}

/// MISP's analysis state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Analysis {
    /// 0
    Initial,
    /// 1
    Ongoing,
    /// 2
    Complete,
}

/// MISP's distribution level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Distribution {
    /// 0: your organisation only.
    Organisation,
    /// 1: this community.
    Community,
    /// 2: connected communities.
    Connected,
    /// 3: all communities.
    All,
    /// 4: a sharing group.
    SharingGroup,
    /// 5: inherit from the event (attributes and objects only).
    Inherit,
}

impl ThreatLevel {
    /// MISP's numeric id (1..=4).
    pub fn code(self) -> u8 {
        match self {
            ThreatLevel::High => 1,
            ThreatLevel::Medium => 2,
            ThreatLevel::Low => 3,
            ThreatLevel::Undefined => 4,
        }
    }

    /// The level for MISP's numeric id.
    pub fn from_code(code: u8) -> Option<Self> {
        [ThreatLevel::High, ThreatLevel::Medium, ThreatLevel::Low, ThreatLevel::Undefined]
            .into_iter()
            .find(|level| level.code() == code)
    }
}

impl Analysis {
    /// MISP's numeric code (0..=2).
    pub fn code(self) -> u8 {
        match self {
            Analysis::Initial => 0,
            Analysis::Ongoing => 1,
            Analysis::Complete => 2,
        }
    }

    /// The state for MISP's numeric code.
    pub fn from_code(code: u8) -> Option<Self> {
        [Analysis::Initial, Analysis::Ongoing, Analysis::Complete]
            .into_iter()
            .find(|state| state.code() == code)
    }
}

impl Distribution {
    /// MISP's numeric code (0..=5).
    pub fn code(self) -> u8 {
        match self {
            Distribution::Organisation => 0,
            Distribution::Community => 1,
            Distribution::Connected => 2,
            Distribution::All => 3,
            Distribution::SharingGroup => 4,
            Distribution::Inherit => 5,
        }
    }

    /// The level for MISP's numeric code.
    pub fn from_code(code: u8) -> Option<Self> {
        use Distribution::*;
        [Organisation, Community, Connected, All, SharingGroup, Inherit]
            .into_iter()
            .find(|level| level.code() == code)
    }
}

/// An organisation (MISP's `Orgc`, the creator).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Org {
    /// Display name.
    pub name: String,
    /// The organisation's uuid, when the producer gave one.
    pub uuid: Option<Uuid>,
}

/// A MISP object: a named group of attributes (`file`, `domain-ip`, an OpenIOC logic
/// block, ...). Attributes point to it through [`crate::ObjectRef`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MispObject {
    /// The object's uuid.
    pub uuid: Uuid,
    /// Template name (`file`, `domain-ip`, ...).
    pub name: String,
    /// Template meta-category (`file`, `network`, ...).
    pub meta_category: String,
    /// Free comment.
    pub comment: String,
}

/// A free-text report attached to an event (MISP's EventReport): a STIX report's
/// description, an OpenIOC file's description and logic tree, ...
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventReport {
    /// Title.
    pub name: String,
    /// Content, markdown or plain text.
    pub content: String,
}

/// An event: the unit of import, correlation and deletion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Stable identity; importing an event with a known uuid replaces the stored one.
    pub uuid: Uuid,
    /// Title (MISP's `info`).
    pub info: String,
    /// The day the event is about (MISP's `date`), as midnight UTC.
    pub date: Option<Timestamp>,
    /// Last modification.
    pub timestamp: Option<Timestamp>,
    /// When it was published, if it was.
    pub publish_timestamp: Option<Timestamp>,
    /// Whether the producer published it.
    pub published: bool,
    /// Threat level.
    pub threat_level: ThreatLevel,
    /// Analysis state.
    pub analysis: Analysis,
    /// Distribution level.
    pub distribution: Distribution,
    /// Creator organisation.
    pub orgc: Option<Org>,
    /// Tags on the event.
    pub tags: Vec<Tag>,
    /// Correlation disabled for the whole event.
    pub disable_correlation: bool,
    /// The attributes.
    pub attributes: Vec<Attribute>,
    /// The MISP objects the attributes may belong to.
    pub objects: Vec<MispObject>,
    /// Free-text reports.
    pub reports: Vec<EventReport>,
}

impl Event {
    /// An empty event with a uuid and a title: undefined threat level, initial analysis,
    /// distribution to this community, not published.
    pub fn new(uuid: Uuid, info: impl Into<String>) -> Self {
        Event {
            uuid,
            info: info.into(),
            date: None,
            timestamp: None,
            publish_timestamp: None,
            published: false,
            threat_level: ThreatLevel::Undefined,
            analysis: Analysis::Initial,
            distribution: Distribution::Community,
            orgc: None,
            tags: Vec::new(),
            disable_correlation: false,
            attributes: Vec::new(),
            objects: Vec::new(),
            reports: Vec::new(),
        }
    }
}
