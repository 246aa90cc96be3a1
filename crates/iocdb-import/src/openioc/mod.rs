//! OpenIOC 1.0 and 1.1 files: one file is one event.
//!
//! ```
//! use iocdb_import::{Context, Options, VecSink, openioc};
//!
//! let ioc = r#"<ioc xmlns="http://schemas.mandiant.com/2010/ioc"
//!                   id="0ae061d7-c624-4a84-8adf-00281b97797b">
//!   <short_description>Example</short_description>
//!   <definition>
//!     <Indicator operator="OR" id="427a68ab-6bd3-4f55-8be8-da463d173959">
//!       <IndicatorItem id="637c784f-ee5f-4fdc-9109-54cb70b4550e" condition="is">
//!         <Context document="FileItem" search="FileItem/Md5sum" type="mir"/>
//!         <Content type="md5">079A440BEE0F86D8A59EBC5C4B523A07</Content>
//!       </IndicatorItem>
//!     </Indicator>
//!   </definition>
//! </ioc>"#;
//! let mut sink = VecSink::default();
//! let mut ctx = Context::new(&mut sink, Options::default());
//! openioc::decode(ioc.as_bytes(), &mut ctx).unwrap();
//! let event = &sink.0[0];
//! assert_eq!(event.uuid.to_string(), "0ae061d7-c624-4a84-8adf-00281b97797b");
//! assert_eq!(event.attributes[0].attr_type.name(), "md5");
//! assert_eq!(event.attributes[0].value, "079a440bee0f86d8a59ebc5c4b523a07");
//! ```
//!
//! # Mapping
//!
//! | OpenIOC | event |
//! |---|---|
//! | root `id` | uuid (a non-uuid id gives a uuid derived from it, with a warning) |
//! | `short_description` | info |
//! | `description` | report "OpenIOC description" |
//! | `authored_date` (else `last-modified`) | date; `last-modified` → timestamp |
//! | `authored_by` | creator organisation (orgc) |
//! | `keywords`, `links` | tags `openioc:keyword="..."`, `openioc:<rel>="..."` |
//! | `Indicator` | MISP object `openioc-indicator`, comment `OR indicator 1.2 (id ...)` |
//! | `IndicatorItem` | attribute typed by its search term, in its Indicator's object |
//! | the AND/OR tree | report "OpenIOC logic": the tree as indented text |
//! | 1.1 `param` | note appended to the comment of what it refers to |
//!
//! Search terms map to MISP types by a table (see `terms.rs`); unmapped terms are kept as
//! non-correlating `text` attributes and counted under `"openioc: unmapped <term>"`. Only
//! `condition="is"` items (not negated) correlate; every other condition is kept,
//! non-correlating, with the condition in the comment (see `item.rs`). Attribute and object
//! uuids are derived from the event uuid and the position in the file, so importing a file
//! twice gives the same event.
//!
//! # Safety on hostile input
//!
//! The XML is read by quick-xml's streaming reader. The DTD is never read: entities other
//! than the five predefined ones are an error, never expanded, so entity bombs cost
//! nothing. Indicators may nest at most 256 deep. Malformed XML is an error naming the
//! line; a missing root, a wrong root or a missing logic tree is an `expected ..., found
//! ...` error; a bad item is a skipped record (an error in strict mode).

mod convert;
mod document;
mod item;
mod parse;
mod terms;
mod tree;
mod xml;

use std::io::BufRead;

use crate::context::Context;
use crate::error::ImportError;

/// Decodes one OpenIOC 1.0 or 1.1 document from `input` and pushes its event into `ctx`.
///
/// Errors name the file set in `ctx` and the line. Bad IndicatorItems (no search term, no
/// value, a value its type rejects) are skipped with a warning, or fail the import in strict
/// mode.
pub fn decode(input: impl BufRead, ctx: &mut Context<'_>) -> Result<(), ImportError> {
    decode_document(input, ctx).map_err(|err| ctx.attach_file(err))
}

fn decode_document(input: impl BufRead, ctx: &mut Context<'_>) -> Result<(), ImportError> {
    let mut xml = xml::XmlReader::new(input)?;
    let document = parse::document(&mut xml)?;
    ctx.report.count(format!("openioc: version {}", document.version.as_str()), 1);
    let event = convert::event(&document, ctx)?;
    ctx.emit(event)
}
