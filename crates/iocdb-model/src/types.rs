//! MISP attribute types and categories.
//!
//! The table is PyMISP's `describeTypes.json`, shipped in `data/` and compiled into the
//! crate with `include_str!`. It is parsed once, on first use, into a process-wide
//! [`OnceLock`]; [`AttrType`] and [`Category`] are small indexes into it, in the order the
//! file lists them. The file is checked by the tests of this module (194 types, 16
//! categories), so parsing it cannot fail at run time.

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The 12 types MISP never correlates (`MispAttribute.php`, `$nonCorrelatingTypes`).
pub const NON_CORRELATING_TYPES: [&str; 12] = [
    "comment",
    "http-method",
    "aba-rtn",
    "gender",
    "counter",
    "integer",
    "float",
    "port",
    "nationality",
    "cortex",
    "boolean",
    "anonymised",
];

/// Types whose composite value correlates on its first half only.
const PRIMARY_ONLY_TYPES: [&str; 3] = ["ip-src|port", "ip-dst|port", "hostname|port"];

/// The raw JSON of PyMISP's type table.
const DESCRIBE_TYPES: &str = include_str!("../data/describeTypes.json");

/// `describeTypes.json` as it is written.
#[derive(Deserialize)]
struct RawFile {
    result: RawTable,
}

/// The `result` object of `describeTypes.json`.
#[derive(Deserialize)]
struct RawTable {
    sane_defaults: HashMap<String, RawDefault>,
    types: Vec<String>,
    categories: Vec<String>,
    category_type_mappings: HashMap<String, Vec<String>>,
}

/// One `sane_defaults` entry.
#[derive(Deserialize)]
struct RawDefault {
    default_category: String,
    to_ids: u8,
}

/// What the crate knows of one type.
struct TypeInfo {
    name: String,
    default_category: Category,
    default_to_ids: bool,
    composite: bool,
    primary_only: bool,
    correlates: bool,
    categories: Vec<Category>,
}

/// What the crate knows of one category.
struct CategoryInfo {
    name: String,
    /// `allows[type index]`: whether the category accepts the type.
    allows: Vec<bool>,
}

/// The parsed table.
struct Table {
    types: Vec<TypeInfo>,
    categories: Vec<CategoryInfo>,
    type_index: HashMap<String, AttrType>,
    category_index: HashMap<String, Category>,
}

/// The table, parsed on first use.
fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let raw: RawFile =
            serde_json::from_str(DESCRIBE_TYPES).expect("data/describeTypes.json is valid JSON");
        build_table(raw.result)
    })
}

/// Builds the lookup structures from the raw JSON table.
fn build_table(raw: RawTable) -> Table {
    let category_index: HashMap<String, Category> =
        (0u8..).zip(&raw.categories).map(|(index, name)| (name.clone(), Category(index))).collect();
    let type_index: HashMap<String, AttrType> =
        (0u16..).zip(&raw.types).map(|(index, name)| (name.clone(), AttrType(index))).collect();
    let categories = raw
        .categories
        .iter()
        .map(|name| {
            let mut allows = vec![false; raw.types.len()];
            for ty in raw.category_type_mappings.get(name).into_iter().flatten() {
                if let Some(index) = type_index.get(ty) {
                    allows[usize::from(index.0)] = true;
                }
            }
            CategoryInfo { name: name.clone(), allows }
        })
        .collect::<Vec<_>>();
    let types = raw
        .types
        .iter()
        .enumerate()
        .map(|(index, name)| {
            let defaults = raw.sane_defaults.get(name);
            let default_category = defaults
                .and_then(|d| category_index.get(&d.default_category).copied())
                .unwrap_or(Category::OTHER_FALLBACK);
            TypeInfo {
                name: name.clone(),
                default_category,
                default_to_ids: defaults.is_some_and(|d| d.to_ids == 1),
                composite: name.contains('|') || name == "malware-sample",
                primary_only: PRIMARY_ONLY_TYPES.contains(&name.as_str()),
                correlates: !NON_CORRELATING_TYPES.contains(&name.as_str()),
                categories: (0u8..)
                    .zip(&categories)
                    .filter(|(_, c)| c.allows[index])
                    .map(|(c, _)| Category(c))
                    .collect(),
            }
        })
        .collect();
    Table { types, categories, type_index, category_index }
}

/// A MISP attribute type (`ip-dst`, `domain`, `filename|sha256`, ...): an index into
/// PyMISP's type table. Serialised as the type name; Display and Debug show the name.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AttrType(u16);

impl AttrType {
    /// The type called `name` (exact, case-sensitive, as MISP spells it).
    pub fn from_name(name: &str) -> Option<AttrType> {
        table().type_index.get(name).copied()
    }

    /// The type with this index in the table (see [`AttrType::index`]).
    pub fn from_index(index: u16) -> Option<AttrType> {
        (usize::from(index) < table().types.len()).then_some(AttrType(index))
    }

    /// The index of this type in the table: stable for a given `describeTypes.json`.
    pub fn index(self) -> u16 {
        self.0
    }

    /// Every type, in table order.
    pub fn all() -> impl Iterator<Item = AttrType> {
        (0..table().types.len()).filter_map(|i| u16::try_from(i).ok()).map(AttrType)
    }

    /// The type's name as MISP spells it.
    pub fn name(self) -> &'static str {
        &self.info().name
    }

    /// The category MISP gives an attribute of this type when none is said.
    pub fn default_category(self) -> Category {
        self.info().default_category
    }

    /// Whether an attribute of this type is meant for detection by default.
    pub fn default_to_ids(self) -> bool {
        self.info().default_to_ids
    }

    /// Whether the value has two halves joined by `|`: every type whose name contains `|`,
    /// plus `malware-sample` (`filename|md5`).
    pub fn is_composite(self) -> bool {
        self.info().composite
    }

    /// Whether only the first half of the composite value correlates (`ip-src|port`,
    /// `ip-dst|port`, `hostname|port`).
    pub fn primary_only(self) -> bool {
        self.info().primary_only
    }

    /// Whether values of this type correlate at all (see [`NON_CORRELATING_TYPES`]).
    pub fn correlates(self) -> bool {
        self.info().correlates
    }

    /// The categories MISP accepts for this type (`category_type_mappings`).
    pub fn categories(self) -> impl Iterator<Item = Category> {
        self.info().categories.iter().copied()
    }

    /// The table entry of this type.
    fn info(self) -> &'static TypeInfo {
        &table().types[usize::from(self.0)]
    }
}

impl fmt::Display for AttrType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl fmt::Debug for AttrType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("AttrType").field(&self.name()).finish()
    }
}

impl Serialize for AttrType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for AttrType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        AttrType::from_name(&name).ok_or_else(|| {
            serde::de::Error::custom(format_args!("unknown MISP attribute type {name:?}"))
        })
    }
}

/// A MISP category (`Network activity`, `Payload delivery`, ...): an index into PyMISP's
/// category list. Serialised as the category name; Display and Debug show the name.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Category(u8);

impl Category {
    /// Used only if a type had no sane default (none has in the shipped table): `Other`,
    /// the last of MISP's 16 categories.
    const OTHER_FALLBACK: Category = Category(15);

    /// The category called `name` (exact, case-sensitive, as MISP spells it).
    pub fn from_name(name: &str) -> Option<Category> {
        table().category_index.get(name).copied()
    }

    /// The category with this index in the table (see [`Category::index`]).
    pub fn from_index(index: u8) -> Option<Category> {
        (usize::from(index) < table().categories.len()).then_some(Category(index))
    }

    /// The index of this category in the table.
    pub fn index(self) -> u8 {
        self.0
    }

    /// Every category, in table order.
    pub fn all() -> impl Iterator<Item = Category> {
        (0..table().categories.len()).filter_map(|i| u8::try_from(i).ok()).map(Category)
    }

    /// The category's name as MISP spells it.
    pub fn name(self) -> &'static str {
        &table().categories[usize::from(self.0)].name
    }

    /// Whether MISP accepts attributes of type `ty` in this category.
    pub fn allows(self, ty: AttrType) -> bool {
        table().categories[usize::from(self.0)]
            .allows
            .get(usize::from(ty.0))
            .copied()
            .unwrap_or(false)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl fmt::Debug for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Category").field(&self.name()).finish()
    }
}

impl Serialize for Category {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Category {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        Category::from_name(&name)
            .ok_or_else(|| serde::de::Error::custom(format_args!("unknown MISP category {name:?}")))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn ty(name: &str) -> AttrType {
        AttrType::from_name(name).unwrap()
    }

    #[test]
    fn table_has_194_types_and_16_categories() {
        assert_eq!(AttrType::all().count(), 194);
        assert_eq!(Category::all().count(), 16);
        assert_eq!(Category::OTHER_FALLBACK.name(), "Other");
    }

    #[test]
    fn composite_types_are_the_24_pipe_types_and_malware_sample() {
        let pipes = AttrType::all().filter(|t| t.name().contains('|')).count();
        assert_eq!(pipes, 24);
        let composite: Vec<_> = AttrType::all().filter(|t| t.is_composite()).collect();
        assert_eq!(composite.len(), 25);
        assert!(ty("malware-sample").is_composite());
        assert!(!ty("md5").is_composite());
    }

    #[test]
    fn ninety_six_types_default_to_ids() {
        assert_eq!(AttrType::all().filter(|t| t.default_to_ids()).count(), 96);
        assert!(ty("ip-dst").default_to_ids());
        assert!(!ty("comment").default_to_ids());
    }

    #[test]
    fn every_default_category_is_allowed_by_the_mapping() {
        // The shipped table has no exception: every sane default is a valid category.
        for t in AttrType::all() {
            assert!(t.default_category().allows(t), "{t} in {}", t.default_category());
            assert!(t.categories().any(|c| c == t.default_category()), "{t}");
        }
    }

    #[test]
    fn defaults_match_pymisp() {
        assert_eq!(ty("md5").default_category().name(), "Payload delivery");
        assert_eq!(ty("ip-dst").default_category().name(), "Network activity");
        assert_eq!(ty("vulnerability").default_category().name(), "External analysis");
        let network = Category::from_name("Network activity").unwrap();
        assert!(network.allows(ty("domain")));
        assert!(!network.allows(ty("first-name")));
    }

    #[test]
    fn non_correlating_and_primary_only() {
        let off: Vec<_> = AttrType::all().filter(|t| !t.correlates()).map(AttrType::name).collect();
        assert_eq!(off.len(), 12);
        for name in NON_CORRELATING_TYPES {
            assert!(!ty(name).correlates(), "{name}");
        }
        let primary: Vec<_> =
            AttrType::all().filter(|t| t.primary_only()).map(AttrType::name).collect();
        assert_eq!(primary, ["ip-dst|port", "ip-src|port", "hostname|port"]);
    }

    #[test]
    fn names_round_trip_and_unknown_names_fail() {
        for t in AttrType::all() {
            assert_eq!(AttrType::from_name(t.name()), Some(t));
            assert_eq!(AttrType::from_index(t.index()), Some(t));
        }
        for c in Category::all() {
            assert_eq!(Category::from_name(c.name()), Some(c));
            assert_eq!(Category::from_index(c.index()), Some(c));
        }
        assert_eq!(AttrType::from_name("IP-DST"), None);
        assert_eq!(AttrType::from_index(194), None);
        assert_eq!(Category::from_index(16), None);
    }

    #[test]
    fn serde_uses_names() {
        let t = ty("filename|sha256");
        assert_eq!(serde_json::to_string(&t).unwrap(), r#""filename|sha256""#);
        assert_eq!(serde_json::from_str::<AttrType>(r#""filename|sha256""#).unwrap(), t);
        assert!(serde_json::from_str::<AttrType>(r#""no-such-type""#).is_err());
        assert!(serde_json::from_str::<AttrType>("3").is_err());
        let c = Category::from_name("Payload delivery").unwrap();
        assert_eq!(serde_json::to_string(&c).unwrap(), r#""Payload delivery""#);
        assert_eq!(serde_json::from_str::<Category>(r#""Payload delivery""#).unwrap(), c);
        assert!(serde_json::from_str::<Category>(r#""payload delivery""#).is_err());
    }

    #[test]
    fn display_and_debug_show_names() {
        assert_eq!(ty("ip-dst").to_string(), "ip-dst");
        assert_eq!(format!("{:?}", ty("ip-dst")), r#"AttrType("ip-dst")"#);
        let c = Category::from_name("Other").unwrap();
        assert_eq!(c.to_string(), "Other");
        assert_eq!(format!("{c:?}"), r#"Category("Other")"#);
    }
}
