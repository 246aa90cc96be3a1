//! Sources: where events come from.

use serde::{Deserialize, Serialize};

/// What kind of producer a source is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SourceKind {
    /// A feed pulled on a schedule (CSV, freetext, MISP feed).
    Feed,
    /// Files imported by hand (STIX bundles, OpenIOC, MISP exports).
    File,
    /// A MISP instance.
    Misp,
    /// An analyst's own events.
    Analyst,
    /// A MISP warninglist (values known to be benign or noisy).
    Warninglist,
}

/// A source of events: one feed, one set of files, one MISP instance or one analyst.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// Unique name, chosen by the user (`urlhaus`, `unit42`, ...).
    pub name: String,
    /// Kind of producer.
    pub kind: SourceKind,
    /// Format the events came in (`stix`, `openioc`, `csv`, ...), when known.
    pub format: Option<String>,
    /// URL or path the events were read from, when known.
    pub location: Option<String>,
}

impl Source {
    /// A source with a name and kind, format and location unknown.
    pub fn new(name: impl Into<String>, kind: SourceKind) -> Self {
        Source { name: name.into(), kind, format: None, location: None }
    }
}
