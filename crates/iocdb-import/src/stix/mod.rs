//! STIX 2.0 and 2.1 import.
//!
//! [`decode`] reads a bundle, a plain JSON array of STIX objects or a single object, in two
//! phases so that references may point forward and memory stays bounded:
//!
//! 1. **Stream** (`reader`): the `objects` array is deserialized element by element
//!    (serde `DeserializeSeed`), each object as one `serde_json::Value` that is turned at
//!    once into a compact record (`objects`): attributes, references and names, never the
//!    raw JSON. Memory grows with the attributes kept, not with the JSON.
//! 2. **Assemble** (`assemble`): every report and grouping becomes an event; the objects
//!    no report holds become one event for the bundle (its uuid is the bundle's, or derived
//!    from the objects' ids for a plain array; none when they carry no attribute).
//!
//! # What becomes what
//!
//! | STIX | iocdb |
//! |---|---|
//! | report, grouping | event: uuid from the id, info = `name`, date = day of `created` (else `published`), `published` → publish timestamp, `modified` → timestamp, labels and TLP markings → tags, `created_by_ref` identity → creator org, description and external reference URLs → event report |
//! | indicator (`pattern_type` stix) | one attribute per `object:path = 'value'` comparison, typed by `mapping`, `to_ids` set, `valid_from`/`valid_until` → first/last seen, `modified` → timestamp, labels, `indicator_types`, TLP markings and kill-chain phases → tags (`kill-chain:<chain>="<phase>"`), description (or a name that is not just the value) → comment |
//! | indicator (yara, sigma, snort, suricata) | one attribute of that MISP type holding the rule |
//! | observed-data (2.0 `objects`, 2.1 `object_refs`), cyber observables | attributes by the same mapping (references followed one level: `network-traffic:dst_ref.value` → `ip-dst`), `to_ids` unset, `first_observed`/`last_observed` → first/last seen, `x_misp_comment` → comment |
//! | vulnerability | a `vulnerability` attribute: the CVE id from the name or a `cve` external reference |
//! | malware, threat-actor, intrusion-set, attack-pattern, campaign, tool | the tag `stix:<type>="<name>"` on every event holding the object, or holding an object it is related to by `indicates`, `attributed-to` or `uses` |
//! | sighting | a sighting (seen, at `last_seen`, by each `where_sighted_refs` identity) on the attributes of what it saw; it also links what it saw to its observed-data, for tags |
//! | identity, marking-definition, relationship | creator org, TLP tags, the links above |
//! | anything else (`x-*`, course-of-action, note, location, ...) | skipped: counted as `stix: skipped <type>`, one warning per type |
//!
//! An object carrying several attributes (a `file` with a name and three hashes, a pattern
//! with several comparisons) groups them in a MISP object whose uuid is the STIX object's
//! and whose comment is the pattern; the attributes get uuids derived from it, and their
//! relation is the STIX path they were read at (`network-traffic:src_port`). An object
//! carrying one attribute gives it its own uuid, so `indicator--<uuid>` round-trips through
//! [`crate::export::stix`]. An object held by several reports is in each of their events,
//! with per-event uuids. The labels MISP's own STIX export writes (`misp:type="..."`,
//! `misp:category="..."`, `misp:name="..."`, kill chain `misp-category`) are read as the
//! attribute type, category and object name instead of becoming tags; a composite
//! `misp:type` (`filename|md5`, `domain|ip`) joins its two halves back into one attribute.
//! MISP's export renders an attribute twice with one uuid (indicator and observed-data):
//! within an event, attributes with the same uuid, type and value merge.
//!
//! # Patterns
//!
//! Patterns are read by the `stix2` crate's parser, and by a tolerant scanner when it
//! refuses them (`pattern`; counted as `stix: pattern fallbacks`). Comparisons that are
//! not plain equality (`!=`, `<`, `LIKE`, `MATCHES`, `IN`, `NOT`, `ISSUBSET`, ...) match
//! many values, so they give no attribute: they are counted (`stix: non-equality
//! comparisons`), reported with a warning, and the whole pattern is kept as one
//! `stix2-pattern` attribute with correlation disabled. So are equality comparisons on a
//! path no MISP type fits (`stix: unmapped comparisons`, e.g. `directory:path`). Type
//! constraints (`network-traffic:dst_ref.type = 'ipv4-addr'`) are neither.
//!
//! # Where `stix2` and `serde_json` are used
//!
//! Objects are read with `serde_json` (as `Value`s, leniently): the `stix2` crate's typed
//! objects refuse most real STIX 2.0 (indicators without `pattern_type`, malware without
//! `is_family`, list-valued `identity_class`). `stix2` parses patterns.
//!
//! # Errors
//!
//! Malformed JSON stops the import with the line and the element (`/objects/12`). An
//! object that is not an object, lacks a required property (`type`, `id`, an indicator's
//! `pattern`, a report's `name` and `object_refs`, ...) or holds one of the wrong type is a
//! bad record (skipped with a warning, or an error in strict mode) at its JSON pointer, as
//! is a value its MISP type refuses (`/objects/12/pattern`). An unreadable timestamp is
//! dropped with a warning.

mod assemble;
mod attributes;
mod fields;
pub(crate) mod mapping;
mod objects;
mod observable;
pub(crate) mod pattern;
mod reader;

use std::io::BufRead;

use crate::context::Context;
use crate::error::ImportError;

/// Decodes a STIX 2.0 or 2.1 bundle (or a JSON array of objects, or one object) and pushes
/// its events into `ctx`.
///
/// # Errors
///
/// Malformed JSON, a top level that is not a STIX object or array, a bad record in strict
/// mode, or a sink that refuses an event.
pub fn decode(input: impl BufRead, ctx: &mut Context<'_>) -> Result<(), ImportError> {
    let mut store = objects::Store::default();
    let envelope = {
        let mut handler =
            |index: u64, prefix: &'static str, value| store.add(ctx, index, prefix, value);
        reader::read(input, &mut handler)
    };
    let envelope = envelope.map_err(|err| ctx.attach_file(err))?;
    assemble::assemble(&mut store, &envelope, ctx)
}
