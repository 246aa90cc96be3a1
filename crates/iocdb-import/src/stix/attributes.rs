//! Facts to attributes: typing, normalisation, MISP hints, composites, uuids.

use iocdb_model::{
    AttrType, Attribute, Category, MispObject, ObjectRef, Tag, Timestamp, normalize_value,
};
use uuid::Uuid;

use super::mapping::{attr_types, canonical_path, composite_paths, stix_path, template};
use super::observable::Fact;
use crate::context::{Context, derived_uuid};
use crate::error::{ErrorKind, ImportError, Position};

/// What MISP-produced STIX says in labels (`misp:type="hostname"`, `misp:name="file"`)
/// and kill-chain phases (`misp-category`): hints, not tags.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Hints {
    /// The MISP type of the single attribute the object carries.
    pub(crate) attr_type: Option<AttrType>,
    /// The MISP category of its attributes.
    pub(crate) category: Option<Category>,
    /// The MISP object template name (`file`, `domain-ip`).
    pub(crate) object_name: Option<String>,
    /// The MISP object meta-category.
    pub(crate) meta_category: Option<String>,
}

/// Splits labels into tags and MISP hints.
pub(crate) fn split_labels<'l>(labels: impl IntoIterator<Item = &'l str>) -> (Vec<Tag>, Hints) {
    let mut tags = Vec::new();
    let mut hints = Hints::default();
    for label in labels {
        if let Some(name) = label.strip_prefix("misp:type=") {
            hints.attr_type = AttrType::from_name(unquote(name));
        } else if let Some(name) = label.strip_prefix("misp:category=") {
            hints.category = Category::from_name(unquote(name));
        } else if let Some(name) = label.strip_prefix("misp:name=") {
            hints.object_name = Some(unquote(name).to_owned());
        } else if let Some(name) = label.strip_prefix("misp:meta-category=") {
            hints.meta_category = Some(unquote(name).to_owned());
        } else {
            push_tag(&mut tags, Tag::new(label));
        }
    }
    (tags, hints)
}

/// Adds a tag unless it is there already.
pub(crate) fn push_tag(tags: &mut Vec<Tag>, tag: Tag) {
    if !tags.iter().any(|t| t.name == tag.name) {
        tags.push(tag);
    }
}

fn unquote(text: &str) -> &str {
    let text = text.trim();
    text.strip_prefix('"').and_then(|t| t.strip_suffix('"')).unwrap_or(text)
}

/// What one STIX object (indicator, observed-data, observable, vulnerability) says of every
/// attribute it carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Meta {
    /// The object's uuid: the attribute's when it carries one attribute, the MISP object's
    /// when it carries several.
    pub(crate) uuid: Uuid,
    /// Indicators are for detection; observations are not.
    pub(crate) to_ids: bool,
    /// The attribute comment.
    pub(crate) comment: String,
    /// `valid_from` / `first_observed`.
    pub(crate) first_seen: Option<Timestamp>,
    /// `valid_until` / `last_observed`.
    pub(crate) last_seen: Option<Timestamp>,
    /// `modified`.
    pub(crate) timestamp: Option<Timestamp>,
    /// Labels, kill-chain phases and markings, as tags.
    pub(crate) tags: Vec<Tag>,
    /// MISP hints.
    pub(crate) hints: Hints,
    /// The comment of the MISP object grouping several attributes (the pattern).
    pub(crate) object_comment: String,
    /// Where value errors point (`/objects/12/pattern`).
    pub(crate) pointer: String,
}

impl Meta {
    /// Bare metadata: a uuid and a pointer, not for detection, nothing else known (a
    /// cyber observable outside any observed-data).
    pub(crate) fn bare(uuid: Uuid, pointer: String) -> Self {
        Meta {
            uuid,
            to_ids: false,
            comment: String::new(),
            first_seen: None,
            last_seen: None,
            timestamp: None,
            tags: Vec::new(),
            hints: Hints::default(),
            object_comment: String::new(),
            pointer,
        }
    }
}

/// The attributes one STIX object carries, and the MISP object grouping them when there
/// are several.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Carrier {
    /// The attributes.
    pub(crate) attributes: Vec<Attribute>,
    /// The MISP object, when there are several attributes.
    pub(crate) object: Option<MispObject>,
}

/// The attributes of some facts, and the facts no MISP type maps.
#[derive(Debug, Default)]
pub(crate) struct Built {
    /// The attributes.
    pub(crate) carrier: Carrier,
    /// `object-type:path` of every fact without a MISP type.
    pub(crate) unmapped: Vec<String>,
}

/// A typed, normalised value before it becomes an attribute.
struct Typed<'f> {
    attr_type: AttrType,
    value: String,
    fact: &'f Fact,
}

/// Types and normalises `facts`; a value its type refuses is a bad record (`ctx.skip`).
pub(crate) fn build(
    meta: &Meta,
    facts: &[Fact],
    ctx: &mut Context<'_>,
) -> Result<Built, ImportError> {
    let mapped: Vec<(&Fact, &[&str])> =
        facts.iter().map(|fact| (fact, attr_types(&fact.object_type, &fact.path))).collect();
    let unmapped: Vec<String> = mapped
        .iter()
        .filter(|(_, types)| types.is_empty())
        .map(|(fact, _)| format!("{}:{}", fact.object_type, fact.path))
        .collect();
    let single = mapped.iter().filter(|(_, types)| !types.is_empty()).count() == 1;
    let mut typed = Vec::new();
    for (fact, types) in mapped.into_iter().filter(|(_, types)| !types.is_empty()) {
        let hint = meta.hints.attr_type.filter(|t| single && hint_fits(*t, fact));
        match normalise(hint, types, &fact.value) {
            None => {}
            Some(Ok((attr_type, value)))
                if !typed
                    .iter()
                    .any(|t: &Typed<'_>| t.attr_type == attr_type && t.value == value) =>
            {
                typed.push(Typed { attr_type, value, fact });
            }
            Some(Ok(_)) => {}
            Some(Err(err)) => {
                ctx.skip(ctx.error(ErrorKind::Value(err), Position::pointer(&meta.pointer)))?;
            }
        }
    }
    let typed = recombine(meta.hints.attr_type, typed);
    Ok(Built { carrier: carrier(meta, typed), unmapped })
}

/// Whether the hinted type is written at the fact's path (so the fact may take it).
fn hint_fits(hint: AttrType, fact: &Fact) -> bool {
    stix_path(hint.name(), &fact.value)
        .is_some_and(|p| p.object_type == fact.object_type && canonical_path(p.path) == fact.path)
}

/// The first of `hint` then `types` whose normalisation accepts the value; `None` when
/// no candidate names a known type.
fn normalise(
    hint: Option<AttrType>,
    types: &[&str],
    raw: &str,
) -> Option<Result<(AttrType, String), iocdb_model::ValueError>> {
    let candidates = hint.into_iter().chain(types.iter().filter_map(|n| AttrType::from_name(n)));
    let mut first_error = None;
    for attr_type in candidates {
        match normalize_value(attr_type, raw) {
            Ok(value) => return Some(Ok((attr_type, value))),
            Err(err) => {
                first_error.get_or_insert(err);
            }
        }
    }
    first_error.map(Err)
}

/// Two values a composite hint (`misp:type="filename|md5"`) names become one composite
/// attribute, when they are exactly the halves the composite is written as.
fn recombine(hint: Option<AttrType>, typed: Vec<Typed<'_>>) -> Vec<Typed<'_>> {
    let Some(composite) = hint.filter(|t| t.is_composite()) else { return typed };
    let Some(paths) = composite_paths(composite.name()) else { return typed };
    let [first, second] = typed.as_slice() else { return typed };
    let at = |t: &Typed<'_>, i: usize| {
        paths.get(i).is_some_and(|p| {
            p.object_type == t.fact.object_type && canonical_path(p.path) == t.fact.path
        })
    };
    let (a, b) = if at(first, 0) && at(second, 1) {
        (first, second)
    } else if at(second, 0) && at(first, 1) {
        (second, first)
    } else {
        return typed;
    };
    let joined = format!("{}|{}", a.fact.value, b.fact.value);
    match normalize_value(composite, &joined) {
        Ok(value) => vec![Typed { attr_type: composite, value, fact: a.fact }],
        Err(_) => typed,
    }
}

/// The attributes and, for several, the MISP object grouping them.
fn carrier(meta: &Meta, typed: Vec<Typed<'_>>) -> Carrier {
    // MISP's export names the object an indicator or observation renders even when it
    // holds one comparison: keep the object, so both renderings merge.
    let several = typed.len() > 1 || (meta.hints.object_name.is_some() && !typed.is_empty());
    let object = several.then(|| MispObject {
        uuid: meta.uuid,
        name: meta.hints.object_name.clone().unwrap_or_else(|| {
            template(typed.first().map(|t| t.fact.object_type.as_str())).0.to_owned()
        }),
        meta_category: meta.hints.meta_category.clone().unwrap_or_else(|| {
            template(typed.first().map(|t| t.fact.object_type.as_str())).1.to_owned()
        }),
        comment: meta.object_comment.clone(),
    });
    let attributes = typed
        .into_iter()
        .map(|t| {
            let mut attr = attribute(meta, t.attr_type, &t.value);
            if several {
                attr.uuid = derived_uuid(&[
                    meta.uuid.as_bytes(),
                    t.attr_type.name().as_bytes(),
                    t.value.as_bytes(),
                ]);
                // The STIX path the value was read at: `network-traffic:src_port`.
                let relation = format!("{}:{}", t.fact.object_type, t.fact.path);
                attr.object = Some(ObjectRef { uuid: meta.uuid, relation });
            }
            attr
        })
        .collect();
    Carrier { attributes, object }
}

/// An attribute with everything `meta` says.
pub(crate) fn attribute(meta: &Meta, attr_type: AttrType, value: &str) -> Attribute {
    // Built whole rather than with `Attribute::new`, which draws a random uuid.
    Attribute {
        uuid: meta.uuid,
        attr_type,
        category: meta
            .hints
            .category
            .filter(|c| c.allows(attr_type))
            .unwrap_or_else(|| attr_type.default_category()),
        value: value.to_owned(),
        to_ids: meta.to_ids,
        comment: meta.comment.clone(),
        first_seen: meta.first_seen,
        last_seen: meta.last_seen,
        timestamp: meta.timestamp,
        tags: meta.tags.clone(),
        deleted: false,
        disable_correlation: false,
        object: None,
        sightings: Vec::new(),
    }
}
