//! Parsing only what the decoder reads: a [`serde_json::Value`] is built for the members an
//! event conversion uses, and everything else (galaxy cluster metadata, internal ids, shadow
//! attributes, related events, attachment data) is skipped by the parser without being
//! allocated. Galaxy metadata alone is most of the bytes of many real events.

use std::fmt;

use serde::Deserialize as _;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// Which parts of a JSON value to keep.
pub(super) enum Filter {
    /// The whole value.
    Keep,
    /// Only whether the value is present and not empty: `true`, or `null` for `null` and `""`.
    Flag,
    /// In an object, only the listed members, each filtered in turn; in an array, each
    /// element filtered the same way; scalars as they are.
    Fields(&'static [(&'static str, Filter)]),
    /// What may hold an event, `{"Event": …}` or the event itself: `Event` and the event's
    /// members are filtered as events are, other members kept as `null` so that their names
    /// can be reported.
    Envelope,
}

/// Keeps the listed members of an object (or of each object of an array).
const fn fields(keep: &'static [(&'static str, Filter)]) -> Filter {
    Filter::Fields(keep)
}

const TAG: Filter = fields(&[("name", Filter::Keep), ("colour", Filter::Keep)]);

const CLUSTER: Filter =
    fields(&[("tag_name", Filter::Keep), ("type", Filter::Keep), ("value", Filter::Keep)]);

const GALAXY: Filter = fields(&[("type", Filter::Keep), ("GalaxyCluster", CLUSTER)]);

const SIGHTING: Filter = fields(&[
    ("date_sighting", Filter::Keep),
    ("type", Filter::Keep),
    ("source", Filter::Keep),
    ("Organisation", fields(&[("name", Filter::Keep)])),
]);

const ATTRIBUTE: Filter = fields(&[
    ("uuid", Filter::Keep),
    ("type", Filter::Keep),
    ("category", Filter::Keep),
    ("value", Filter::Keep),
    ("to_ids", Filter::Keep),
    ("comment", Filter::Keep),
    ("first_seen", Filter::Keep),
    ("last_seen", Filter::Keep),
    ("timestamp", Filter::Keep),
    ("deleted", Filter::Keep),
    ("disable_correlation", Filter::Keep),
    ("object_relation", Filter::Keep),
    ("data", Filter::Flag),
    ("Tag", TAG),
    ("Galaxy", GALAXY),
    ("Sighting", SIGHTING),
]);

const OBJECT: Filter = fields(&[
    ("uuid", Filter::Keep),
    ("name", Filter::Keep),
    ("meta-category", Filter::Keep),
    ("comment", Filter::Keep),
    ("deleted", Filter::Keep),
    ("Attribute", ATTRIBUTE),
    ("ObjectReference", fields(&[])),
]);

const REPORT: Filter =
    fields(&[("name", Filter::Keep), ("content", Filter::Keep), ("deleted", Filter::Keep)]);

/// The members of an event the conversion reads.
const EVENT_MEMBERS: &[(&str, Filter)] = &[
    ("uuid", Filter::Keep),
    ("info", Filter::Keep),
    ("date", Filter::Keep),
    ("threat_level_id", Filter::Keep),
    ("analysis", Filter::Keep),
    ("distribution", Filter::Keep),
    ("published", Filter::Keep),
    ("timestamp", Filter::Keep),
    ("publish_timestamp", Filter::Keep),
    ("disable_correlation", Filter::Keep),
    ("Orgc", fields(&[("name", Filter::Keep), ("uuid", Filter::Keep)])),
    ("Tag", TAG),
    ("Galaxy", GALAXY),
    ("Attribute", ATTRIBUTE),
    ("Object", OBJECT),
    ("EventReport", REPORT),
];

/// An event object.
pub(super) const EVENT: Filter = fields(EVENT_MEMBERS);

/// The filter of member `key` of an event, if the conversion reads it.
pub(super) fn event_member(key: &str) -> Option<&'static Filter> {
    EVENT_MEMBERS.iter().find(|(name, _)| *name == key).map(|(_, filter)| filter)
}

/// Deserialises a value through a filter.
pub(super) struct Filtered<'f>(pub(super) &'f Filter);

impl<'de> DeserializeSeed<'de> for Filtered<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        match self.0 {
            Filter::Keep => Value::deserialize(deserializer),
            Filter::Flag => deserializer.deserialize_any(FlagVisitor),
            Filter::Fields(_) | Filter::Envelope => {
                deserializer.deserialize_any(FieldsVisitor(self.0))
            }
        }
    }
}

/// Reads presence only.
struct FlagVisitor;

impl<'de> Visitor<'de> for FlagVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(if v.is_empty() { Value::Null } else { Value::Bool(true) })
    }

    fn visit_bool<E>(self, _: bool) -> Result<Value, E> {
        Ok(Value::Bool(true))
    }

    fn visit_i64<E>(self, _: i64) -> Result<Value, E> {
        Ok(Value::Bool(true))
    }

    fn visit_u64<E>(self, _: u64) -> Result<Value, E> {
        Ok(Value::Bool(true))
    }

    fn visit_f64<E>(self, _: f64) -> Result<Value, E> {
        Ok(Value::Bool(true))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Value::Bool(true))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Value::Bool(true))
    }
}

/// Builds objects with the kept members only.
struct FieldsVisitor<'f>(&'f Filter);

impl<'de> Visitor<'de> for FieldsVisitor<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(Filtered(self.0))? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key_seed(KeySeed(self.0))? {
            match key {
                Key::Kept(name, filter) => {
                    let value = map.next_value_seed(Filtered(filter))?;
                    out.insert(name.to_owned(), value);
                }
                Key::Other(name) => {
                    map.next_value::<IgnoredAny>()?;
                    out.insert(name, Value::Null);
                }
                Key::Skipped => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Value::Object(out))
    }
}

/// A member name, resolved against the filter without allocating for skipped members.
enum Key<'f> {
    Kept(&'static str, &'f Filter),
    Other(String),
    Skipped,
}

/// Reads a member name of an object filtered by the given filter.
struct KeySeed<'f>(&'f Filter);

impl<'de, 'f> DeserializeSeed<'de> for KeySeed<'f> {
    type Value = Key<'f>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key<'f>, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de, 'f> Visitor<'de> for KeySeed<'f> {
    type Value = Key<'f>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'f>, E> {
        let find = |keep: &'static [(&'static str, Filter)]| {
            keep.iter().find(|(name, _)| *name == v).map(|(name, filter)| Key::Kept(name, filter))
        };
        let key = match self.0 {
            Filter::Fields(keep) => find(keep).unwrap_or(Key::Skipped),
            Filter::Envelope if v == "Event" => Key::Kept("Event", &EVENT),
            Filter::Envelope => find(EVENT_MEMBERS).unwrap_or_else(|| Key::Other(v.to_owned())),
            Filter::Keep | Filter::Flag => Key::Skipped,
        };
        Ok(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(filter: &Filter, json: &str) -> Value {
        let mut de = serde_json::Deserializer::from_str(json);
        Filtered(filter).deserialize(&mut de).unwrap_or(Value::Null)
    }

    #[test]
    fn keeps_listed_members_and_drops_the_rest() {
        let json = r#"{"Event": {"id": "7", "uuid": "u", "Attribute": [{"value": "a", "id": "1",
            "data": "QUJD", "Galaxy": [{"type": "t", "description": "long",
            "GalaxyCluster": [{"tag_name": "x", "meta": {"refs": ["r"]}}]}]}]}, "extra": 1}"#;
        let value = filter(&Filter::Envelope, json);
        let expected = serde_json::json!({"Event": {"uuid": "u", "Attribute": [{"value": "a",
            "data": true, "Galaxy": [{"type": "t", "GalaxyCluster": [{"tag_name": "x"}]}]}]},
            "extra": null});
        assert_eq!(value, expected);
    }

    #[test]
    fn flag_reads_presence() {
        let flags = Filter::Fields(&[("data", Filter::Flag)]);
        let value = filter(&flags, r#"[{"data": ""}, {"data": null}, {"data": [1]}, {"data": 0}]"#);
        let expected =
            serde_json::json!([{"data": null}, {"data": null}, {"data": true}, {"data": true}]);
        assert_eq!(value, expected);
    }
}
