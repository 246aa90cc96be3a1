//! The logic tree as indented text, kept as an event report so that the AND/OR structure
//! survives even where attributes lose it.
//!
//! ```text
//! OR
//!   FileItem/Md5sum is 079a440bee0f86d8a59ebc5c4b523a07
//!   AND
//!     FileItem/FileName is movie.swf
//!     NOT FileItem/SizeInBytes greater-than 1000
//! ```

use super::document::{Indicator, Item, Node};

/// Renders `nodes` (document order), two spaces per level, one line per node.
pub(super) fn render(nodes: &[Node]) -> String {
    let mut out = String::new();
    for node in nodes {
        let (depth, line) = match node {
            Node::Indicator(indicator) => (indicator.depth, operator(indicator)),
            Node::Item(item) => (item.depth, item_line(item)),
        };
        for _ in 0..depth {
            out.push_str("  ");
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// The operator in upper case (`AND`, `OR`), or `?` when missing.
pub(super) fn operator(indicator: &Indicator) -> String {
    match indicator.operator.as_deref().map(str::trim) {
        Some(op) if !op.is_empty() => op.to_uppercase(),
        _ => "?".to_owned(),
    }
}

/// `[NOT ]<search> <condition>[ (case-sensitive)] <content>`, with line breaks in the
/// content escaped.
fn item_line(item: &Item) -> String {
    let negate = if item.negate { "NOT " } else { "" };
    let search = item.search.as_deref().map(str::trim).unwrap_or("(no search term)");
    let condition = item.condition.as_deref().map(str::trim).unwrap_or("(no condition)");
    let content = item.content.as_deref().map(str::trim).unwrap_or_default();
    let content = content.replace('\r', "\\r").replace('\n', "\\n");
    let case = if item.preserve_case { " (case-sensitive)" } else { "" };
    format!("{negate}{search} {condition}{case} {content}")
}
