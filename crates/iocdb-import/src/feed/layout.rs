//! How a CSV feed's columns map to attributes.

use iocdb_model::AttrType;

use super::FeedOptions;

/// A column, by position or by header name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Column {
    /// 0-based position in the row.
    Index(usize),
    /// The header's name for it, matched case-insensitively and ignoring surrounding
    /// spaces and quotes. Needs [`CsvLayout::has_header`].
    Name(String),
}

impl Column {
    /// The column called `name` in the header.
    pub fn name(name: impl Into<String>) -> Self {
        Column::Name(name.into())
    }
}

impl From<usize> for Column {
    fn from(index: usize) -> Self {
        Column::Index(index)
    }
}

impl From<&str> for Column {
    fn from(name: &str) -> Self {
        Column::Name(name.to_owned())
    }
}

/// Where a value's attribute type comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeSource {
    /// Another column of the row names the type: a MISP type name (`ip-dst`), or a
    /// producer's name mapped through [`CsvLayout::type_map`] (ThreatFox's `ip:port`).
    /// A name that is neither falls back to inference from the value.
    Column(Column),
    /// Every value of the column has this type.
    Fixed(AttrType),
    /// The type is inferred from each value ([`iocdb_model::infer_type`]).
    Infer,
}

/// A column holding attribute values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueColumn {
    /// The column.
    pub column: Column,
    /// Where the value's type comes from.
    pub attr_type: TypeSource,
    /// A column holding a port, joined to the value as `value|port` (Feodo Tracker's
    /// `dst_ip` and `dst_port` make one `ip-dst|port`).
    pub port: Option<Column>,
}

impl ValueColumn {
    /// Values of `column`, typed by `attr_type`.
    pub fn new(column: impl Into<Column>, attr_type: TypeSource) -> Self {
        ValueColumn { column: column.into(), attr_type, port: None }
    }

    /// Values of `column`, all of type `attr_type`.
    pub fn fixed(column: impl Into<Column>, attr_type: AttrType) -> Self {
        ValueColumn::new(column, TypeSource::Fixed(attr_type))
    }

    /// Values of `column`, their type inferred from each value.
    pub fn infer(column: impl Into<Column>) -> Self {
        ValueColumn::new(column, TypeSource::Infer)
    }
}

/// A column whose content becomes tags on the row's attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagColumn {
    /// The column.
    pub column: Column,
    /// Splits the cell into several tags (`32-bit,elf,mips` with `Some(',')`).
    pub split: Option<char>,
    /// Put before each tag (`malware:` gives `malware:Pikabot`).
    pub prefix: String,
}

impl TagColumn {
    /// The whole cell is one tag, as written.
    pub fn new(column: impl Into<Column>) -> Self {
        TagColumn { column: column.into(), split: None, prefix: String::new() }
    }

    /// The cell is a list of tags separated by `separator`.
    pub fn split(column: impl Into<Column>, separator: char) -> Self {
        TagColumn { split: Some(separator), ..TagColumn::new(column) }
    }
}

/// The columns of MISP's CSV export that place an attribute in a MISP object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectColumns {
    /// The object's uuid; rows where it is empty are not in an object.
    pub uuid: Column,
    /// The attribute's relation inside the object (`ip`, `md5`, ...).
    pub relation: Column,
    /// The object's template name (`file`, `domain-ip`, ...).
    pub name: Column,
    /// The template's meta-category (`file`, `network`, ...).
    pub meta_category: Column,
}

/// How to read a CSV feed: its dialect, which columns hold values and where their types,
/// dates, tags and comments come from.
///
/// The default is a comma-separated file with a header, `"` quotes and `#` comment lines,
/// in which every cell is a candidate value whose type is inferred (MISP's CSV feed with an
/// empty `value` setting). Presets for real feeds are in [`crate::feed::Preset`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvLayout {
    /// The field delimiter (`,`, `\t`, `;`).
    pub delimiter: u8,
    /// The quote character.
    pub quote: u8,
    /// Lines starting with this byte are comments (`#` for abuse.ch feeds). A value cell
    /// is also cut at this byte when whitespace precedes it (`1.2.3.4 # scanner`).
    pub comment: Option<u8>,
    /// The first row is a header. When the last comment line before the data holds every
    /// column name the layout uses (abuse.ch writes `# id,dateadded,url,...`), that comment
    /// is the header and the first row is data.
    pub has_header: bool,
    /// Fields are separated by the delimiter and a space after closing quotes
    /// (`"a", "b"`), as in abuse.ch's ThreatFox and MalwareBazaar exports.
    pub spaced: bool,
    /// The columns holding values. Empty: every cell of every row is a candidate whose type
    /// is inferred, and cells that are not indicators are ignored.
    pub values: Vec<ValueColumn>,
    /// First sighting of the row's values.
    pub first_seen: Option<Column>,
    /// Last sighting of the row's values.
    pub last_seen: Option<Column>,
    /// Last modification of the row's attributes (MISP's `date`, unix seconds).
    pub timestamp: Option<Column>,
    /// Columns that become tags.
    pub tags: Vec<TagColumn>,
    /// Columns kept in the attributes' comment: one column is copied as is; several are
    /// written `name: value; name: value` (with the header's names).
    pub comments: Vec<Column>,
    /// The attribute's own uuid (MISP's CSV export); otherwise one is derived.
    pub uuid: Option<Column>,
    /// The attribute's MISP category; otherwise the type's default.
    pub category: Option<Column>,
    /// The attribute's `to_ids` flag (`1`/`0`, `true`/`false`); otherwise the type's default.
    pub to_ids: Option<Column>,
    /// Rows are grouped into one event per distinct value of this column (MISP's
    /// `event_id`); a uuid there becomes the event's uuid.
    pub event: Option<Column>,
    /// MISP object membership.
    pub object: Option<ObjectColumns>,
    /// A producer's type names and the MISP types they stand for, for
    /// [`TypeSource::Column`]; compared case-insensitively.
    pub type_map: Vec<(String, AttrType)>,
    /// Cell contents that mean "no value" (`None`, `n/a`), compared case-insensitively;
    /// empty cells always do.
    pub nulls: Vec<String>,
    /// Event title, tags and split.
    pub feed: FeedOptions,
}

impl Default for CsvLayout {
    fn default() -> Self {
        CsvLayout {
            delimiter: b',',
            quote: b'"',
            comment: Some(b'#'),
            has_header: true,
            spaced: false,
            values: Vec::new(),
            first_seen: None,
            last_seen: None,
            timestamp: None,
            tags: Vec::new(),
            comments: Vec::new(),
            uuid: None,
            category: None,
            to_ids: None,
            event: None,
            object: None,
            type_map: Vec::new(),
            nulls: vec!["None".to_owned(), "N/A".to_owned(), "null".to_owned()],
            feed: FeedOptions::default(),
        }
    }
}

impl CsvLayout {
    /// A headerless layout whose one value column is `column`, typed by `attr_type`.
    pub fn single(column: usize, attr_type: TypeSource) -> Self {
        CsvLayout {
            has_header: false,
            values: vec![ValueColumn::new(column, attr_type)],
            ..CsvLayout::default()
        }
    }

    /// Whether a header with these (lower-cased) `names` has every column one of the
    /// layout's value columns needs (value, type and port columns, all named).
    pub(crate) fn header_matches(&self, names: &[String]) -> bool {
        let has = |column: &Column| match column {
            Column::Name(name) => names.contains(&name.trim().to_lowercase()),
            Column::Index(_) => false,
        };
        self.values.iter().any(|value| {
            let type_column = match &value.attr_type {
                TypeSource::Column(column) => has(column),
                TypeSource::Fixed(_) | TypeSource::Infer => true,
            };
            has(&value.column) && type_column && value.port.as_ref().is_none_or(has)
        })
    }

    /// How many of the columns the layout names are in a header with these (lower-cased)
    /// `names`.
    pub(crate) fn header_score(&self, names: &[String]) -> usize {
        let mut columns: Vec<&Column> = Vec::new();
        for value in &self.values {
            columns.push(&value.column);
            if let TypeSource::Column(column) = &value.attr_type {
                columns.push(column);
            }
            columns.extend(&value.port);
        }
        let singles = [
            &self.first_seen,
            &self.last_seen,
            &self.timestamp,
            &self.uuid,
            &self.category,
            &self.to_ids,
            &self.event,
        ];
        columns.extend(singles.into_iter().flatten());
        columns.extend(self.tags.iter().map(|t| &t.column));
        columns.extend(&self.comments);
        if let Some(o) = &self.object {
            columns.extend([&o.uuid, &o.relation, &o.name, &o.meta_category]);
        }
        columns
            .into_iter()
            .filter(|c| match c {
                Column::Name(name) => names.contains(&name.trim().to_lowercase()),
                Column::Index(_) => false,
            })
            .count()
    }

    /// Whether `cell` means "no value" in this layout.
    pub(crate) fn is_null(&self, cell: &str) -> bool {
        cell.is_empty() || self.nulls.iter().any(|null| null.eq_ignore_ascii_case(cell))
    }

    /// The MISP type `name` stands for in the type column.
    pub(crate) fn map_type(&self, name: &str) -> Option<AttrType> {
        let name = name.trim();
        self.type_map
            .iter()
            .find(|(raw, _)| raw.eq_ignore_ascii_case(name))
            .map(|&(_, ty)| ty)
            .or_else(|| AttrType::from_name(name))
            .or_else(|| AttrType::from_name(&name.to_lowercase()))
    }
}
