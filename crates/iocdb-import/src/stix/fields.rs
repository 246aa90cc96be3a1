//! Lenient typed access to the properties of one STIX object, with JSON-pointer errors.

use iocdb_model::Timestamp;
use serde_json::{Map, Value};

use crate::error::{ImportError, Position};

/// One STIX object's properties and its JSON pointer (`/objects/12`).
pub(crate) struct Fields<'v> {
    map: &'v Map<String, Value>,
    pointer: String,
}

/// A short description of a JSON value's kind, for "found ..." messages.
pub(crate) fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl<'v> Fields<'v> {
    /// The properties of the object at `pointer`.
    pub(crate) fn new(map: &'v Map<String, Value>, pointer: String) -> Self {
        Fields { map, pointer }
    }

    /// The object's pointer.
    pub(crate) fn pointer(&self) -> &str {
        &self.pointer
    }

    /// The pointer of one of its properties.
    pub(crate) fn pointer_to(&self, key: &str) -> String {
        format!("{}/{}", self.pointer, key.replace('~', "~0").replace('/', "~1"))
    }

    /// The raw property.
    pub(crate) fn get(&self, key: &str) -> Option<&'v Value> {
        self.map.get(key)
    }

    /// The whole property map.
    pub(crate) fn map(&self) -> &'v Map<String, Value> {
        self.map
    }

    /// An error saying what `key` should have held.
    pub(crate) fn wrong(&self, key: &str, expected: &str, found: &str) -> ImportError {
        ImportError::expected(expected, found, Position::pointer(self.pointer_to(key)))
    }

    /// A string property that must be there.
    pub(crate) fn required_str(&self, key: &str) -> Result<&'v str, ImportError> {
        match self.map.get(key) {
            Some(Value::String(s)) => Ok(s),
            Some(other) => Err(self.wrong(key, &format!("a string \"{key}\""), kind_of(other))),
            None => Err(ImportError::expected(
                format!("required property \"{key}\""),
                "none",
                Position::pointer(self.pointer.clone()),
            )),
        }
    }

    /// A string property that may be missing (or null).
    pub(crate) fn opt_str(&self, key: &str) -> Result<Option<&'v str>, ImportError> {
        match self.map.get(key) {
            Some(Value::String(s)) => Ok(Some(s)),
            None | Some(Value::Null) => Ok(None),
            Some(other) => Err(self.wrong(key, &format!("a string \"{key}\""), kind_of(other))),
        }
    }

    /// A string property, or nothing when missing or of another type (for properties that
    /// only decorate, such as `description`).
    pub(crate) fn loose_str(&self, key: &str) -> Option<&'v str> {
        self.map.get(key).and_then(Value::as_str)
    }

    /// The strings of a list property; a single string counts as a list of one, other
    /// elements are ignored.
    pub(crate) fn str_list(&self, key: &str) -> Vec<&'v str> {
        match self.map.get(key) {
            Some(Value::String(s)) => vec![s.as_str()],
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        }
    }

    /// A list of identifiers that must be there (`object_refs`).
    pub(crate) fn required_refs(&self, key: &str) -> Result<Vec<&'v str>, ImportError> {
        match self.map.get(key) {
            Some(Value::Array(items)) => Ok(items.iter().filter_map(Value::as_str).collect()),
            Some(other) => Err(self.wrong(key, &format!("an array \"{key}\""), kind_of(other))),
            None => Err(ImportError::expected(
                format!("required property \"{key}\""),
                "none",
                Position::pointer(self.pointer.clone()),
            )),
        }
    }

    /// A timestamp property, `Err` with the message when present but unreadable.
    pub(crate) fn time(&self, key: &str) -> Result<Option<Timestamp>, String> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Timestamp::parse(s).map(Some).map_err(|e| e.to_string()),
            Some(other) => Err(format!("expected a timestamp, found {}", kind_of(other))),
        }
    }
}
