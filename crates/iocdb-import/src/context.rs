//! What a decoder is given (options, where to push events) and what it tells back (report).

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use iocdb_model::Event;

use crate::error::{ErrorKind, ImportError, Position};

/// Where decoded events go. The engine's writer, a `Vec`, or a user's own type.
pub trait Sink {
    /// Takes one decoded event. An error stops the import and is reported as
    /// [`ErrorKind::Sink`].
    fn push(&mut self, event: Event) -> Result<(), Box<dyn std::error::Error + Send + Sync>>;
}

/// A sink that keeps every event in memory.
#[derive(Debug, Default)]
pub struct VecSink(pub Vec<Event>);

impl Sink for VecSink {
    fn push(&mut self, event: Event) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        self.0.push(event);
        Ok(())
    }
}

/// Decoder options.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Stop at the first bad record instead of skipping it with a warning.
    pub strict: bool,
}

/// A record skipped, or something of the input that could not be kept whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// Where.
    pub position: Position,
    /// What, and what was expected.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.position, self.message)
    }
}

/// What a decoder did: events and attributes produced, what was skipped and why.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Events pushed into the sink.
    pub events: u64,
    /// Attributes in those events.
    pub attributes: u64,
    /// Skipped records and lossy conversions, in input order (the first 1,000 are kept;
    /// `counters` has the full counts).
    pub warnings: Vec<Warning>,
    /// Named counts: `"skipped: unknown object type x-foo"`, `"stix: LIKE comparisons"`, ...
    pub counters: BTreeMap<String, u64>,
}

const MAX_WARNINGS: usize = 1000;

impl Report {
    /// Adds `n` to a named counter.
    pub fn count(&mut self, name: impl Into<String>, n: u64) {
        *self.counters.entry(name.into()).or_insert(0) += n;
    }

    /// Merges another report into this one.
    pub fn merge(&mut self, other: Report) {
        self.events += other.events;
        self.attributes += other.attributes;
        let room = MAX_WARNINGS.saturating_sub(self.warnings.len());
        self.warnings.extend(other.warnings.into_iter().take(room));
        for (name, n) in other.counters {
            self.count(name, n);
        }
    }
}

/// The state a decoder works with: options, the sink, the report, the file name.
pub struct Context<'a> {
    /// Options.
    pub options: Options,
    /// The file being decoded, for error messages.
    pub file: Option<PathBuf>,
    /// What has been done so far.
    pub report: Report,
    sink: &'a mut dyn Sink,
}

impl fmt::Debug for Context<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("options", &self.options)
            .field("file", &self.file)
            .field("report", &self.report)
            .finish_non_exhaustive()
    }
}

impl<'a> Context<'a> {
    /// A context pushing into `sink`.
    pub fn new(sink: &'a mut dyn Sink, options: Options) -> Self {
        Context { options, file: None, report: Report::default(), sink }
    }

    /// Names the file being decoded (errors and warnings will say it).
    pub fn set_file(&mut self, file: Option<&Path>) {
        self.file = file.map(Path::to_path_buf);
    }

    /// Pushes a decoded event into the sink and counts it.
    pub fn emit(&mut self, event: Event) -> Result<(), ImportError> {
        let attributes = event.attributes.len() as u64;
        self.sink.push(event).map_err(|e| self.error(ErrorKind::Sink(e), Position::default()))?;
        self.report.events += 1;
        self.report.attributes += attributes;
        Ok(())
    }

    /// Records a bad record: in strict mode returns it as an error, otherwise keeps a
    /// warning, counts it under `"skipped records"` and returns `Ok`.
    pub fn skip(&mut self, err: ImportError) -> Result<(), ImportError> {
        let err = self.attach_file(err);
        if self.options.strict {
            return Err(err);
        }
        self.report.count("skipped records", 1);
        let message = err.kind().to_string();
        self.warn(err.position().clone(), message);
        Ok(())
    }

    /// Keeps a warning that does not stop the import (lossy conversion, unknown object).
    pub fn warn(&mut self, position: Position, message: impl Into<String>) {
        if self.report.warnings.len() < MAX_WARNINGS {
            self.report.warnings.push(Warning { position, message: message.into() });
        }
    }

    /// An error of `kind` at `position`, naming this context's file.
    pub fn error(&self, kind: ErrorKind, position: Position) -> ImportError {
        self.attach_file(ImportError::new(kind, position))
    }

    /// Names this context's file in `err` if it does not name one yet.
    pub fn attach_file(&self, err: ImportError) -> ImportError {
        match &self.file {
            Some(file) => err.in_file(file),
            None => err,
        }
    }
}

/// The namespace of iocdb's content-derived uuids (version 5), for formats whose events
/// and attributes carry no uuid of their own: the same content always gets the same uuid,
/// so importing a file twice changes nothing.
pub const IOCDB_UUID_NAMESPACE: uuid::Uuid = uuid::uuid!("5d1b9a8e-6c1f-4e0b-9a57-1f0c3e1a6b42");

/// A version-5 uuid derived from `parts` (joined with a 0 byte) in iocdb's namespace.
pub fn derived_uuid(parts: &[&[u8]]) -> uuid::Uuid {
    let mut name = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            name.push(0);
        }
        name.extend_from_slice(part);
    }
    uuid::Uuid::new_v5(&IOCDB_UUID_NAMESPACE, &name)
}
