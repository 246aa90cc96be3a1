//! From XML nodes to a [`Document`]: the root, the metadata, the logic tree, the parameters.
//!
//! Elements are matched by local name within the file's OpenIOC namespace (or no
//! namespace); elements of other namespaces and unknown elements are passed over whole.
//! The 1.0 layout (metadata directly under `<ioc>`, logic in `<definition>`) and the 1.1
//! layout (`<metadata>`, `<criteria>`, `<parameters>`) are both accepted whatever the root.

use std::io::BufRead;

use super::document::{
    Document, Indicator, Item, Link, Metadata, Node as TreeNode, Param, Version,
};
use super::xml::{Element, NS_1_0, NS_1_1, Node, Ns, XmlReader};
use crate::error::{ImportError, Position};

/// Deepest nesting of `<Indicator>`s accepted; real files nest a handful deep.
const MAX_DEPTH: usize = 256;

/// Reads a whole OpenIOC document (everything after the root element is left unread).
pub(super) fn document<R: BufRead>(xml: &mut XmlReader<R>) -> Result<Document, ImportError> {
    let root = root_element(xml)?;
    let mut doc = Document {
        version: version_of(&root)?,
        line: root.line,
        id: root.attr("id").map(str::to_owned),
        last_modified: root.attr("last-modified").map(str::to_owned),
        published_date: root.attr("published-date").map(str::to_owned),
        metadata: Metadata::default(),
        nodes: Vec::new(),
        params: Vec::new(),
    };
    let mut has_logic = false;
    each_child(xml, &root.ns, |xml, element| {
        has_logic |= root_child(xml, &element, &mut doc)?;
        Ok(())
    })?;
    if !has_logic {
        let expected = "a <definition> (OpenIOC 1.0) or <criteria> (OpenIOC 1.1) element";
        let found = format!("none in <{}>", root.name);
        return Err(ImportError::expected(expected, found, Position::line(xml.line())));
    }
    Ok(doc)
}

/// Skips the prolog and returns the root element.
fn root_element<R: BufRead>(xml: &mut XmlReader<R>) -> Result<Element, ImportError> {
    let expected = "an OpenIOC root element";
    loop {
        let line = xml.line();
        match xml.next()? {
            Node::Start(element) => return Ok(element),
            Node::Text(text) if text.trim().is_empty() => {}
            Node::Text(text) => {
                let found = format!("text {:?}", text.trim().chars().take(40).collect::<String>());
                return Err(ImportError::expected(expected, found, Position::line(line)));
            }
            Node::End | Node::Eof => {
                let position = Position::line(xml.line());
                return Err(ImportError::expected(expected, "end of input", position));
            }
        }
    }
}

fn version_of(root: &Element) -> Result<Version, ImportError> {
    let in_ns = |uri: &str| match &root.ns {
        Ns::None => true,
        Ns::Uri(ns) => ns == uri,
    };
    match root.name.as_str() {
        "ioc" if in_ns(NS_1_0) => Ok(Version::V1_0),
        "OpenIOC" if in_ns(NS_1_1) => Ok(Version::V1_1),
        _ => {
            let expected = format!(
                "root element <ioc> in namespace {NS_1_0} (OpenIOC 1.0) or <OpenIOC> in \
                 namespace {NS_1_1} (OpenIOC 1.1)"
            );
            Err(ImportError::expected(expected, root.describe(), Position::line(root.line)))
        }
    }
}

/// Reads one child of the root; true when it was the logic tree.
fn root_child<R: BufRead>(
    xml: &mut XmlReader<R>,
    element: &Element,
    doc: &mut Document,
) -> Result<bool, ImportError> {
    match element.name.as_str() {
        "metadata" => {
            let ns = element.ns.clone();
            let metadata = &mut doc.metadata;
            each_child(xml, &ns, |xml, field| metadata_field(xml, &field, metadata))?;
        }
        "definition" | "criteria" => {
            criteria(xml, &element.ns, &mut doc.nodes)?;
            return Ok(true);
        }
        "parameters" => parameters(xml, &element.ns, &mut doc.params)?,
        _ => metadata_field(xml, element, &mut doc.metadata)?,
    }
    Ok(false)
}

/// Reads a metadata field, or passes over an element that is none.
fn metadata_field<R: BufRead>(
    xml: &mut XmlReader<R>,
    element: &Element,
    metadata: &mut Metadata,
) -> Result<(), ImportError> {
    let slot = match element.name.as_str() {
        "short_description" => &mut metadata.short_description,
        "description" => &mut metadata.description,
        "keywords" => &mut metadata.keywords,
        "authored_by" => &mut metadata.authored_by,
        "authored_date" => &mut metadata.authored_date,
        "links" => return links(xml, &element.ns, &mut metadata.links),
        _ => return skip(xml),
    };
    *slot = Some(text(xml)?);
    Ok(())
}

fn links<R: BufRead>(
    xml: &mut XmlReader<R>,
    ns: &Ns,
    links: &mut Vec<Link>,
) -> Result<(), ImportError> {
    each_child(xml, ns, |xml, element| {
        if element.name != "link" {
            return skip(xml);
        }
        let rel = element.attr("rel").map(str::to_owned);
        let href = element.attr("href").map(str::to_owned);
        links.push(Link { rel, href, text: text(xml)? });
        Ok(())
    })
}

fn parameters<R: BufRead>(
    xml: &mut XmlReader<R>,
    ns: &Ns,
    params: &mut Vec<Param>,
) -> Result<(), ImportError> {
    each_child(xml, ns, |xml, element| {
        if element.name != "param" {
            return skip(xml);
        }
        let mut value = String::new();
        each_child(xml, &element.ns, |xml, child| match child.name.as_str() {
            "value" => {
                value = text(xml)?;
                Ok(())
            }
            _ => skip(xml),
        })?;
        let ref_id = element.attr("ref-id").map(str::to_owned);
        let name = element.attr("name").map(str::to_owned);
        params.push(Param { ref_id, name, value, line: element.line });
        Ok(())
    })
}

/// An open `<Indicator>` while reading the tree.
struct Frame {
    /// Its index in the node list.
    node: usize,
    /// Its path (`1.2`).
    path: String,
    /// How many child Indicators it has had so far.
    children: usize,
}

/// Reads the logic tree (the content of `<definition>` or `<criteria>`) into `nodes`, in
/// document order, without recursion.
fn criteria<R: BufRead>(
    xml: &mut XmlReader<R>,
    ns: &Ns,
    nodes: &mut Vec<TreeNode>,
) -> Result<(), ImportError> {
    let mut stack: Vec<Frame> = Vec::new();
    let mut top_level = 0;
    loop {
        let element = match xml.next()? {
            Node::Start(element) => element,
            Node::End | Node::Eof if stack.is_empty() => return Ok(()),
            Node::End | Node::Eof => {
                stack.pop();
                continue;
            }
            Node::Text(_) => continue,
        };
        match element.name.as_str() {
            _ if !in_namespace(&element, ns) => skip(xml)?,
            "Indicator" => {
                let counter = stack.last_mut().map_or(&mut top_level, |f| &mut f.children);
                *counter += 1;
                let ordinal = *counter;
                let frame = open_indicator(&element, &stack, ordinal, nodes)?;
                stack.push(frame);
            }
            "IndicatorItem" => {
                let parent = stack.last().map(|frame| frame.node);
                let item = item(xml, &element, stack.len(), parent)?;
                nodes.push(TreeNode::Item(item));
            }
            _ => skip(xml)?,
        }
    }
}

/// Records an `<Indicator>` start tag and returns its frame.
fn open_indicator(
    element: &Element,
    stack: &[Frame],
    ordinal: usize,
    nodes: &mut Vec<TreeNode>,
) -> Result<Frame, ImportError> {
    if stack.len() >= MAX_DEPTH {
        let expected = format!("<Indicator> elements nested at most {MAX_DEPTH} deep");
        let found = "deeper nesting";
        return Err(ImportError::expected(expected, found, Position::line(element.line)));
    }
    let path = match stack.last() {
        Some(parent) => format!("{}.{ordinal}", parent.path),
        None => ordinal.to_string(),
    };
    nodes.push(TreeNode::Indicator(Indicator {
        id: element.attr("id").map(str::to_owned),
        operator: element.attr("operator").map(str::to_owned),
        depth: stack.len(),
        path: path.clone(),
        line: element.line,
    }));
    Ok(Frame { node: nodes.len() - 1, path, children: 0 })
}

/// Reads an `<IndicatorItem>` whose start tag was just read, up to its end tag.
fn item<R: BufRead>(
    xml: &mut XmlReader<R>,
    element: &Element,
    depth: usize,
    parent: Option<usize>,
) -> Result<Item, ImportError> {
    let flag = |name: &str| element.attr(name).is_some_and(|v| v.trim() == "true");
    let mut item = Item {
        id: element.attr("id").map(str::to_owned),
        condition: element.attr("condition").map(str::to_owned),
        negate: flag("negate"),
        preserve_case: flag("preserve-case"),
        depth,
        parent,
        line: element.line,
        ..Item::default()
    };
    each_child(xml, &element.ns, |xml, child| match child.name.as_str() {
        "Context" => {
            item.search = child.attr("search").map(str::to_owned);
            skip(xml)
        }
        "Content" => {
            item.content = Some(text(xml)?);
            Ok(())
        }
        _ => skip(xml),
    })?;
    Ok(item)
}

/// Calls `f` on each child element (in `ns` or no namespace) of the element whose start
/// tag was just read, up to its end tag; `f` must read the child up to its end tag. Other
/// children and text are passed over.
fn each_child<R: BufRead>(
    xml: &mut XmlReader<R>,
    ns: &Ns,
    mut f: impl FnMut(&mut XmlReader<R>, Element) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    loop {
        match xml.next()? {
            Node::Start(element) if in_namespace(&element, ns) => f(xml, element)?,
            Node::Start(_) => skip(xml)?,
            Node::Text(_) => {}
            Node::End | Node::Eof => return Ok(()),
        }
    }
}

fn in_namespace(element: &Element, ns: &Ns) -> bool {
    element.ns == *ns || element.ns == Ns::None
}

/// The text content of the element whose start tag was just read (nested elements' text
/// included), reading up to its end tag.
fn text<R: BufRead>(xml: &mut XmlReader<R>) -> Result<String, ImportError> {
    let mut out = String::new();
    let mut depth = 0usize;
    loop {
        match xml.next()? {
            Node::Start(_) => depth += 1,
            Node::End if depth > 0 => depth -= 1,
            Node::End | Node::Eof => return Ok(out),
            Node::Text(text) => out.push_str(&text),
        }
    }
}

/// Passes over the element whose start tag was just read, up to its end tag.
fn skip<R: BufRead>(xml: &mut XmlReader<R>) -> Result<(), ImportError> {
    let mut depth = 0usize;
    loop {
        match xml.next()? {
            Node::Start(_) => depth += 1,
            Node::End if depth > 0 => depth -= 1,
            Node::End | Node::Eof => return Ok(()),
            Node::Text(_) => {}
        }
    }
}
