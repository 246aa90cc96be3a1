//! Which format a file is in, from its content.
//!
//! Detection reads only the first 8 KB: JSON formats are told apart by the
//! top-level keys of the first object (a truncated document is fine), XML by its root
//! element, text by a known feed header ([`crate::feed::detect_preset`]) or a consistent
//! delimited layout ([`crate::feed::infer_layout`]), anything else being free text.

use std::fmt;
use std::path::Path;

use crate::feed::{detect_preset, infer_layout};

/// How many bytes of a file detection looks at.
pub(crate) const HEAD_LEN: usize = 8192;

/// The formats iocdb reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// A STIX 2.0 or 2.1 bundle (or a single STIX object).
    Stix,
    /// An OpenIOC 1.0 or 1.1 XML file.
    OpenIoc,
    /// A CSV feed (a preset layout, or a column mapping).
    Csv,
    /// Free text or one value per line.
    Freetext,
    /// A MISP JSON event or a collection of events.
    Misp,
    /// A MISP feed directory (manifest.json and one JSON file per event).
    MispFeed,
    /// A MISP warninglist.
    Warninglist,
}

const ALL: [Format; 7] = [
    Format::Stix,
    Format::OpenIoc,
    Format::Csv,
    Format::Freetext,
    Format::Misp,
    Format::MispFeed,
    Format::Warninglist,
];

impl Format {
    /// Every format.
    pub fn all() -> &'static [Format] {
        &ALL
    }

    /// The format's name on the command line: `stix`, `openioc`, `csv`, `freetext`,
    /// `misp`, `misp-feed`, `warninglist`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Stix => "stix",
            Format::OpenIoc => "openioc",
            Format::Csv => "csv",
            Format::Freetext => "freetext",
            Format::Misp => "misp",
            Format::MispFeed => "misp-feed",
            Format::Warninglist => "warninglist",
        }
    }

    /// The format called `name` (case-insensitive).
    pub fn from_name(name: &str) -> Option<Format> {
        ALL.into_iter().find(|f| f.name().eq_ignore_ascii_case(name.trim()))
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Detects the format of a file from its path (directories) and its first bytes.
///
/// - a directory holding `manifest.json`, or a file named `manifest.json` whose keys are
///   uuids: [`Format::MispFeed`];
/// - JSON: `"Event"` or `"response"` keys → [`Format::Misp`]; `"list"` with
///   `"matching_attributes"` or `"type"` → [`Format::Warninglist`]; `"type": "bundle"`,
///   `"spec_version"`, `"objects"`, or a STIX id (`type--uuid`) → [`Format::Stix`]
///   (arrays are judged by their first element);
/// - XML whose root is `ioc` or `OpenIOC` → [`Format::OpenIoc`];
/// - text with a known feed header or a consistent delimited layout → [`Format::Csv`],
///   other text → [`Format::Freetext`].
///
/// `None` for an empty or binary input, other JSON or XML, or a directory without a
/// manifest. Only the first 8 KB of `head` are looked at.
pub fn detect_format(path: Option<&Path>, head: &[u8]) -> Option<Format> {
    if let Some(path) = path.filter(|p| p.is_dir()) {
        return path.join("manifest.json").is_file().then_some(Format::MispFeed);
    }
    let head = head.get(..HEAD_LEN).unwrap_or(head);
    let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head).trim_ascii_start();
    if text.is_empty() || text.contains(&0) {
        return None;
    }
    let named_manifest = path.and_then(Path::file_name).is_some_and(|n| n == "manifest.json");
    match text.first() {
        Some(b'{' | b'[') => {
            if let Some(format) = json_format(text, named_manifest) {
                return Some(format);
            }
        }
        Some(b'<') => return xml_format(text),
        _ => {}
    }
    Some(text_format(head))
}

/// CSV when a preset or a consistent layout is recognised, free text otherwise.
fn text_format(head: &[u8]) -> Format {
    if detect_preset(head).is_some() || infer_layout(head).is_some() {
        Format::Csv
    } else {
        Format::Freetext
    }
}

/// Classifies JSON by the keys of its first object.
fn json_format(text: &[u8], named_manifest: bool) -> Option<Format> {
    let keys = first_object_keys(text);
    let has = |name: &str| keys.iter().any(|(k, _)| k == name);
    let value = |name: &str| keys.iter().find(|(k, _)| k == name).and_then(|(_, v)| v.as_deref());
    if has("Event") || has("response") || has("Attribute") {
        return Some(Format::Misp);
    }
    if has("list") && (has("matching_attributes") || has("type")) {
        return Some(Format::Warninglist);
    }
    let stix_id = value("id").is_some_and(|id| id.contains("--"));
    if value("type") == Some("bundle") || has("spec_version") || has("objects") || stix_id {
        return Some(Format::Stix);
    }
    let uuid_keys = keys.first().is_some_and(|(k, _)| uuid::Uuid::parse_str(k).is_ok());
    (uuid_keys || (named_manifest && keys.is_empty() && text.starts_with(b"{")))
        .then_some(Format::MispFeed)
}

/// The keys of the first JSON object in `text` (the top-level one, or the first element
/// of a top-level array), each with its value when that is a string. Stops quietly where
/// `text` ends.
fn first_object_keys(text: &[u8]) -> Vec<(String, Option<String>)> {
    let mut scan = Scan { text, pos: 0 };
    let mut keys = Vec::new();
    scan.skip_ws();
    if scan.eat(b'[') {
        scan.skip_ws();
    }
    if !scan.eat(b'{') {
        return keys;
    }
    while keys.len() < 200 {
        scan.skip_ws();
        let Some(key) = scan.string() else { break };
        scan.skip_ws();
        if !scan.eat(b':') {
            break;
        }
        scan.skip_ws();
        let value = if scan.peek() == Some(b'"') { scan.string() } else { scan.skip_value() };
        keys.push((key, value));
        scan.skip_ws();
        if !scan.eat(b',') {
            break;
        }
    }
    keys
}

/// A cursor over possibly truncated JSON.
struct Scan<'a> {
    text: &'a [u8],
    pos: usize,
}

impl Scan<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.pos).copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        if found {
            self.pos += 1;
        }
        found
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }

    /// A string at the cursor (escapes kept as written); `None` if there is none or it is cut.
    fn string(&mut self) -> Option<String> {
        if !self.eat(b'"') {
            return None;
        }
        let start = self.pos;
        while let Some(byte) = self.peek() {
            match byte {
                b'"' => {
                    let raw = self.text.get(start..self.pos).unwrap_or_default();
                    self.pos += 1;
                    return Some(String::from_utf8_lossy(raw).into_owned());
                }
                b'\\' => self.pos += 2,
                _ => self.pos += 1,
            }
        }
        None
    }

    /// Skips a non-string value (object, array, number, literal); always `None`.
    fn skip_value(&mut self) -> Option<String> {
        let mut depth = 0usize;
        while let Some(byte) = self.peek() {
            match byte {
                b'"' => {
                    self.string();
                    continue;
                }
                b'{' | b'[' => depth += 1,
                b'}' | b']' if depth == 0 => return None,
                b'}' | b']' => depth -= 1,
                b',' if depth == 0 => return None,
                _ => {}
            }
            self.pos += 1;
        }
        None
    }
}

/// OpenIOC when the root element is `ioc` or `OpenIOC` (any namespace prefix).
fn xml_format(text: &[u8]) -> Option<Format> {
    let root = root_element(text)?;
    let local = root.rsplit(|&b| b == b':').next().unwrap_or(root);
    let openioc = local.eq_ignore_ascii_case(b"ioc") || local.eq_ignore_ascii_case(b"OpenIOC");
    openioc.then_some(Format::OpenIoc)
}

/// The name of the first element, past the XML declaration, comments, processing
/// instructions and the doctype.
fn root_element(mut text: &[u8]) -> Option<&[u8]> {
    loop {
        text = text.trim_ascii_start();
        let skip_to: &[u8] = if text.starts_with(b"<?") {
            b"?>"
        } else if text.starts_with(b"<!--") {
            b"-->"
        } else if text.starts_with(b"<!") {
            b">"
        } else {
            break;
        };
        let end = memchr::memmem::find(text, skip_to)?;
        text = text.get(end + skip_to.len()..)?;
    }
    let rest = text.strip_prefix(b"<")?;
    let end = rest.iter().position(|&b| b.is_ascii_whitespace() || b == b'>' || b == b'/');
    let name = rest.get(..end.unwrap_or(rest.len()))?;
    (!name.is_empty()).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detect(text: &str) -> Option<Format> {
        detect_format(None, text.as_bytes())
    }

    #[test]
    fn json_by_first_keys() {
        assert_eq!(
            detect(r#"{"type": "bundle", "id": "bundle--1", "objects": ["#),
            Some(Format::Stix)
        );
        assert_eq!(
            detect(r#"[{"type": "ipv4-addr", "id": "ipv4-addr--5", "value": "1"}]"#),
            Some(Format::Stix)
        );
        assert_eq!(detect(r#"{"Event": {"info": "x", "Attribute": [{"#), Some(Format::Misp));
        assert_eq!(detect(r#"{"response": [{"Event": {}}]}"#), Some(Format::Misp));
        let list = r#"{"description": "d", "list": ["1.1.1.1"], "matching_attributes": [], "type": "cidr"}"#;
        assert_eq!(detect(list), Some(Format::Warninglist));
        let manifest = r#"{"5d1b9a8e-6c1f-4e0b-9a57-1f0c3e1a6b42": {"info": "x"}}"#;
        assert_eq!(detect(manifest), Some(Format::MispFeed));
        assert_eq!(
            detect(r#"{"name": "x", "nested": {"type": "bundle"}}"#),
            Some(Format::Freetext)
        );
    }

    #[test]
    fn xml_by_root_element() {
        let ioc = "<?xml version=\"1.0\"?>\n<!-- c -->\n<ioc xmlns=\"http://schemas.mandiant.com/2010/ioc\">";
        assert_eq!(detect(ioc), Some(Format::OpenIoc));
        assert_eq!(
            detect("<OpenIOC xmlns=\"http://openioc.org/schemas/OpenIOC_1.1\">"),
            Some(Format::OpenIoc)
        );
        assert_eq!(detect("<stix:STIX_Package>"), None);
    }

    #[test]
    fn empty_and_binary_are_unknown() {
        assert_eq!(detect(""), None);
        assert_eq!(detect(" \n "), None);
        assert_eq!(detect_format(None, b"PK\x03\x04\x00\x00"), None);
    }

    #[test]
    fn names_round_trip() {
        for format in Format::all() {
            assert_eq!(Format::from_name(format.name()), Some(*format));
        }
    }
}
