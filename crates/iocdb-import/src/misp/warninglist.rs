//! MISP warninglists (`lists/<name>/list.json` of misp-warninglists).
//!
//! The schema requires `name`, `description`, `version` (an integer), `type` (`string`,
//! `substring`, `hostname`, `cidr` or `regex`) and `list` (strings); `matching_attributes`
//! is optional (absent means every type). A list is all or nothing: any deviation is an
//! error naming the member, and a `regex` entry that does not compile names its index.

use std::io::BufRead;
use std::path::Path;

use iocdb_model::{Warninglist, WarninglistError, WarninglistType};
use serde_json::{Map, Value};

use super::json::{child, describe, index};
use crate::error::{ErrorKind, ImportError, Position};

/// Reads one warninglist. Errors name `file` when given.
pub(super) fn decode(input: impl BufRead, file: Option<&Path>) -> Result<Warninglist, ImportError> {
    let name_file = |err: ImportError| match file {
        Some(path) => err.in_file(path),
        None => err,
    };
    let value: Value = serde_json::from_reader(input).map_err(|err| name_file(json_error(err)))?;
    build(&value).map_err(name_file)
}

/// A serde_json error at its line.
fn json_error(err: serde_json::Error) -> ImportError {
    let position = Position::line(err.line() as u64);
    if err.is_io() {
        return ImportError::new(ErrorKind::Io(err.into()), position);
    }
    ImportError::new(ErrorKind::Json(err.to_string()), position)
}

/// The list from its parsed JSON.
fn build(value: &Value) -> Result<Warninglist, ImportError> {
    let Some(map) = value.as_object() else {
        return Err(wrong("", "a warninglist object", value));
    };
    let name = required_str(map, "name")?;
    let description = required_str(map, "description")?;
    let version = version(map)?;
    let list_type = list_type(map)?;
    let entries = strings(map, "list")?.ok_or_else(|| missing("list", "an array of strings"))?;
    let matching = strings(map, "matching_attributes")?.unwrap_or_default();
    Warninglist::new(name, description, version, list_type, matching, entries.clone())
        .map_err(|err| regex_error(err, &entries))
}

/// An error for member `key` holding `found` where `expected` was required.
fn wrong(at: &str, expected: &str, found: &Value) -> ImportError {
    let position = if at.is_empty() { Position::default() } else { Position::pointer(at) };
    ImportError::expected(expected, describe(found), position)
}

/// An error for a missing member.
fn missing(key: &str, expected: &str) -> ImportError {
    ImportError::expected(expected, "nothing", Position::pointer(child("", key)))
}

/// A required string member.
fn required_str(map: &Map<String, Value>, key: &str) -> Result<String, ImportError> {
    match map.get(key) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(other) => Err(wrong(&child("", key), "a string", other)),
        None => Err(missing(key, "a string")),
    }
}

/// `version`: an integer (a string of digits is accepted too).
fn version(map: &Map<String, Value>) -> Result<u64, ImportError> {
    let value = map.get("version").ok_or_else(|| missing("version", "an integer"))?;
    let parsed = match value {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    };
    parsed.ok_or_else(|| wrong("/version", "a non-negative integer", value))
}

/// `type`: one of MISP's five list types.
fn list_type(map: &Map<String, Value>) -> Result<WarninglistType, ImportError> {
    const EXPECTED: &str = "a list type (string, substring, hostname, cidr or regex)";
    let value = map.get("type").ok_or_else(|| missing("type", EXPECTED))?;
    let list_type = match value.as_str() {
        Some("string") => WarninglistType::String,
        Some("substring") => WarninglistType::Substring,
        Some("hostname") => WarninglistType::Hostname,
        Some("cidr") => WarninglistType::Cidr,
        Some("regex") => WarninglistType::Regex,
        _ => return Err(wrong("/type", EXPECTED, value)),
    };
    Ok(list_type)
}

/// An optional array of strings.
fn strings(map: &Map<String, Value>, key: &str) -> Result<Option<Vec<String>>, ImportError> {
    let at = child("", key);
    let items = match map.get(key) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Array(items)) => items,
        Some(other) => return Err(wrong(&at, "an array of strings", other)),
    };
    let strings = items.iter().enumerate().map(|(i, item)| match item {
        Value::String(s) => Ok(s.clone()),
        other => Err(wrong(&index(&at, i), "a string", other)),
    });
    strings.collect::<Result<Vec<_>, _>>().map(Some)
}

/// A regex entry that does not compile, at its index in `list`.
fn regex_error(err: WarninglistError, entries: &[String]) -> ImportError {
    let at = match entries.iter().position(|e| e.starts_with(err.entry.trim_end_matches('…'))) {
        Some(i) => index("/list", i),
        None => "/list".to_owned(),
    };
    let found = format!("{:?} ({})", err.entry, err.reason);
    ImportError::expected("a regular expression", found, Position::pointer(at))
}
