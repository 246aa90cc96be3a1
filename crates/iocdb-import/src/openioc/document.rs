//! An OpenIOC file as read, before it becomes an event: metadata, the logic tree in
//! document order, and the 1.1 parameters.

/// The OpenIOC version, from the root element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Version {
    /// `<ioc>` in `http://schemas.mandiant.com/2010/ioc`.
    V1_0,
    /// `<OpenIOC>` in `http://openioc.org/schemas/OpenIOC_1.1`.
    V1_1,
}

impl Version {
    /// `"1.0"` or `"1.1"`.
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Version::V1_0 => "1.0",
            Version::V1_1 => "1.1",
        }
    }
}

/// The whole file.
#[derive(Debug, Clone)]
pub(super) struct Document {
    /// Which OpenIOC.
    pub(super) version: Version,
    /// Line of the root element.
    pub(super) line: u64,
    /// The root's `id` attribute.
    pub(super) id: Option<String>,
    /// The root's `last-modified` attribute.
    pub(super) last_modified: Option<String>,
    /// The root's `published-date` attribute (1.1).
    pub(super) published_date: Option<String>,
    /// Descriptive fields.
    pub(super) metadata: Metadata,
    /// Indicators and items in document order (a pre-order walk of the tree).
    pub(super) nodes: Vec<Node>,
    /// 1.1 `<param>`s.
    pub(super) params: Vec<Param>,
}

/// Metadata: directly under `<ioc>` in 1.0, under `<metadata>` in 1.1.
#[derive(Debug, Clone, Default)]
pub(super) struct Metadata {
    /// `<short_description>`.
    pub(super) short_description: Option<String>,
    /// `<description>`.
    pub(super) description: Option<String>,
    /// `<keywords>`.
    pub(super) keywords: Option<String>,
    /// `<authored_by>`.
    pub(super) authored_by: Option<String>,
    /// `<authored_date>`.
    pub(super) authored_date: Option<String>,
    /// `<links>`.
    pub(super) links: Vec<Link>,
}

/// A `<link rel="..." href="...">text</link>`.
#[derive(Debug, Clone)]
pub(super) struct Link {
    /// `rel` attribute.
    pub(super) rel: Option<String>,
    /// `href` attribute (1.1).
    pub(super) href: Option<String>,
    /// Element text.
    pub(super) text: String,
}

/// A `<param ref-id="..." name="..."><value>...</value></param>` (1.1).
#[derive(Debug, Clone)]
pub(super) struct Param {
    /// The id of the Indicator or IndicatorItem it applies to.
    pub(super) ref_id: Option<String>,
    /// `name` attribute (`comment`, `yara/wide`, ...).
    pub(super) name: Option<String>,
    /// `<value>` text.
    pub(super) value: String,
    /// Line of the `<param>`.
    pub(super) line: u64,
}

/// One node of the logic tree.
#[derive(Debug, Clone)]
pub(super) enum Node {
    /// A logic node.
    Indicator(Indicator),
    /// A leaf test.
    Item(Item),
}

/// An `<Indicator operator="AND|OR">`.
#[derive(Debug, Clone)]
pub(super) struct Indicator {
    /// `id` attribute.
    pub(super) id: Option<String>,
    /// `operator` attribute as written.
    pub(super) operator: Option<String>,
    /// Nesting depth: 0 for the top Indicator.
    pub(super) depth: usize,
    /// Position among the Indicators: `1` for the top one, `1.2` for its second child.
    pub(super) path: String,
    /// Line of the start tag.
    pub(super) line: u64,
}

/// An `<IndicatorItem>` with its `<Context>` and `<Content>`.
#[derive(Debug, Clone, Default)]
pub(super) struct Item {
    /// `id` attribute.
    pub(super) id: Option<String>,
    /// `condition` attribute (`is`, `contains`, ...).
    pub(super) condition: Option<String>,
    /// 1.1 `negate="true"`.
    pub(super) negate: bool,
    /// 1.1 `preserve-case="true"`.
    pub(super) preserve_case: bool,
    /// `<Context search="...">`: the search term (`FileItem/Md5sum`).
    pub(super) search: Option<String>,
    /// `<Content>` text, as written.
    pub(super) content: Option<String>,
    /// Nesting depth (that of its Indicator plus one).
    pub(super) depth: usize,
    /// Index in [`Document::nodes`] of the enclosing Indicator.
    pub(super) parent: Option<usize>,
    /// Line of the start tag.
    pub(super) line: u64,
}
