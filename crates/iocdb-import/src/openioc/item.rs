//! One `<IndicatorItem>` to one attribute: the type from the search term, the value
//! normalised, correlation from the condition.
//!
//! - `condition="is"` (not negated) is an exact value: it correlates, keeps its type's
//!   `to_ids`, and a value its type rejects is a bad record (skipped, with its line).
//! - `condition="contains"` (not negated) whose content is a whole indicator of the
//!   item's kind (an IP for `PortItem/remoteIP`, a full domain for `DnsEntryItem/Host`, a
//!   full hash) correlates too, with " (whole indicator)" in the comment: FireEye's 1.0
//!   files write their C2 addresses and domains this way, and an analyst reads them as
//!   indicators. Fragments (`contains "72.55."`) do not.
//! - `isnot`, `contains`, `containsnot`, `starts-with`, `ends-with`, `matches`,
//!   `greater-than`, `less-than`, and any 1.1 `negate="true"` item, are kept as
//!   non-correlating attributes (`disable_correlation`, `to_ids` false) with the condition
//!   in the comment. A fragment its type rejects (`contains "iid="` for a URL) is kept as
//!   `text`, counted under `"openioc: fragments kept as text"`.
//! - Unmapped search terms are kept as non-correlating `text` attributes and counted under
//!   `"openioc: unmapped <term>"`; `text` attributes never correlate.
//! - The comment always starts with the search term and the condition
//!   (`NOT FileItem/FileName contains`), so nothing of the test is lost.

use iocdb_model::{AttrType, Attribute, ObjectRef, ValueError, infer_type, normalize_value};
use uuid::Uuid;

use super::document::Item;
use super::terms::{self, Mapping};
use crate::context::{Context, derived_uuid};
use crate::error::{ErrorKind, ImportError, Position};

/// Where an item sits: its event, its number in the file, its Indicator's object, and
/// the parameter notes that refer to it.
pub(super) struct Placement<'a> {
    /// The event's uuid.
    pub(super) event: Uuid,
    /// 1-based number of the item in document order.
    pub(super) ordinal: usize,
    /// The object of the enclosing Indicator.
    pub(super) object: Option<Uuid>,
    /// `name=value` notes from 1.1 parameters.
    pub(super) notes: &'a [String],
}

/// The attribute for `item`, or `None` when the item is a bad record (then skipped through
/// `ctx`, which fails in strict mode).
pub(super) fn attribute(
    item: &Item,
    placement: &Placement<'_>,
    ctx: &mut Context<'_>,
) -> Result<Option<Attribute>, ImportError> {
    let position = Position::line(item.line);
    let Some(search) = item.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) else {
        let expected = "a <Context> with a search attribute in <IndicatorItem>";
        return skip(ctx, expected, "none", position);
    };
    let raw = item.content.as_deref().map(str::trim).unwrap_or_default();
    if raw.is_empty() {
        let found = if item.content.is_some() { "an empty <Content>" } else { "no <Content>" };
        return skip(ctx, "a value in <Content>", found, position);
    }
    let test = Test::of(item);
    let typed = match terms::lookup(search) {
        None => {
            ctx.report.count(format!("openioc: unmapped {search}"), 1);
            Typed::text(raw, None, &position)?
        }
        Some(mapping) => match typed(type_for(mapping, raw)?, raw) {
            Ok(typed) => typed,
            Err(err) if test.exact => {
                ctx.skip(ctx.error(ErrorKind::Value(err), position))?;
                return Ok(None);
            }
            Err(err) => {
                ctx.report.count("openioc: fragments kept as text", 1);
                Typed::text(raw, Some(err.attr_type), &position)?
            }
        },
    };
    Ok(Some(build(search, &test, typed, placement)))
}

fn skip(
    ctx: &mut Context<'_>,
    expected: &str,
    found: &str,
    position: Position,
) -> Result<Option<Attribute>, ImportError> {
    let kind = ErrorKind::Expected { expected: expected.to_owned(), found: found.to_owned() };
    ctx.skip(ctx.error(kind, position))?;
    Ok(None)
}

/// What an item tests: the condition as written and what it means for correlation.
struct Test {
    /// The condition as written (`contains`), or `(no condition)`.
    condition: String,
    negate: bool,
    preserve_case: bool,
    /// `is` or `isnot`: the content is a whole value, not a fragment or pattern.
    exact: bool,
    /// The item asserts the value is present (`is`, not negated).
    correlates: bool,
    /// `contains`, not negated: correlates when the content is a whole indicator.
    contains: bool,
}

impl Test {
    fn of(item: &Item) -> Test {
        let condition = item.condition.as_deref().map(str::trim).unwrap_or_default();
        let lower = condition.to_ascii_lowercase();
        let exact = lower == "is" || lower == "isnot";
        let correlates = lower == "is" && !item.negate;
        let contains = lower == "contains" && !item.negate;
        let condition =
            if condition.is_empty() { "(no condition)".to_owned() } else { condition.to_owned() };
        Test {
            condition,
            negate: item.negate,
            preserve_case: item.preserve_case,
            exact,
            correlates,
            contains,
        }
    }
}

/// A type and a value normalised for it.
struct Typed {
    attr_type: AttrType,
    value: String,
    /// The type the term maps to, when the value was kept as `text` instead.
    not_a: Option<AttrType>,
}

impl Typed {
    /// `raw` as `text`, which accepts any non-empty value.
    fn text(raw: &str, not_a: Option<AttrType>, at: &Position) -> Result<Typed, ImportError> {
        let attr_type = attr_type("text")?;
        let value = normalize_value(attr_type, raw)
            .map_err(|e| ImportError::new(ErrorKind::Value(e), at.clone()))?;
        Ok(Typed { attr_type, value, not_a })
    }
}

/// `raw` normalised as a value of `attr_type`.
fn typed(attr_type: AttrType, raw: &str) -> Result<Typed, ValueError> {
    Ok(Typed { attr_type, value: normalize_value(attr_type, raw)?, not_a: None })
}

/// The MISP type `name`, which the terms table guarantees exists.
fn attr_type(name: &str) -> Result<AttrType, ImportError> {
    AttrType::from_name(name).ok_or_else(|| {
        ImportError::expected("a MISP attribute type", name.to_owned(), Position::default())
    })
}

/// The type of `raw` under the term's mapping.
fn type_for(mapping: Mapping, raw: &str) -> Result<AttrType, ImportError> {
    let name = match mapping {
        Mapping::Type(name) => name,
        Mapping::DomainOrHostname => match infer_type(raw) {
            Some(inferred) if is_dns_type(inferred.attr_type) => return Ok(inferred.attr_type),
            _ => "domain",
        },
        Mapping::UrlOrUri if raw.contains("://") => "url",
        Mapping::UrlOrUri => "uri",
    };
    attr_type(name)
}

/// Whether a `contains` value is a complete indicator of its type's kind: inference on
/// the value alone gives the same type, or one of the same family (domain and hostname;
/// ip-src and ip-dst).
fn is_whole_indicator(typed: &Typed) -> bool {
    const FAMILIES: [&[&str]; 8] = [
        &["domain", "hostname"],
        &["ip-src", "ip-dst"],
        &["url"],
        &["md5"],
        &["sha1"],
        &["sha256"],
        &["email", "email-src", "email-dst"],
        &["sha512"],
    ];
    if typed.not_a.is_some() {
        return false;
    }
    let Some(inferred) = infer_type(&typed.value) else { return false };
    let (have, seen) = (typed.attr_type.name(), inferred.attr_type.name());
    FAMILIES.iter().any(|family| family.contains(&have) && family.contains(&seen))
}

fn is_dns_type(attr_type: AttrType) -> bool {
    matches!(attr_type.name(), "domain" | "hostname" | "ip-dst")
}

/// Builds the attribute.
fn build(search: &str, test: &Test, typed: Typed, placement: &Placement<'_>) -> Attribute {
    let mut attribute = Attribute::new(typed.attr_type, &typed.value);
    let ordinal = placement.ordinal.to_string();
    attribute.uuid = derived_uuid(&[
        b"openioc-item",
        placement.event.as_bytes(),
        ordinal.as_bytes(),
        search.as_bytes(),
        typed.value.as_bytes(),
    ]);
    let whole = test.contains && is_whole_indicator(&typed);
    let correlates = (test.correlates || whole) && typed.attr_type.name() != "text";
    attribute.to_ids = correlates && typed.attr_type.default_to_ids();
    attribute.disable_correlation = !correlates;
    attribute.comment = comment(search, test, typed.not_a, placement.notes);
    if whole {
        attribute.comment.push_str(" (whole indicator)");
    }
    attribute.object = placement.object.map(|uuid| ObjectRef { uuid, relation: search.to_owned() });
    attribute
}

/// `[NOT ]<search> <condition>`, then `(case-sensitive)`, `(kept as text: ...)`, `; <note>`s.
fn comment(search: &str, test: &Test, not_a: Option<AttrType>, notes: &[String]) -> String {
    let mut comment = String::new();
    if test.negate {
        comment.push_str("NOT ");
    }
    comment.push_str(search);
    comment.push(' ');
    comment.push_str(&test.condition);
    if test.preserve_case {
        comment.push_str(" (case-sensitive)");
    }
    if let Some(attr_type) = not_a {
        comment.push_str(&format!(" (kept as text: not a valid {})", attr_type.name()));
    }
    for note in notes {
        comment.push_str("; ");
        comment.push_str(note);
    }
    comment
}
