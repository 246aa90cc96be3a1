//! Reading MISP's loosely typed JSON: ids, enums and timestamps come as strings or numbers,
//! flags as booleans, `"0"`/`"1"` or numbers, and every position is a JSON pointer.

use std::borrow::Cow;

use iocdb_model::Timestamp;
use serde_json::{Map, Value};

use crate::context::Context;
use crate::error::Position;

/// The JSON pointer of `key` inside the value at `at` (RFC 6901 escaping).
pub(super) fn child(at: &str, key: &str) -> String {
    let key = key.replace('~', "~0").replace('/', "~1");
    format!("{at}/{key}")
}

/// The JSON pointer of element `index` of the array at `at`.
pub(super) fn index(at: &str, index: usize) -> String {
    format!("{at}/{index}")
}

/// A short description of a JSON value, for "expected …, found …" messages.
pub(super) fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string {:?}", shorten(s)),
        Value::Array(_) => "an array".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}

/// At most 60 characters of `text`, with `…` when cut.
fn shorten(text: &str) -> Cow<'_, str> {
    match text.char_indices().nth(60) {
        Some((end, _)) => Cow::Owned(format!("{}…", text.get(..end).unwrap_or_default())),
        None => Cow::Borrowed(text),
    }
}

/// One JSON object of a MISP document, where it is, and the context to warn through.
pub(super) struct Fields<'v> {
    /// The object's members.
    pub(super) map: &'v Map<String, Value>,
    /// Its JSON pointer.
    pub(super) at: String,
}

impl<'v> Fields<'v> {
    /// The object `value` at `at`, or `None` when `value` is not an object.
    pub(super) fn of(value: &'v Value, at: String) -> Option<Self> {
        value.as_object().map(|map| Fields { map, at })
    }

    /// The pointer of member `key`.
    pub(super) fn at(&self, key: &str) -> String {
        child(&self.at, key)
    }

    /// The position of member `key`.
    pub(super) fn pos(&self, key: &str) -> Position {
        Position::pointer(self.at(key))
    }

    /// Member `key`, absent when missing or `null`.
    pub(super) fn get(&self, key: &str) -> Option<&'v Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    /// Member `key` as text: a string, or a number written out. Other kinds are reported
    /// as a warning and read as absent.
    pub(super) fn text(&self, key: &str, ctx: &mut Context<'_>) -> Option<Cow<'v, str>> {
        match self.get(key)? {
            Value::String(s) => Some(Cow::Borrowed(s.as_str())),
            Value::Number(n) => Some(Cow::Owned(n.to_string())),
            other => {
                self.wrong(key, "a string", other, ctx);
                None
            }
        }
    }

    /// Member `key` as text, empty when absent.
    pub(super) fn text_or_empty(&self, key: &str, ctx: &mut Context<'_>) -> String {
        self.text(key, ctx).map(Cow::into_owned).unwrap_or_default()
    }

    /// Member `key` as a flag: `true`/`false`, `"1"`/`"0"`, `"true"`/`"false"` or a number.
    pub(super) fn flag(&self, key: &str, ctx: &mut Context<'_>) -> Option<bool> {
        let value = self.get(key)?;
        let flag = match value {
            Value::Bool(b) => Some(*b),
            Value::Number(n) => n.as_u64().map(|n| n != 0),
            Value::String(s) => match s.trim() {
                "1" | "true" | "True" => Some(true),
                "0" | "false" | "False" | "" => Some(false),
                _ => None,
            },
            _ => None,
        };
        if flag.is_none() {
            self.wrong(key, "a boolean", value, ctx);
        }
        flag
    }

    /// Member `key` as a small numeric code (`"2"` or `2`).
    pub(super) fn code(&self, key: &str, ctx: &mut Context<'_>) -> Option<u8> {
        let value = self.get(key)?;
        let code = match value {
            Value::Number(n) => n.as_u64().and_then(|n| u8::try_from(n).ok()),
            Value::String(s) => s.trim().parse::<u8>().ok(),
            _ => None,
        };
        if code.is_none() {
            self.wrong(key, "a numeric code", value, ctx);
        }
        code
    }

    /// Member `key` as a timestamp (unix seconds, RFC 3339 or a date). `0` and the empty
    /// string mean "never" and read as absent; unparsable text is reported.
    pub(super) fn time(&self, key: &str, ctx: &mut Context<'_>) -> Option<Timestamp> {
        let text = self.text(key, ctx)?;
        let text = text.trim();
        if text.is_empty() || text == "0" {
            return None;
        }
        match Timestamp::parse(text) {
            Ok(ts) => Some(ts),
            Err(err) => {
                ctx.warn(self.pos(key), err.to_string());
                None
            }
        }
    }

    /// Member `key` as an array, empty when absent; anything else is reported.
    pub(super) fn array(&self, key: &str, ctx: &mut Context<'_>) -> &'v [Value] {
        match self.get(key) {
            None => &[],
            Some(Value::Array(items)) => items,
            Some(other) => {
                self.wrong(key, "an array", other, ctx);
                &[]
            }
        }
    }

    /// Member `key` as an object, absent when missing; anything else is reported.
    pub(super) fn object(&self, key: &str, ctx: &mut Context<'_>) -> Option<Fields<'v>> {
        let value = self.get(key)?;
        let fields = Fields::of(value, self.at(key));
        if fields.is_none() {
            self.wrong(key, "an object", value, ctx);
        }
        fields
    }

    /// Warns that member `key` is `found` where `expected` was required.
    fn wrong(&self, key: &str, expected: &str, found: &Value, ctx: &mut Context<'_>) {
        let message = format!("expected {expected}, found {}; ignored", describe(found));
        ctx.warn(self.pos(key), message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_escape_tilde_and_slash() {
        assert_eq!(child("/Event", "a/b~c"), "/Event/a~1b~0c");
        assert_eq!(index("/response", 5), "/response/5");
    }

    #[test]
    fn describe_shortens_long_strings() {
        let long = "é".repeat(100);
        let text = describe(&Value::String(long));
        assert!(text.ends_with("…\""), "{text}");
        assert_eq!(describe(&Value::Null), "null");
    }
}
