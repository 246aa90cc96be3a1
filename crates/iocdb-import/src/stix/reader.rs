//! Streaming read of a bundle: one STIX object at a time, never the whole document.
//!
//! The top level may be a bundle (`{"type": "bundle", "objects": [...]}`, keys in any
//! order), a plain JSON array of objects, or a single object. The `objects` array is read
//! element by element through a serde `DeserializeSeed`, so memory holds one object's
//! `serde_json::Value` at a time, whatever the size of the bundle.

use std::fmt;
use std::io::BufRead;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::error::{ErrorKind, ImportError, Position};

/// What the top level of the document was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Envelope {
    /// A bundle, with its id when it has one.
    Bundle {
        /// `bundle--<uuid>`.
        id: Option<String>,
    },
    /// A plain JSON array of objects.
    Array,
    /// A single STIX object.
    Single,
}

/// Called with each object: its index, the JSON pointer prefix of its array (`/objects`,
/// or empty for a plain array and a single object), and the object.
pub(crate) type Handler<'h> = dyn FnMut(u64, &'static str, Value) -> Result<(), ImportError> + 'h;

/// Reads the document, handing each STIX object to `handler` as soon as it is parsed.
pub(crate) fn read(
    input: impl BufRead,
    handler: &mut Handler<'_>,
) -> Result<Envelope, ImportError> {
    let mut state = State { handler, failure: None, prefix: "", index: None };
    let mut de = serde_json::Deserializer::from_reader(input);
    let result = Root { state: &mut state }.deserialize(&mut de).and_then(|envelope| {
        de.end()?;
        Ok(envelope)
    });
    match result {
        Ok(envelope) => envelope,
        Err(err) => Err(state.failure.take().unwrap_or_else(|| json_error(&err, &state))),
    }
}

/// Shared between the nested visitors.
struct State<'s, 'h> {
    handler: &'s mut Handler<'h>,
    /// An error of the handler, returned instead of the serde error that carried it out.
    failure: Option<ImportError>,
    /// Pointer prefix of the array being read.
    prefix: &'static str,
    /// Index of the element being read, while inside the array.
    index: Option<u64>,
}

impl State<'_, '_> {
    fn pointer(&self) -> Option<String> {
        self.index.map(|i| format!("{}/{i}", self.prefix))
    }
}

/// Turns a serde_json error into an import error at its line and array element.
fn json_error(err: &serde_json::Error, state: &State<'_, '_>) -> ImportError {
    let message = err.to_string();
    let message = match message.rsplit_once(" at line ") {
        Some((head, _)) => format!("{head} (column {})", err.column()),
        None => message,
    };
    let kind = match err.io_error_kind() {
        Some(kind) => ErrorKind::Io(std::io::Error::new(kind, message)),
        None => ErrorKind::Json(message),
    };
    let line = (err.line() > 0).then(|| err.line() as u64);
    let position = Position { line, record: None, pointer: state.pointer() };
    ImportError::new(kind, position)
}

/// The top level: a bundle, an array or a single object.
struct Root<'r, 's, 'h> {
    state: &'r mut State<'s, 'h>,
}

impl<'de> DeserializeSeed<'de> for Root<'_, '_, '_> {
    type Value = Result<Envelope, ImportError>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Root<'_, '_, '_> {
    type Value = Result<Envelope, ImportError>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a STIX bundle, a STIX object or an array of STIX objects")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        self.state.prefix = "";
        stream(self.state, seq)?;
        Ok(Ok(Envelope::Array))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut fields = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if key == "objects" {
                self.state.prefix = "/objects";
                if let Some(value) = map.next_value_seed(Objects { state: self.state })? {
                    fields.insert(key, value);
                }
            } else {
                let value: Value = map.next_value()?;
                fields.insert(key, value);
            }
        }
        Ok(finish(self.state, fields))
    }
}

/// After the top-level object: a bundle, or a single object handed to the handler.
fn finish(state: &mut State<'_, '_>, fields: Map<String, Value>) -> Result<Envelope, ImportError> {
    match fields.get("type").and_then(Value::as_str) {
        Some("bundle") => {
            let id = fields.get("id").and_then(Value::as_str).map(str::to_owned);
            Ok(Envelope::Bundle { id })
        }
        Some(_) => {
            (state.handler)(0, "", Value::Object(fields))?;
            Ok(Envelope::Single)
        }
        None => Err(ImportError::expected(
            "a STIX bundle or object (a JSON object with a \"type\")",
            "a JSON object without \"type\"",
            Position::pointer(""),
        )),
    }
}

/// The value of an `objects` key: streamed when it is an array (a bundle's objects),
/// kept whole otherwise (STIX 2.0 observed-data has an `objects` dictionary).
struct Objects<'r, 's, 'h> {
    state: &'r mut State<'s, 'h>,
}

impl<'de> DeserializeSeed<'de> for Objects<'_, '_, '_> {
    type Value = Option<Value>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Objects<'_, '_, '_> {
    type Value = Option<Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of STIX objects")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        stream(self.state, seq)?;
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut fields = Map::new();
        while let Some((key, value)) = map.next_entry::<String, Value>()? {
            fields.insert(key, value);
        }
        Ok(Some(Value::Object(fields)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(Value::String(v.to_owned())))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Some(Value::Bool(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(Value::from(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(Value::from(v)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Some(Value::from(v)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Some(Value::Null))
    }
}

/// Reads the elements of an array one by one and hands each to the handler.
fn stream<'de, A: SeqAccess<'de>>(state: &mut State<'_, '_>, mut seq: A) -> Result<(), A::Error> {
    let mut index = 0u64;
    loop {
        state.index = Some(index);
        let Some(value) = seq.next_element::<Value>()? else { break };
        if let Err(err) = (state.handler)(index, state.prefix, value) {
            state.failure = Some(err);
            return Err(de::Error::custom("import stopped"));
        }
        index += 1;
    }
    state.index = None;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the handler was given: index, pointer prefix, object.
    type Seen = Vec<(u64, &'static str, Value)>;

    fn collect(input: &str) -> (Result<Envelope, ImportError>, Seen) {
        let mut seen = Vec::new();
        let result = read(input.as_bytes(), &mut |i, prefix, value| {
            seen.push((i, prefix, value));
            Ok(())
        });
        (result, seen)
    }

    #[test]
    fn bundle_with_objects_before_id() {
        let (result, seen) = collect(
            r#"{"objects": [{"type": "a"}, {"type": "b"}], "type": "bundle", "id": "bundle--1"}"#,
        );
        assert_eq!(result.expect("ok"), Envelope::Bundle { id: Some("bundle--1".into()) });
        assert_eq!(seen.len(), 2);
        assert_eq!(seen[1].0, 1);
        assert_eq!(seen[1].1, "/objects");
    }

    #[test]
    fn array_and_single_object() {
        let (result, seen) = collect(r#"[{"type": "a"}]"#);
        assert_eq!(result.expect("ok"), Envelope::Array);
        assert_eq!(seen[0].1, "");
        let (result, seen) = collect(r#"{"type": "observed-data", "objects": {"0": {}}}"#);
        assert_eq!(result.expect("ok"), Envelope::Single);
        assert!(seen[0].2["objects"]["0"].is_object());
    }

    #[test]
    fn truncated_input_names_line_and_element() {
        let (result, seen) =
            collect("{\"type\": \"bundle\", \"objects\": [\n{\"type\": \"a\"},\n{\"type\": ");
        let err = result.expect_err("an error");
        assert_eq!(seen.len(), 1);
        assert_eq!(err.position().line, Some(3));
        assert_eq!(err.position().pointer.as_deref(), Some("/objects/1"));
    }

    #[test]
    fn handler_errors_come_out_unchanged() {
        let result = read(r#"[{"type": "a"}]"#.as_bytes(), &mut |_, _, _| {
            Err(ImportError::expected("x", "y", Position::pointer("/0")))
        });
        assert_eq!(result.expect_err("an error").position().pointer.as_deref(), Some("/0"));
    }

    #[test]
    fn scalars_and_untyped_objects_are_refused() {
        assert!(collect("42").0.is_err());
        assert!(collect("{}").0.is_err());
        assert!(collect("[1] x").0.is_err());
    }
}
