//! MISP feed directories: `manifest.json`, one `<uuid>.json` per event, and the optional
//! `hashes.csv` quick cache.
//!
//! Every event listed in the manifest is read (in uuid order). A manifest key is used to
//! build a path only when it is a plain hyphenated uuid (36 characters of hex digits and
//! hyphens): a key with `/`, `\` or `..` is refused as [`ErrorKind::UnsafePath`], any other
//! non-uuid key as "expected an event uuid". A missing or unreadable event file is a bad
//! record naming the manifest entry.
//!
//! `hashes.csv` (`md5(value),event-uuid` per line, as PyMISP's feed generator writes it)
//! is parsed, counted and checked against the events. For each event, the distinct md5s
//! listed for it must be md5s of its attribute values, and each of its values should be
//! listed; values are hashed as PyMISP does (raw, per `|`-separated piece for composite
//! types, event and object attributes; see `value_hashes`). Mismatches mean a stale or foreign
//! cache, not a broken event: they are warnings, one per event, and counters in the report
//! (`misp feed: hashes.csv lines`, `… entries matching their event`, `… entries matching no
//! value of their event`, `… lines for events not in the manifest`, `… event values not listed
//! in hashes.csv`). Up to [`MAX_CHECKED_HASHES`] lines are kept for the check (16 bytes
//! each); past that the rest is counted only, so a huge cache never exhausts memory.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::path::{Path, PathBuf};

use md5::{Digest, Md5};
use serde::de::DeserializeSeed;
use serde_json::{Map, Value};
use uuid::Uuid;

use super::filter::{Filter, Filtered};
use super::json::{Fields, child, describe};
use super::{event, stream};
use crate::context::Context;
use crate::error::{ErrorKind, ImportError, Position};

/// How many `hashes.csv` lines are kept for the cross-check (64 MB of md5s).
pub const MAX_CHECKED_HASHES: usize = 4 << 20;

/// Decodes the feed directory `dir`. See the module documentation.
pub(super) fn decode_dir(dir: &Path, ctx: &mut Context<'_>) -> Result<(), ImportError> {
    let saved = ctx.file.take();
    let result = decode_entries(dir, ctx);
    ctx.file = saved;
    result
}

/// The manifest, the hash cache, then each listed event.
fn decode_entries(dir: &Path, ctx: &mut Context<'_>) -> Result<(), ImportError> {
    let manifest_path = dir.join("manifest.json");
    ctx.set_file(Some(&manifest_path));
    let manifest = read_manifest(&manifest_path, ctx)?;
    let entries = checked_entries(&manifest, ctx)?;
    let mut hashes = read_hashes(&dir.join("hashes.csv"), &entries, ctx)?;
    count_unlisted_files(dir, &entries, ctx);
    for (uuid, key) in &entries {
        let file = dir.join(format!("{key}.json"));
        let Some(listing) = manifest.get(key.as_str()) else { continue };
        decode_entry(&file, &manifest_path, key, *uuid, listing, hashes.as_mut(), ctx)?;
    }
    if let Some(hashes) = hashes {
        hashes.report(ctx);
    }
    Ok(())
}

/// Reads `manifest.json`: an object keyed by event uuid.
fn read_manifest(path: &Path, ctx: &mut Context<'_>) -> Result<Map<String, Value>, ImportError> {
    let file =
        File::open(path).map_err(|err| ctx.error(ErrorKind::Io(err), Position::default()))?;
    let value: Value = serde_json::from_reader(BufReader::new(file))
        .map_err(|err| stream::json_error(err, ctx))?;
    match value {
        Value::Object(map) => Ok(map),
        other => {
            let kind = ErrorKind::Expected {
                expected: "a feed manifest (an object keyed by event uuid)".to_owned(),
                found: describe(&other),
            };
            Err(ctx.error(kind, Position::default()))
        }
    }
}

/// The manifest keys that are plain uuids, by uuid; the others are refused as bad records.
fn checked_entries(
    manifest: &Map<String, Value>,
    ctx: &mut Context<'_>,
) -> Result<BTreeMap<Uuid, String>, ImportError> {
    let mut entries = BTreeMap::new();
    for key in manifest.keys() {
        match entry_uuid(key) {
            Ok(uuid) => {
                entries.insert(uuid, key.clone());
            }
            Err(kind) => {
                let err = ctx.error(kind, Position::pointer(child("", key)));
                ctx.skip(err)?;
            }
        }
    }
    Ok(entries)
}

/// The uuid a manifest key names, when it is one written the plain hyphenated way (the only
/// text ever joined to the directory path).
fn entry_uuid(key: &str) -> Result<Uuid, ErrorKind> {
    let escapes = key.contains(['/', '\\', '\0']) || key.contains("..") || key.starts_with('.');
    if escapes {
        return Err(ErrorKind::UnsafePath(key.to_owned()));
    }
    let plain = key.len() == 36
        && key.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        });
    match Uuid::try_parse(key) {
        Ok(uuid) if plain => Ok(uuid),
        _ => Err(ErrorKind::Expected {
            expected: "an event uuid as manifest key (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)"
                .to_owned(),
            found: format!("{key:?}"),
        }),
    }
}

/// Counts `*.json` files of the directory the manifest does not list (MISP ignores them).
fn count_unlisted_files(dir: &Path, entries: &BTreeMap<Uuid, String>, ctx: &mut Context<'_>) {
    let Ok(listing) = std::fs::read_dir(dir) else { return };
    let listed: HashSet<&str> = entries.values().map(String::as_str).collect();
    let unlisted = listing
        .filter_map(Result::ok)
        .filter_map(|entry| entry.file_name().into_string().ok())
        .filter_map(|name| name.strip_suffix(".json").map(str::to_owned))
        .filter(|stem| stem != "manifest" && !listed.contains(stem.as_str()))
        .count();
    if unlisted > 0 {
        ctx.report.count("misp feed: event files not in the manifest (ignored)", unlisted as u64);
    }
}

/// One manifest entry: read its event file, check it against the manifest and the hash
/// cache, emit it.
fn decode_entry(
    file: &Path,
    manifest_path: &Path,
    key: &str,
    uuid: Uuid,
    listing: &Value,
    hashes: Option<&mut Hashes>,
    ctx: &mut Context<'_>,
) -> Result<(), ImportError> {
    let entry_at = child("", key);
    let value = match read_event_file(file, manifest_path, &entry_at, ctx) {
        Ok(value) => value,
        Err(err) => return ctx.skip(err),
    };
    ctx.set_file(Some(file));
    let (inner, at) = match value.get("Event") {
        Some(inner) => (inner, "/Event".to_owned()),
        None => (&value, String::new()),
    };
    let converted = event::convert(inner, at, ctx);
    if let Some(hashes) = hashes {
        hashes.check_event(uuid, inner, &entry_at, ctx);
    }
    let result = match converted {
        Ok(Some(event)) => {
            compare_listing(key, uuid, listing, &event, ctx);
            ctx.emit(event)
        }
        Ok(None) => Ok(()),
        Err(err) => Err(err),
    };
    ctx.set_file(Some(manifest_path));
    result
}

/// Parses an event file; errors name the file, or the manifest entry when it is missing.
fn read_event_file(
    file: &Path,
    manifest_path: &Path,
    entry_at: &str,
    ctx: &mut Context<'_>,
) -> Result<Value, ImportError> {
    let opened = File::open(file).map_err(|err| {
        let err = io::Error::new(err.kind(), format!("event file {}: {err}", file.display()));
        ImportError::new(ErrorKind::Io(err), Position::pointer(entry_at)).in_file(manifest_path)
    })?;
    ctx.set_file(Some(file));
    let mut de = serde_json::Deserializer::from_reader(BufReader::new(opened));
    let parsed = Filtered(&Filter::Envelope).deserialize(&mut de).and_then(|value| {
        de.end()?;
        Ok(value)
    });
    let result = parsed.map_err(|err| stream::json_error(err, ctx));
    ctx.set_file(Some(manifest_path));
    result
}

/// Warns when the event file is not the event its manifest entry describes.
fn compare_listing(
    key: &str,
    uuid: Uuid,
    listing: &Value,
    event: &iocdb_model::Event,
    ctx: &mut Context<'_>,
) {
    let at = child("", key);
    if event.uuid != uuid {
        let message = format!(
            "the event file holds event {}, not {uuid}; imported as {}",
            event.uuid, event.uuid
        );
        ctx.warn(Position::pointer(at.clone()), message);
    }
    let Some(listing) = Fields::of(listing, at) else { return };
    let listed = listing.time("timestamp", ctx);
    if listed.is_some() && event.timestamp.is_some() && listed != event.timestamp {
        ctx.report.count("misp feed: manifest timestamps differing from the event", 1);
        ctx.warn(
            listing.pos("timestamp"),
            "the manifest's timestamp differs from the event file's (stale manifest?)",
        );
    }
}

/// `hashes.csv`, indexed by event for the cross-check.
struct Hashes {
    /// Sorted, deduplicated md5s listed for each event (while under the cap).
    by_event: HashMap<Uuid, Vec<u128>>,
    /// Whether every line was kept, so the check is complete.
    complete: bool,
    /// Path, for warnings.
    path: PathBuf,
}

/// Reads `hashes.csv` if the directory has one.
fn read_hashes(
    path: &Path,
    entries: &BTreeMap<Uuid, String>,
    ctx: &mut Context<'_>,
) -> Result<Option<Hashes>, ImportError> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(err) => {
            return Err(ImportError::new(ErrorKind::Io(err), Position::default()).in_file(path));
        }
    };
    let saved = ctx.file.replace(path.to_path_buf());
    let result = parse_hashes(BufReader::new(file), path, entries, ctx);
    ctx.file = saved;
    result.map(Some)
}

/// Parses `md5,uuid` lines; a malformed line is a bad record.
fn parse_hashes(
    mut input: impl BufRead,
    path: &Path,
    entries: &BTreeMap<Uuid, String>,
    ctx: &mut Context<'_>,
) -> Result<Hashes, ImportError> {
    let mut hashes = Hashes { by_event: HashMap::new(), complete: true, path: path.to_path_buf() };
    let mut kept = 0usize;
    let mut line = Vec::new();
    let mut number = 0u64;
    loop {
        line.clear();
        let read = input
            .read_until(b'\n', &mut line)
            .map_err(|err| ctx.error(ErrorKind::Io(err), Position::line(number + 1)))?;
        if read == 0 {
            break;
        }
        number += 1;
        let text = trim_line(&line);
        if text.is_empty() {
            continue;
        }
        let Some((md5, uuid)) = parse_hash_line(text) else {
            let found = String::from_utf8_lossy(text).chars().take(80).collect::<String>();
            let kind = ErrorKind::Expected {
                expected: "md5,event-uuid".to_owned(),
                found: format!("{found:?}"),
            };
            let err = ctx.error(kind, Position::line(number));
            ctx.skip(err)?;
            continue;
        };
        ctx.report.count("misp feed: hashes.csv lines", 1);
        if !entries.contains_key(&uuid) {
            ctx.report.count("misp feed: hashes.csv lines for events not in the manifest", 1);
            continue;
        }
        if kept < MAX_CHECKED_HASHES {
            hashes.by_event.entry(uuid).or_default().push(md5);
            kept += 1;
        } else {
            hashes.complete = false;
        }
    }
    for list in hashes.by_event.values_mut() {
        list.sort_unstable();
        list.dedup();
    }
    Ok(hashes)
}

/// The line without its end-of-line bytes and surrounding spaces.
fn trim_line(line: &[u8]) -> &[u8] {
    line.trim_ascii()
}

/// `md5,uuid` as numbers.
fn parse_hash_line(line: &[u8]) -> Option<(u128, Uuid)> {
    let text = std::str::from_utf8(line).ok()?;
    let (md5, uuid) = text.split_once(',')?;
    let md5 = md5.trim();
    if md5.len() != 32 || !md5.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let md5 = u128::from_str_radix(md5, 16).ok()?;
    let uuid = Uuid::try_parse(uuid.trim()).ok()?;
    Some((md5, uuid))
}

impl Hashes {
    /// Compares the lines listing `uuid` with the md5s of the event's values.
    fn check_event(&mut self, uuid: Uuid, event: &Value, entry_at: &str, ctx: &mut Context<'_>) {
        let pieces = value_hashes(event);
        let known: HashSet<u128> = pieces.iter().flatten().copied().collect();
        let listed = self.by_event.remove(&uuid).unwrap_or_default();
        let matching = listed.iter().filter(|md5| known.contains(md5)).count();
        let stale = listed.len() - matching;
        let is_listed =
            |piece: &Vec<u128>| piece.iter().any(|md5| listed.binary_search(md5).is_ok());
        let unlisted =
            if self.complete { pieces.iter().filter(|p| !is_listed(p)).count() } else { 0 };
        ctx.report.count("misp feed: hashes.csv entries matching their event", matching as u64);
        if stale > 0 {
            ctx.report.count(
                "misp feed: hashes.csv entries matching no value of their event",
                stale as u64,
            );
        }
        if unlisted > 0 {
            ctx.report.count("misp feed: event values not listed in hashes.csv", unlisted as u64);
        }
        if stale > 0 || unlisted > 0 {
            let message = format!(
                "{}: {stale} md5s listed for this event match none of its values; {unlisted} of its values are not listed",
                self.path.display()
            );
            ctx.warn(Position::pointer(entry_at), message);
        }
    }

    /// Notes when the check could not cover every line.
    fn report(self, ctx: &mut Context<'_>) {
        if !self.complete {
            ctx.report.count("misp feed: hashes.csv too large, partly checked", 1);
        }
    }
}

/// md5s of an event's attribute values as PyMISP's feed generator computes them, over the
/// event's and its objects' attributes: of the raw value, or of each `|`-separated piece for
/// composite types (`a|b`, `malware-sample`). PyMISP hashes a `datetime` value as Python
/// prints it (`2022-04-27 07:42:27+00:00`), so that form is an alternative. One entry per
/// distinct value piece, with its alternative md5s.
fn value_hashes(event: &Value) -> Vec<Vec<u128>> {
    let objects =
        event.get("Object").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    let holders = std::iter::once(event).chain(objects);
    let lists = holders.filter_map(|holder| holder.get("Attribute")?.as_array());
    let mut seen = HashSet::new();
    let mut pieces = Vec::new();
    for attr in lists.flatten() {
        let ty = attr.get("type").and_then(Value::as_str).unwrap_or_default();
        let value = match attr.get("value") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => continue,
        };
        let parts: Vec<&str> = if ty.contains('|') || ty == "malware-sample" {
            value.split('|').collect()
        } else {
            vec![&value]
        };
        for part in parts {
            let mut alternatives = vec![md5(part)];
            if ty == "datetime" {
                alternatives.extend(python_datetime(part).map(|text| md5(&text)));
            }
            if seen.insert(alternatives.clone()) {
                pieces.push(alternatives);
            }
        }
    }
    pieces
}

/// A datetime as Python's `str(datetime)` prints it in UTC: `2022-04-27 07:42:27+00:00`.
fn python_datetime(text: &str) -> Option<String> {
    let rfc3339 = iocdb_model::Timestamp::parse(text).ok()?.to_rfc3339();
    let body = rfc3339.strip_suffix('Z')?;
    Some(format!("{}+00:00", body.replacen('T', " ", 1)))
}

/// The md5 of `text` as a number.
fn md5(text: &str) -> u128 {
    u128::from_be_bytes(Md5::digest(text.as_bytes()).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_uuids_become_file_names() {
        let key = "5bad262f-c810-4775-9e84-4a7d0a016219";
        assert_eq!(entry_uuid(key).ok().map(|u| u.to_string()).as_deref(), Some(key));
        assert!(entry_uuid(&key.to_uppercase()).is_ok());
        for unsafe_key in ["../../etc/passwd", "a/b", "..", ".hidden", "c:\\x", "x\0y"] {
            assert!(
                matches!(entry_uuid(unsafe_key), Err(ErrorKind::UnsafePath(_))),
                "{unsafe_key}"
            );
        }
        let other = [
            "not-a-uuid",
            "5bad262fc8104775-9e84-4a7d0a016219",
            "5bad262fc81047759e844a7d0a016219",
            "urn:uuid:5bad262f-c810-4775-9e84-4a7d0a016219",
            "{5bad262f-c810-4775-9e84-4a7d0a016219}",
            "5bad262f-c810-4775-9e84-4a7d0a01621g",
        ];
        for key in other {
            assert!(matches!(entry_uuid(key), Err(ErrorKind::Expected { .. })), "{key}");
        }
    }

    #[test]
    fn hash_lines() {
        let line = b"72dd80da3f94492afd51ad2bc44dc8b0,5908888b-0154-4a69-b0b2-72090a016219";
        let (md5, uuid) = parse_hash_line(line).unwrap_or_default();
        assert_eq!(md5, 0x72dd80da3f94492afd51ad2bc44dc8b0);
        assert_eq!(uuid.to_string(), "5908888b-0154-4a69-b0b2-72090a016219");
        assert!(parse_hash_line(b"72dd80da,5908888b-0154-4a69-b0b2-72090a016219").is_none());
        assert!(parse_hash_line(b"72dd80da3f94492afd51ad2bc44dc8b0").is_none());
        assert!(parse_hash_line(b"\xff\xfe,x").is_none());
    }

    #[test]
    fn datetimes_hash_as_python_prints_them() {
        let printed = python_datetime("2022-04-27T07:42:27+00:00");
        assert_eq!(printed.as_deref(), Some("2022-04-27 07:42:27+00:00"));
        let printed = python_datetime("2022-04-27T07:42:27.5Z");
        assert_eq!(printed.as_deref(), Some("2022-04-27 07:42:27.500000+00:00"));
        assert_eq!(python_datetime("yesterday"), None);
    }
}
