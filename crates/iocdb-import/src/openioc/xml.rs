//! A thin layer over quick-xml's streaming reader: owned events that know their line,
//! namespaces resolved, and the entity policy.
//!
//! Entities: the five predefined ones (`&lt;` ...) and character references are resolved;
//! any other reference is an error. The DTD is never read, so entities declared in it
//! are never expanded and an entity bomb ("billion laughs") costs nothing.

use std::collections::VecDeque;
use std::io::{self, BufRead, Read};

use quick_xml::NsReader;
use quick_xml::encoding::Decoder;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::name::ResolveResult;

use crate::error::{ErrorKind, ImportError, Position};

/// The OpenIOC 1.0 namespace.
pub(super) const NS_1_0: &str = "http://schemas.mandiant.com/2010/ioc";
/// The OpenIOC 1.1 namespace.
pub(super) const NS_1_1: &str = "http://openioc.org/schemas/OpenIOC_1.1";

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The namespace of an element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Ns {
    /// No namespace (no default namespace in scope).
    None,
    /// Any namespace, by URI.
    Uri(String),
}

impl Ns {
    fn describe(&self) -> String {
        match self {
            Ns::None => "no namespace".to_owned(),
            Ns::Uri(uri) => format!("namespace {uri}"),
        }
    }
}

/// A start tag: name, namespace, attributes (namespace declarations left out) and line.
#[derive(Debug, Clone)]
pub(super) struct Element {
    /// Local name (no prefix).
    pub(super) name: String,
    /// Resolved namespace.
    pub(super) ns: Ns,
    /// Attributes by local name, unescaped, in document order.
    attrs: Vec<(String, String)>,
    /// 1-based line of the `<`.
    pub(super) line: u64,
}

impl Element {
    /// The value of attribute `name` (local name), if present.
    pub(super) fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }

    /// `<name>` in its namespace, for error messages.
    pub(super) fn describe(&self) -> String {
        format!("<{}> in {}", self.name, self.ns.describe())
    }
}

/// One step through the document.
#[derive(Debug)]
pub(super) enum Node {
    /// A start tag (empty elements come as a start and an end).
    Start(Element),
    /// The end of the innermost open element.
    End,
    /// Character data (text, CDATA or a resolved reference), possibly one piece of many.
    Text(String),
    /// The end of the input, with every element closed.
    Eof,
}

/// Reads [`Node`]s from a byte stream.
pub(super) struct XmlReader<R: BufRead> {
    reader: NsReader<LineCounter<R>>,
    buf: Vec<u8>,
    /// Open elements: name and line, for "not closed" errors.
    open: Vec<(String, u64)>,
}

impl<R: BufRead> XmlReader<R> {
    /// A reader over `input`; a UTF-8 byte order mark is skipped.
    pub(super) fn new(mut input: R) -> Result<Self, ImportError> {
        if input.fill_buf()?.starts_with(UTF8_BOM) {
            input.consume(UTF8_BOM.len());
        }
        let mut reader = NsReader::from_reader(LineCounter::new(input));
        let config = reader.config_mut();
        config.expand_empty_elements = true;
        config.check_end_names = true;
        Ok(XmlReader { reader, buf: Vec::new(), open: Vec::new() })
    }

    /// The next node. Comments, processing instructions, the declaration and the DTD are
    /// passed over.
    pub(super) fn next(&mut self) -> Result<Node, ImportError> {
        loop {
            let position = self.reader.buffer_position();
            let line = self.reader.get_mut().line_at(position);
            self.buf.clear();
            let (ns, event) = match self.reader.read_resolved_event_into(&mut self.buf) {
                Ok((resolved, event)) => (namespace(&resolved), event),
                Err(err) => return Err(self.syntax_error(err.to_string())),
            };
            let node = match event {
                Event::Start(start) => {
                    let decoder = self.reader.decoder();
                    let element =
                        element(&start, ns, line, decoder).map_err(|m| xml_error(m, line))?;
                    self.open.push((element.name.clone(), line));
                    Node::Start(element)
                }
                Event::End(_) => {
                    self.open.pop();
                    Node::End
                }
                Event::Text(text) => Node::Text(decode(text.decode(), line)?),
                Event::CData(data) => Node::Text(decode(data.decode(), line)?),
                Event::GeneralRef(reference) => Node::Text(resolve_reference(&reference, line)?),
                Event::Eof => return self.eof(),
                Event::Empty(_)
                | Event::Comment(_)
                | Event::Decl(_)
                | Event::PI(_)
                | Event::DocType(_) => continue,
            };
            return Ok(node);
        }
    }

    /// The line of the current position (after the last node read).
    pub(super) fn line(&mut self) -> u64 {
        let position = self.reader.buffer_position();
        self.reader.get_mut().line_at(position)
    }

    fn eof(&self) -> Result<Node, ImportError> {
        match self.open.last() {
            None => Ok(Node::Eof),
            Some((name, line)) => {
                let message = format!(
                    "unexpected end of input: <{name}> opened at line {line} is not closed"
                );
                Err(xml_error(message, self.line_of_end()))
            }
        }
    }

    fn line_of_end(&self) -> u64 {
        self.reader.get_ref().lines_so_far()
    }

    fn syntax_error(&mut self, message: String) -> ImportError {
        let position = self.reader.error_position();
        let line = self.reader.get_mut().line_at(position);
        xml_error(message, line)
    }
}

fn xml_error(message: String, line: u64) -> ImportError {
    ImportError::new(ErrorKind::Xml(message), Position::line(line))
}

fn namespace(resolved: &ResolveResult<'_>) -> Ns {
    match resolved {
        ResolveResult::Bound(ns) => Ns::Uri(String::from_utf8_lossy(ns.as_ref()).into_owned()),
        ResolveResult::Unbound => Ns::None,
        ResolveResult::Unknown(prefix) => {
            Ns::Uri(format!("undeclared prefix {}", String::from_utf8_lossy(prefix)))
        }
    }
}

fn decode<E: std::fmt::Display>(
    text: Result<std::borrow::Cow<'_, str>, E>,
    line: u64,
) -> Result<String, ImportError> {
    text.map(|t| t.into_owned()).map_err(|e| xml_error(e.to_string(), line))
}

/// Builds an [`Element`] from a start tag, unescaping attribute values with the same
/// entity policy as text.
fn element(start: &BytesStart<'_>, ns: Ns, line: u64, decoder: Decoder) -> Result<Element, String> {
    let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
    let mut attrs = Vec::new();
    for attr in start.attributes() {
        let attr = attr.map_err(|e| format!("in <{name}>: {e}"))?;
        if attr.key.as_namespace_binding().is_some() {
            continue;
        }
        let key = String::from_utf8_lossy(attr.key.local_name().as_ref()).into_owned();
        let value = attr.decode_and_unescape_value(decoder).map_err(|e| {
            format!("attribute {key} of <{name}>: {e} (entities other than the five predefined are never expanded)")
        })?;
        attrs.push((key, value.into_owned()));
    }
    Ok(Element { name, ns, attrs, line })
}

/// Resolves `&name;`: a character reference or one of the five predefined entities.
fn resolve_reference(reference: &BytesRef<'_>, line: u64) -> Result<String, ImportError> {
    match reference.resolve_char_ref() {
        Ok(Some(ch)) => return Ok(ch.to_string()),
        Ok(None) => {}
        Err(err) => return Err(xml_error(err.to_string(), line)),
    }
    let name = decode(reference.decode(), line)?;
    match quick_xml::escape::resolve_predefined_entity(&name) {
        Some(text) => Ok(text.to_owned()),
        None => Err(xml_error(
            format!(
                "unknown entity &{name};: OpenIOC files are read without their DTD, so \
                 entities other than the five predefined are never expanded"
            ),
            line,
        )),
    }
}

/// A `BufRead` adapter that remembers where the newlines are, so byte positions can be
/// turned into lines.
///
/// Only the newlines past the last position asked about are kept: positions must be asked
/// in non-decreasing order (an earlier one gets a line too far, never a panic).
struct LineCounter<R> {
    inner: R,
    /// Bytes consumed so far.
    consumed: u64,
    /// Offsets of newlines consumed but not yet passed by a query.
    newlines: VecDeque<u64>,
    /// Newlines before the last position asked about.
    passed: u64,
}

impl<R: BufRead> LineCounter<R> {
    fn new(inner: R) -> Self {
        LineCounter { inner, consumed: 0, newlines: VecDeque::new(), passed: 0 }
    }

    /// The 1-based line holding byte `position`.
    fn line_at(&mut self, position: u64) -> u64 {
        while self.newlines.front().is_some_and(|&offset| offset < position) {
            self.newlines.pop_front();
            self.passed += 1;
        }
        self.passed + 1
    }

    /// The line after every byte consumed so far.
    fn lines_so_far(&self) -> u64 {
        self.passed + self.newlines.len() as u64 + 1
    }
}

impl<R: BufRead> Read for LineCounter<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = {
            let available = self.fill_buf()?;
            let n = available.len().min(out.len());
            out.iter_mut().zip(available).for_each(|(o, b)| *o = *b);
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for LineCounter<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        if amt > 0 {
            // The bytes being consumed are still in the inner buffer: no I/O happens here.
            if let Ok(available) = self.inner.fill_buf() {
                let taken = available.get(..amt).unwrap_or(available);
                let base = self.consumed;
                self.newlines.extend(memchr::memchr_iter(b'\n', taken).map(|i| base + i as u64));
            }
        }
        self.consumed += amt as u64;
        self.inner.consume(amt);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nodes(xml: &str) -> Result<Vec<String>, ImportError> {
        let mut reader = XmlReader::new(xml.as_bytes())?;
        let mut out = Vec::new();
        loop {
            match reader.next()? {
                Node::Start(e) => out.push(format!("<{} {}>", e.name, e.line)),
                Node::End => out.push("</>".to_owned()),
                Node::Text(t) if t.trim().is_empty() => {}
                Node::Text(t) => out.push(t),
                Node::Eof => return Ok(out),
            }
        }
    }

    #[test]
    fn lines_and_references() {
        let xml = "\u{feff}<?xml version=\"1.0\"?>\n<a>\n<b x=\"&lt;1&#65;\">t&amp;u&#x42;</b>\n\n<c/></a>";
        let got = nodes(xml).expect("well-formed");
        assert_eq!(got, ["<a 2>", "<b 3>", "t", "&", "u", "B", "</>", "<c 5>", "</>", "</>"]);
    }

    #[test]
    fn unknown_entity_is_an_error_not_an_expansion() {
        let xml = "<!DOCTYPE a [<!ENTITY x \"boom\">]>\n<a>&x;</a>";
        let err = nodes(xml).expect_err("unknown entity");
        assert_eq!(err.position().line, Some(2));
        assert!(err.to_string().contains("unknown entity &x;"), "{err}");
    }

    #[test]
    fn truncated_input_names_the_open_element() {
        let err = nodes("<a>\n<b>\n").expect_err("truncated");
        assert!(err.to_string().contains("<b> opened at line 2 is not closed"), "{err}");
        assert_eq!(err.position().line, Some(3));
    }

    #[test]
    fn mismatched_end_tag_has_its_line() {
        let err = nodes("<a>\n<b>\n</c></a>").expect_err("mismatch");
        assert_eq!(err.position().line, Some(3), "{err}");
    }
}
