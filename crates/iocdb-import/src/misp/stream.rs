//! The envelopes a MISP event comes in, read as a stream: `{"Event": {…}}`, a bare event
//! object, an array of `{"Event": …}` and restSearch's `{"response": [{"Event": …}, …]}`.
//!
//! Arrays are read one element at a time with serde's visitor interface: only one event is
//! in memory at once, so a collection of any size streams. An event is held as a
//! [`serde_json::Value`] of the members the conversion reads (see [`super::filter`]): a
//! few times the size of those members, so a single event of 100 MB of attributes needs
//! several hundred MB.

use std::fmt;
use std::io::BufRead;

use serde::de::value::MapAccessDeserializer;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::event;
use super::filter::{self, Filter, Filtered};
use super::json::{child, describe, index};
use crate::context::Context;
use crate::error::{ErrorKind, ImportError, Position};

/// Decodes every event of `input` into `ctx`.
pub(super) fn decode(input: impl BufRead, ctx: &mut Context<'_>) -> Result<(), ImportError> {
    let mut de = serde_json::Deserializer::from_reader(input);
    let mut stream = Stream { ctx, stopped: None };
    let result = (&mut stream).deserialize(&mut de).and_then(|()| de.end());
    let Stream { ctx, stopped } = stream;
    match stopped {
        Some(err) => Err(err),
        None => result.map_err(|err| json_error(err, ctx)),
    }
}

/// A serde_json error as an [`ImportError`] at its line.
pub(super) fn json_error(err: serde_json::Error, ctx: &Context<'_>) -> ImportError {
    let position = Position::line(err.line() as u64);
    if err.is_io() {
        return ctx.error(ErrorKind::Io(err.into()), position);
    }
    let column = err.column();
    let text = err.to_string();
    let message = match text.rfind(" at line ") {
        Some(cut) => text.get(..cut).unwrap_or(&text).to_owned(),
        None => text,
    };
    ctx.error(ErrorKind::Json(format!("{message} (column {column})")), position)
}

/// The decoder's state while serde walks the document.
struct Stream<'s, 'a> {
    ctx: &'s mut Context<'a>,
    /// Why the import stopped (strict mode or a sink failure), reported instead of the
    /// serde error used to unwind.
    stopped: Option<ImportError>,
}

impl Stream<'_, '_> {
    /// Converts and emits the event object `value` found at `at`.
    fn event(&mut self, value: &Value, at: String) -> Result<(), ImportError> {
        if let Some(event) = event::convert(value, at, self.ctx)? {
            self.ctx.emit(event)?;
        }
        Ok(())
    }

    /// One element of a collection: `{"Event": …}` or a bare event.
    fn element(&mut self, value: Value, at: String) -> Result<(), ImportError> {
        match value.get("Event") {
            Some(inner) => self.event(inner, child(&at, "Event")),
            None if is_bare_event(&value) => self.event(&value, at),
            None => {
                let kind = ErrorKind::Expected {
                    expected: "a MISP event ({\"Event\": {…}})".to_owned(),
                    found: found_for(&value),
                };
                let err = self.ctx.error(kind, Position::pointer(at));
                self.ctx.skip(err)
            }
        }
    }

    /// Turns an [`ImportError`] into a serde error that unwinds the parse, keeping it.
    fn stop<E: de::Error>(&mut self, err: ImportError) -> E {
        self.stopped = Some(err);
        E::custom("import stopped")
    }

    /// Reads the elements of an array at `at`, one at a time.
    fn elements<'de, A: SeqAccess<'de>>(&mut self, mut seq: A, at: &str) -> Result<(), A::Error> {
        let mut i = 0;
        while let Some(value) = seq.next_element_seed(Filtered(&Filter::Envelope))? {
            if let Err(err) = self.element(value, index(at, i)) {
                return Err(self.stop(err));
            }
            i += 1;
        }
        Ok(())
    }
}

/// Whether an object without `Event` or `response` is itself an event: it has a `uuid`
/// or an `info`, or `Attribute` or `Object` arrays (search results of attributes or objects
/// have single objects there).
fn is_bare_event(value: &Value) -> bool {
    let Some(map) = value.as_object() else { return false };
    let array = |key: &str| map.get(key).is_some_and(Value::is_array);
    map.contains_key("uuid") || map.contains_key("info") || array("Attribute") || array("Object")
}

/// What a non-event value is, for error messages.
fn found_for(value: &Value) -> String {
    match value.as_object() {
        Some(map) if map.contains_key("Attribute") || map.contains_key("Object") => {
            "an attribute or object search result, not an event".to_owned()
        }
        Some(map) => {
            let keys: Vec<&str> = map.keys().take(8).map(String::as_str).collect();
            format!("an object with members {}", keys.join(", "))
        }
        None => describe(value),
    }
}

impl<'de> DeserializeSeed<'de> for &mut Stream<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(TopLevel(self))
    }
}

/// The document: an array of events or an object (envelope or bare event).
struct TopLevel<'x, 's, 'a>(&'x mut Stream<'s, 'a>);

impl<'de> Visitor<'de> for TopLevel<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a MISP event, an array of events or a restSearch response")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        self.0.elements(seq, "")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let stream = self.0;
        let mut event = None;
        let mut responded = false;
        let mut rest = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "Event" => event = Some(map.next_value_seed(Filtered(&filter::EVENT))?),
                "response" => {
                    map.next_value_seed(Response(stream))?;
                    responded = true;
                }
                _ => {
                    let value = match filter::event_member(&key) {
                        Some(filter) => map.next_value_seed(Filtered(filter))?,
                        None => map.next_value::<IgnoredAny>().map(|_| Value::Null)?,
                    };
                    rest.insert(key, value);
                }
            }
        }
        let result = match event {
            Some(event) => stream.event(&event, "/Event".to_owned()),
            None if responded => Ok(()),
            None => bare_event(stream, Value::Object(rest)),
        };
        result.map_err(|err| stream.stop(err))
    }
}

/// A top-level object that is neither `{"Event": …}` nor `{"response": …}`.
fn bare_event(stream: &mut Stream<'_, '_>, value: Value) -> Result<(), ImportError> {
    if is_bare_event(&value) {
        return stream.event(&value, String::new());
    }
    let kind = ErrorKind::Expected {
        expected: "a MISP event ({\"Event\": {…}}, an event object, an array of events or \
                   {\"response\": [...]})"
            .to_owned(),
        found: found_for(&value),
    };
    Err(stream.ctx.error(kind, Position::default()))
}

/// The value of `response`: an array of events, streamed.
struct Response<'x, 's, 'a>(&'x mut Stream<'s, 'a>);

impl<'de> DeserializeSeed<'de> for Response<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Response<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of events")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        self.0.elements(seq, "/response")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let value = Filtered(&Filter::Envelope).deserialize(MapAccessDeserializer::new(map))?;
        let stream = self.0;
        let result = match value.get("Event") {
            Some(event) => stream.event(event, "/response/Event".to_owned()),
            None => {
                let kind = ErrorKind::Expected {
                    expected: "an array of MISP events".to_owned(),
                    found: found_for(&value),
                };
                Err(stream.ctx.error(kind, Position::pointer("/response")))
            }
        };
        result.map_err(|err| stream.stop(err))
    }
}
