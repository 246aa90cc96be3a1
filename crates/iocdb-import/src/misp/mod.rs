//! MISP JSON events, MISP feed directories and MISP warninglists.
//!
//! # Events
//!
//! [`decode`] reads the shapes MISP and PyMISP write: `{"Event": {…}}`, a bare event object,
//! an array `[{"Event": …}, …]` and restSearch's `{"response": [{"Event": …}, …]}`.
//! Collections are streamed one event at a time. An event is held in memory as parsed JSON
//! of the members the decoder reads (galaxy metadata, internal ids, attachment data and the
//! like are skipped while parsing): a few times the size of those members, so a single event
//! of 100 MB of attributes needs several hundred MB.
//!
//! MISP writes ids, enums and timestamps as strings; numbers are accepted too, and flags may
//! be booleans, `"0"`/`"1"` or numbers. What is kept:
//!
//! - event: `uuid` (required), `info`, `date`, `threat_level_id`, `analysis`,
//!   `distribution`, `published`, `timestamp`, `publish_timestamp`, `Orgc {name, uuid}`,
//!   `disable_correlation`, `Tag[] {name, colour}`, and for each `Galaxy[].GalaxyCluster[]`
//!   its `tag_name` (`misp-galaxy:type="value"`) as a tag; `EventReport[] {name, content}`
//!   (deleted reports are dropped and counted);
//! - attribute (event-level and in `Object[]`): `uuid`, `type`, `category`, `value`
//!   (normalised by [`iocdb_model::normalize_value`]), `to_ids`, `comment`, `first_seen`,
//!   `last_seen`, `timestamp`, `deleted` (kept, flagged), `disable_correlation`, `Tag[]`,
//!   attribute galaxies as tags, `Sighting[] {date_sighting, type, Organisation.name or
//!   source}`; inside an object, an [`iocdb_model::ObjectRef`] to the object's uuid with the
//!   `object_relation`. Attributes of a deleted object are flagged deleted;
//! - object: `uuid`, `name`, `meta-category`, `comment`.
//!
//! Not kept, counted in the report: attachment `data` (base64 samples), object references.
//! Internal ids, sharing groups, shadow attributes and related events are ignored.
//!
//! A bad record is skipped with a warning in lenient mode and stops the import in strict
//! mode: an event that is not an object or has no valid uuid; an attribute that is not an
//! object, has no or an unknown `type`, no value, or a value invalid for its type. Other
//! fields of the wrong shape are ignored with a warning; an unknown category falls back to
//! the type's default with a warning. Positions are JSON pointers:
//! `/Event/Attribute/3/value`, `/Event/Object/2/Attribute/0/type`, and in collections
//! `/response/5/Event/…` or `/5/Event/…`.
//!
//! Objects and attributes without a uuid get one derived from the event uuid, their place in
//! the event, type and value, so importing a file twice yields the same uuids.
//!
//! # Feeds and warninglists
//!
//! [`decode_feed_dir`] reads a feed directory (see its documentation for `hashes.csv`), and
//! [`decode_warninglist`] one warninglist.

mod event;
mod feed;
mod filter;
mod json;
mod stream;
mod warninglist;

use std::io::BufRead;
use std::path::Path;

use iocdb_model::Warninglist;

use crate::context::Context;
use crate::error::ImportError;

pub use feed::MAX_CHECKED_HASHES;

/// Decodes a MISP JSON document (one event, an array of events or a restSearch response)
/// and pushes each event into `ctx`.
///
/// ```
/// use iocdb_import::{Context, Options, VecSink, misp};
///
/// let json = r#"{"Event": {"uuid": "5bad262f-c810-4775-9e84-4a7d0a016219", "info": "demo",
///     "Attribute": [{"type": "ip-dst", "value": "198.51.100.7"}]}}"#;
/// let mut sink = VecSink::default();
/// let mut ctx = Context::new(&mut sink, Options::default());
/// misp::decode(json.as_bytes(), &mut ctx).unwrap();
/// assert_eq!(ctx.report.attributes, 1);
/// assert_eq!(sink.0[0].attributes[0].value, "198.51.100.7");
/// ```
pub fn decode(input: impl BufRead, ctx: &mut Context<'_>) -> Result<(), ImportError> {
    stream::decode(input, ctx)
}

/// Decodes a MISP feed directory: `manifest.json` (`{"<event uuid>": {info, Orgc, date,
/// timestamp, Tag, …}}`), one `<uuid>.json` per listed event and the optional `hashes.csv`.
///
/// Every event the manifest lists is read, in uuid order. Only manifest keys that are plain
/// hyphenated uuids are turned into file names: a key that would leave the directory is
/// refused as [`crate::ErrorKind::UnsafePath`], any other non-uuid key as expected-uuid; both
/// are bad records, as is a missing or malformed event file (the error names the manifest
/// entry or the file). A manifest timestamp differing from the event's is a warning.
///
/// `hashes.csv` (`md5(value),event-uuid`) is parsed and cross-checked: for each event, the
/// md5s listed must be those of its raw attribute values (composite values per half, object
/// attributes included, as PyMISP writes them). Mismatches are warnings and counters
/// (`misp feed: …` in the report), never errors. Up to [`MAX_CHECKED_HASHES`] lines are
/// held for the check; past that the rest is only counted.
pub fn decode_feed_dir(dir: &Path, ctx: &mut Context<'_>) -> Result<(), ImportError> {
    feed::decode_dir(dir, ctx)
}

/// Reads a MISP warninglist (`name`, `description`, `version`, `type` and `list` required,
/// `matching_attributes` optional). Errors name `file` when given, and the JSON pointer of
/// the offending member.
pub fn decode_warninglist(
    input: impl BufRead,
    file: Option<&Path>,
) -> Result<Warninglist, ImportError> {
    warninglist::decode(input, file)
}
