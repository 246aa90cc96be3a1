//! Decoders and encoders for threat-intelligence formats.
//!
//! Decoders turn bytes into [`iocdb_model::Event`]s and push them into a [`Sink`]; they do
//! no storage, so the engine, the command line and other Rust programs use them alike.
//! Every error names the file, the line, record or JSON pointer, and what was expected
//! ([`ImportError`]). In lenient mode (the default) a bad record is skipped with a
//! [`Warning`] and counted in the [`Report`]; in strict mode the first one stops the import.
//! Decoders never panic, whatever the bytes.
//!
//! | format | module |
//! |---|---|
//! | STIX 2.0 / 2.1 bundles | [`stix`] |
//! | OpenIOC 1.0 / 1.1 | [`openioc`] |
//! | CSV and freetext feeds, with presets | [`feed`] |
//! | MISP JSON events, feed directories, warninglists | [`misp`] |
//! | export to CSV, JSON lines, MISP JSON, STIX 2.1 | [`export`] |

mod context;
mod detect;
mod error;
pub mod export;
pub mod feed;
mod file;
pub mod misp;
pub mod openioc;
pub mod stix;

pub use context::{
    Context, IOCDB_UUID_NAMESPACE, Options, Report, Sink, VecSink, Warning, derived_uuid,
};
pub use detect::{Format, detect_format};
pub use error::{ErrorKind, ImportError, Position};
pub use file::{decode_path, decode_reader, detect_file};
