//! The iocdb engine: threat-intelligence events and attributes in RocksDB, indexed with
//! roaring bitmaps, answering lookups, ranked event correlation and source overlap
//! exactly.
//!
//! # Example
//!
//! ```
//! use iocdb_core::{CorrelateOptions, Database, EventRef, OverlapOptions};
//! use iocdb_model::{AttrType, Attribute, Event, Source, SourceKind};
//! use uuid::Uuid;
//!
//! let dir = tempfile::tempdir()?;
//! let db = Database::open_or_create(dir.path())?;
//!
//! let mut writer = db.writer()?;
//! let feed = writer.source(&Source::new("feed-a", SourceKind::Feed))?;
//! let report = writer.source(&Source::new("report-b", SourceKind::File))?;
//! let ip = AttrType::from_name("ip-dst").unwrap();
//! let domain = AttrType::from_name("domain").unwrap();
//!
//! let mut first = Event::new(Uuid::new_v4(), "feed pull");
//! first.attributes.push(Attribute::new(ip, "198.51.100.7"));
//! first.attributes.push(Attribute::new(domain, "evil.example"));
//! let mut second = Event::new(Uuid::new_v4(), "incident report");
//! second.attributes.push(Attribute::new(domain, "Evil.Example")); // case folds
//! writer.put_event(feed, &first)?;
//! writer.put_event(report, &second)?;
//! writer.commit()?;
//! drop(writer);
//!
//! let hits = db.lookup("evil[.]example")?.hits; // refanged
//! assert_eq!(hits.len(), 2);
//! let correlation = db.correlate(EventRef::Uuid(first.uuid), &CorrelateOptions::default())?.unwrap();
//! assert_eq!(correlation.related[0].values, ["evil.example"]);
//! let overlap = db.overlap(&OverlapOptions::default())?;
//! assert_eq!(overlap.intersection, [[2, 1], [1, 1]]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Design
//!
//! - Dense `u32` ids for sources, events, attributes and values; postings are roaring
//!   bitmaps (inline lists below five ids), updated through a RocksDB merge operator so
//!   that ingest never reads a posting to change it.
//! - A value is indexed under its *correlation key*: MISP's normalised form, lower-cased
//!   (MISP compares through a case-insensitive collation). Matching ignores types.
//! - One atomic write per batch of whole events: an interrupted import leaves whole
//!   events or none. Replacing or deleting an event removes it from every index.
//! - The key schema is in `store/keys.rs` and `docs/storage-format.md`; the format
//!   version is checked on every open ([`FORMAT_VERSION`]).

mod check;
mod db;
mod error;
mod format;
mod ids;
mod ipindex;
mod query;
mod store;
mod warninglists;
mod writer;

pub use db::{Database, OpenOptions};
pub use error::{Error, Result};
pub use format::{FORMAT_VERSION, MAGIC, OLDEST_SUPPORTED_FORMAT_VERSION};
pub use ids::{AttrId, EventId, SourceId, ValueId};
pub use query::common::{EventRef, EventSummary, query_key};
pub use query::correlate::{CorrelateOptions, Correlation, OverCorrelating, Related};
pub use query::lookup::{Hit, Lookup, MatchKind};
pub use query::overlap::{Overlap, OverlapOptions, PAIRWISE_MAX, TimeWindow};
pub use query::stats::Stats;
pub use writer::{PutOutcome, Writer, WriterOptions};
