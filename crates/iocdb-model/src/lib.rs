//! Domain model of iocdb: sources, events, attributes, sightings and tags, MISP's
//! attribute types and categories, value normalisation and type inference.
//!
//! This crate does no I/O and knows nothing of storage: the engine (`iocdb-core`) and the
//! decoders (`iocdb-import`) both speak in these types.
//!
//! # Example
//!
//! ```
//! use iocdb_model::{AttrType, Attribute, normalize_value};
//!
//! let ty = AttrType::from_name("domain").unwrap();
//! // Defanged input is refanged, domains are lower-cased and trimmed of dots.
//! let value = normalize_value(ty, " Evil[.]Example.COM. ").unwrap();
//! assert_eq!(value, "evil.example.com");
//!
//! let attr = Attribute::new(ty, &value);
//! let keys: Vec<_> = attr.correlation_keys().collect();
//! assert_eq!(keys, ["evil.example.com"]);
//! ```
//!
//! # Design decisions
//!
//! - Values are stored in MISP's normalised form (what MISP would save) and matched through a
//!   *correlation key*: the normalised half, lower-cased, because MISP matches through a
//!   case-insensitive MySQL collation. Matching ignores the attribute type, as MISP's does.
//! - Attribute types and categories are PyMISP's `describeTypes.json`, shipped in the crate
//!   and parsed once; [`AttrType`] is a small index into that table, serialised by name.

mod attribute;
mod event;
mod infer;
mod normalize;
mod source;
mod time;
mod types;
mod warninglist;

pub use attribute::{Attribute, ObjectRef, Sighting, SightingKind, Tag};
pub use event::{Analysis, Distribution, Event, EventReport, MispObject, Org, ThreatLevel};
pub use infer::{Inferred, infer_type};
pub use normalize::{
    ValueError, correlation_key, defang, normalize_value, refang, split_composite,
};
pub use source::{Source, SourceKind};
pub use time::{Timestamp, TimestampError};
pub use types::{AttrType, Category, NON_CORRELATING_TYPES};
pub use warninglist::{Warninglist, WarninglistError, WarninglistType};
