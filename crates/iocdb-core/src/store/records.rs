//! Records: postcard-encoded structs behind a record-version byte.

use iocdb_model::{Attribute, Event, Source};
use serde::{Deserialize, Serialize, de::DeserializeOwned};

/// Version byte in front of every record; bumped when a record's shape changes.
pub(crate) const RECORD_VERSION: u8 = 1;

/// An event as stored: the model event without its attributes, which are records of
/// their own, plus what the indexes need.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct EventRecord {
    /// The source the event belongs to.
    pub(crate) source: u32,
    /// The event's attribute ids, in the event's order.
    pub(crate) attrs: Vec<u32>,
    /// Number of distinct correlation keys the event carries.
    pub(crate) value_count: u32,
    /// The event, with `attributes` empty.
    pub(crate) event: Event,
}

/// An attribute as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct AttrRecord {
    /// The event holding it.
    pub(crate) event: u32,
    /// The value ids of its correlation keys (none, one, or two for composites).
    pub(crate) values: Vec<u32>,
    /// The attribute.
    pub(crate) attribute: Attribute,
}

/// A source as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct SourceRecord {
    /// The source.
    pub(crate) source: Source,
}

/// A MISP warninglist as stored: its definition; the matcher is rebuilt on load.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct WarninglistRecord {
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) version: u64,
    pub(crate) list_type: iocdb_model::WarninglistType,
    pub(crate) matching_attributes: Vec<String>,
    pub(crate) entries: Vec<String>,
}

/// Encodes a record.
pub(crate) fn encode<T: Serialize>(record: &T) -> Vec<u8> {
    let out = vec![RECORD_VERSION];
    // postcard only fails on serialisers it does not support (none of ours) or when
    // writing into a full buffer, which a growing Vec never is.
    match postcard::to_extend(record, out) {
        Ok(out) => out,
        Err(_) => unreachable!("postcard serialisation into a Vec cannot fail"),
    }
}

/// Decodes a record; `None` on a wrong version byte or malformed payload.
pub(crate) fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Option<T> {
    let payload = bytes.strip_prefix(&[RECORD_VERSION])?;
    postcard::from_bytes(payload).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use iocdb_model::SourceKind;

    #[test]
    fn golden_bytes() {
        let record = SourceRecord { source: Source::new("abc", SourceKind::Feed) };
        // version 1, name "abc" (len 3), kind Feed (variant 0), format None, location None.
        assert_eq!(encode(&record), [1, 3, b'a', b'b', b'c', 0, 0, 0]);
        assert_eq!(decode::<SourceRecord>(&encode(&record)), Some(record));
        assert_eq!(decode::<SourceRecord>(&[2, 3, b'a', b'b', b'c', 0, 0, 0]), None);
        assert_eq!(decode::<SourceRecord>(&[1, 9, b'a']), None);
    }
}
