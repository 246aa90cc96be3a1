//! Cyber observables (SCOs) reduced to flat `(path, value)` facts.
//!
//! A `file` with `{"name": "a.exe", "hashes": {"SHA-256": "..."}}` becomes the facts
//! `file:name = 'a.exe'` and `file:hashes.sha256 = '...'`, the same shape a pattern gives,
//! so one table ([`super::mapping`]) types both. References are followed one level:
//! a `network-traffic` whose `dst_ref` is an `ipv4-addr` gives `dst_ref.value`.

use serde_json::{Map, Value};

use super::mapping::join_components;

/// The types of STIX 2.1 cyber observables (all of them, mapped or not).
pub(crate) const OBSERVABLE_TYPES: [&str; 18] = [
    "artifact",
    "autonomous-system",
    "directory",
    "domain-name",
    "email-addr",
    "email-message",
    "file",
    "ipv4-addr",
    "ipv6-addr",
    "mac-addr",
    "mutex",
    "network-traffic",
    "process",
    "software",
    "url",
    "user-account",
    "windows-registry-key",
    "x509-certificate",
];

/// Values longer than this are not kept (binary payloads, mail bodies of megabytes).
const MAX_VALUE_LEN: usize = 64 * 1024;

/// Nesting below which properties are not read (dictionaries in extensions).
const MAX_DEPTH: usize = 6;

/// One fact an observable or a pattern states: `object_type:path = value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fact {
    /// The observable type the path starts from.
    pub(crate) object_type: String,
    /// The canonical property path.
    pub(crate) path: String,
    /// The value, as text.
    pub(crate) value: String,
}

/// An observable reduced to its scalar properties and its references.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Observable {
    /// `file`, `ipv4-addr`, ...
    pub(crate) object_type: String,
    /// Scalar properties: canonical path and value.
    pub(crate) props: Vec<(String, String)>,
    /// References: canonical path prefix (`dst_ref`, `resolves_to_refs[*]`) and target
    /// (a STIX id, or a key of a STIX 2.0 `objects` dictionary).
    pub(crate) refs: Vec<(String, String)>,
}

impl Observable {
    /// Reads an observable's properties. Custom (`x_`) properties, binary payloads and
    /// markings are left out.
    pub(crate) fn from_map(object_type: &str, map: &Map<String, Value>) -> Self {
        let mut observable =
            Observable { object_type: object_type.to_owned(), props: Vec::new(), refs: Vec::new() };
        let mut parts = Vec::new();
        for (key, value) in map {
            if is_skipped_key(key) {
                continue;
            }
            parts.push(key.clone());
            observable.flatten(&mut parts, value, 0);
            parts.pop();
        }
        observable
    }

    fn flatten(&mut self, parts: &mut Vec<String>, value: &Value, depth: usize) {
        let key = parts.last().map(String::as_str).unwrap_or_default();
        let is_ref = key.ends_with("_ref");
        let is_refs = key.ends_with("_refs");
        match value {
            Value::String(s) if is_ref => self.refs.push((join_components(parts), s.clone())),
            Value::String(s) if s.len() <= MAX_VALUE_LEN => {
                self.props.push((join_components(parts), s.clone()));
            }
            Value::Number(n) => self.props.push((join_components(parts), n.to_string())),
            Value::Object(map) if depth < MAX_DEPTH => {
                for (child, inner) in map {
                    if child.starts_with("x_") {
                        continue;
                    }
                    parts.push(child.clone());
                    self.flatten(parts, inner, depth + 1);
                    parts.pop();
                }
            }
            Value::Array(items) if depth < MAX_DEPTH => {
                let Some(last) = parts.pop() else { return };
                parts.push(format!("{last}[*]"));
                for item in items {
                    if is_refs {
                        if let Some(target) = item.as_str() {
                            self.refs.push((join_components(parts), target.to_owned()));
                        }
                    } else {
                        self.flatten_list_item(parts, item, depth + 1);
                    }
                }
                parts.pop();
                parts.push(last);
            }
            _ => {}
        }
    }

    /// An element of a list: a scalar under the list's path, or an object whose
    /// properties continue the path (`body_multipart[*].body_raw_ref`).
    fn flatten_list_item(&mut self, parts: &mut Vec<String>, item: &Value, depth: usize) {
        match item {
            Value::Object(map) if depth < MAX_DEPTH => {
                for (child, inner) in map {
                    parts.push(child.clone());
                    self.flatten(parts, inner, depth + 1);
                    parts.pop();
                }
            }
            Value::String(s) if s.len() <= MAX_VALUE_LEN => {
                self.props.push((join_components(parts), s.clone()));
            }
            Value::Number(n) => self.props.push((join_components(parts), n.to_string())),
            _ => {}
        }
    }

    /// The facts this observable states, following its references one level through
    /// `resolve`.
    pub(crate) fn facts<'o>(&self, resolve: impl Fn(&str) -> Option<&'o Observable>) -> Vec<Fact> {
        let mut facts: Vec<Fact> =
            self.props.iter().map(|(path, value)| self.fact(path.clone(), value)).collect();
        for (prefix, target) in &self.refs {
            let Some(target) = resolve(target) else { continue };
            for (path, value) in &target.props {
                facts.push(self.fact(format!("{prefix}.{path}"), value));
            }
        }
        facts
    }

    fn fact(&self, path: String, value: &str) -> Fact {
        Fact { object_type: self.object_type.clone(), path, value: value.to_owned() }
    }
}

/// Properties that are never facts: identity, versioning, markings, custom properties and
/// binary content.
fn is_skipped_key(key: &str) -> bool {
    key.starts_with("x_")
        || matches!(
            key,
            "type"
                | "id"
                | "spec_version"
                | "defanged"
                | "object_marking_refs"
                | "granular_markings"
                | "payload_bin"
                | "created_by_ref"
        )
}

/// The STIX 2.0 `objects` dictionary of an observed-data: its observables by key, and the
/// facts of its roots (observables no other one of the dictionary refers to), in key order.
pub(crate) fn dictionary_facts(objects: &Map<String, Value>) -> Vec<Fact> {
    let observables: Vec<(&str, Observable)> = objects
        .iter()
        .filter_map(|(key, value)| {
            let map = value.as_object()?;
            let object_type = map.get("type")?.as_str()?;
            Some((key.as_str(), Observable::from_map(object_type, map)))
        })
        .collect();
    let referenced: Vec<&str> =
        observables.iter().flat_map(|(_, o)| o.refs.iter().map(|(_, t)| t.as_str())).collect();
    let resolve = |target: &str| observables.iter().find(|(k, _)| *k == target).map(|(_, o)| o);
    observables
        .iter()
        .filter(|(key, _)| !referenced.contains(key))
        .flat_map(|(_, observable)| observable.facts(resolve))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(json: &str) -> Map<String, Value> {
        serde_json::from_str(json).expect("test JSON")
    }

    fn pairs(facts: &[Fact]) -> Vec<(String, String)> {
        facts.iter().map(|f| (format!("{}:{}", f.object_type, f.path), f.value.clone())).collect()
    }

    #[test]
    fn file_hashes_and_name() {
        let o = Observable::from_map(
            "file",
            &map(r#"{"type": "file", "id": "file--1", "name": "a.exe", "size": 35,
                    "hashes": {"SHA-256": "AA", "MD5": "bb"}, "x_misp_x": "no"}"#),
        );
        let mut got = pairs(&o.facts(|_| None));
        got.sort();
        let want = [
            ("file:hashes.md5", "bb"),
            ("file:hashes.sha256", "AA"),
            ("file:name", "a.exe"),
            ("file:size", "35"),
        ];
        let want: Vec<_> = want.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn dictionary_follows_refs_from_roots() {
        let objects = map(r#"{"0": {"type": "ipv4-addr", "value": "149.13.33.14"},
                "1": {"type": "domain-name", "value": "circl.lu", "resolves_to_refs": ["0"]}}"#);
        let got = pairs(&dictionary_facts(&objects));
        assert_eq!(
            got,
            [
                ("domain-name:value".to_string(), "circl.lu".to_string()),
                ("domain-name:resolves_to_refs[*].value".to_string(), "149.13.33.14".to_string()),
            ]
        );
    }

    #[test]
    fn http_extension_header() {
        let o = Observable::from_map(
            "network-traffic",
            &map(r#"{"extensions": {"http-request-ext": {"request_method": "get",
                   "request_header": {"User-Agent": "Mozilla"}}}, "dst_ref": "ipv4-addr--1"}"#),
        );
        let got = pairs(&o.facts(|_| None));
        assert!(got.contains(&(
            "network-traffic:extensions.http-request-ext.request_header.user-agent".into(),
            "Mozilla".into()
        )));
        assert_eq!(o.refs, [("dst_ref".to_string(), "ipv4-addr--1".to_string())]);
    }
}
