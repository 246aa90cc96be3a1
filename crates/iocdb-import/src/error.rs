//! Errors that say where the problem is and what was expected.

use std::fmt;
use std::path::PathBuf;

/// Where in the input a problem was found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Position {
    /// 1-based line, for line-oriented formats (CSV, freetext) and XML.
    pub line: Option<u64>,
    /// 1-based record number (CSV row after the header, event number in a collection).
    pub record: Option<u64>,
    /// JSON pointer (RFC 6901) to the offending value, for JSON formats.
    pub pointer: Option<String>,
}

impl Position {
    /// A position at a line.
    pub fn line(line: u64) -> Self {
        Position { line: Some(line), ..Position::default() }
    }

    /// A position at a record.
    pub fn record(record: u64) -> Self {
        Position { record: Some(record), ..Position::default() }
    }

    /// A position at a JSON pointer.
    pub fn pointer(pointer: impl Into<String>) -> Self {
        Position { pointer: Some(pointer.into()), ..Position::default() }
    }

    fn is_empty(&self) -> bool {
        self.line.is_none() && self.record.is_none() && self.pointer.is_none()
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(line) = self.line {
            parts.push(format!("line {line}"));
        }
        if let Some(record) = self.record {
            parts.push(format!("record {record}"));
        }
        if let Some(pointer) = &self.pointer {
            parts.push(format!("at {pointer}"));
        }
        f.write_str(&parts.join(", "))
    }
}

/// What went wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Reading the input failed.
    #[error("read error: {0}")]
    Io(#[from] std::io::Error),
    /// The input is not well-formed JSON.
    #[error("invalid JSON: {0}")]
    Json(String),
    /// The input is not well-formed XML.
    #[error("invalid XML: {0}")]
    Xml(String),
    /// The input is not well-formed CSV.
    #[error("invalid CSV: {0}")]
    Csv(String),
    /// A value or structure is not what the format requires.
    #[error("expected {expected}, found {found}")]
    Expected {
        /// What the format requires here.
        expected: String,
        /// What was there instead.
        found: String,
    },
    /// An attribute value is invalid for its type.
    #[error(transparent)]
    Value(#[from] iocdb_model::ValueError),
    /// A path in a feed directory or manifest would leave the directory.
    #[error("unsafe path {0:?}: it would leave the feed directory")]
    UnsafePath(String),
    /// The format could not be recognised from the content.
    #[error("unrecognised format: {0}")]
    UnknownFormat(String),
    /// The sink refused an event (for instance the database failed to store it).
    #[error("could not store event: {0}")]
    Sink(Box<dyn std::error::Error + Send + Sync>),
}

/// An import error: the file, the position in it, and what went wrong.
///
/// Boxed so that `Result<T, ImportError>` stays one pointer wide.
#[derive(Debug)]
pub struct ImportError(Box<Inner>);

#[derive(Debug)]
struct Inner {
    file: Option<PathBuf>,
    position: Position,
    kind: ErrorKind,
}

impl ImportError {
    /// An error of `kind` at `position`, in no file yet (see [`ImportError::in_file`]).
    pub fn new(kind: ErrorKind, position: Position) -> Self {
        ImportError(Box::new(Inner { file: None, position, kind }))
    }

    /// A shorthand for an [`ErrorKind::Expected`] error.
    pub fn expected(
        expected: impl Into<String>,
        found: impl Into<String>,
        position: Position,
    ) -> Self {
        let kind = ErrorKind::Expected { expected: expected.into(), found: found.into() };
        ImportError::new(kind, position)
    }

    /// The same error, naming the file it was found in (kept if already set).
    #[must_use]
    pub fn in_file(mut self, file: impl Into<PathBuf>) -> Self {
        if self.0.file.is_none() {
            self.0.file = Some(file.into());
        }
        self
    }

    /// The file, when known.
    pub fn file(&self) -> Option<&std::path::Path> {
        self.0.file.as_deref()
    }

    /// The position in the file.
    pub fn position(&self) -> &Position {
        &self.0.position
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.0.kind
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = self.0.file.as_ref().map(|p| p.display().to_string());
        let file = file.as_deref().unwrap_or("<input>");
        if self.0.position.is_empty() {
            write!(f, "{file}: {}", self.0.kind)
        } else {
            write!(f, "{file}: {}: {}", self.0.position, self.0.kind)
        }
    }
}

impl std::error::Error for ImportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.0.kind {
            ErrorKind::Io(e) => Some(e),
            ErrorKind::Value(e) => Some(e),
            ErrorKind::Sink(e) => Some(e.as_ref()),
            _ => None,
        }
    }
}

impl From<std::io::Error> for ImportError {
    fn from(err: std::io::Error) -> Self {
        ImportError::new(ErrorKind::Io(err), Position::default())
    }
}
