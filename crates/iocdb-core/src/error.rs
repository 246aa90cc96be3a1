//! The engine's error type.

use std::path::PathBuf;

/// Errors of the engine.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// RocksDB reported an error.
    #[error("storage error: {0}")]
    Storage(#[from] rocksdb::Error),
    /// Another process holds the database's write lock.
    #[error("database {path} is in use by another writer")]
    Locked {
        /// The database directory.
        path: PathBuf,
    },
    /// There is no database at the path.
    #[error("no iocdb database at {path}")]
    NotFound {
        /// The path given.
        path: PathBuf,
    },
    /// The path holds something that is not an iocdb database.
    #[error("{path} is not an iocdb database")]
    NotADatabase {
        /// The path given.
        path: PathBuf,
    },
    /// The database was written by an older format this code no longer opens.
    #[error("database format {found} is older than the oldest supported ({oldest}); upgrade it")]
    UpgradeRequired {
        /// The format found.
        found: u32,
        /// The oldest format this code opens.
        oldest: u32,
    },
    /// The database was written by a newer iocdb.
    #[error(
        "database format {found} is newer than this iocdb supports (up to {max}); upgrade iocdb"
    )]
    UnsupportedFormat {
        /// The format found.
        found: u32,
        /// The newest format this code knows.
        max: u32,
    },
    /// Stored bytes do not decode: the database is damaged.
    #[error("corrupted {what} record at key {key}")]
    Corrupted {
        /// Which kind of record.
        what: &'static str,
        /// The key, in hex.
        key: String,
    },
    /// A write was attempted on a database opened read-only.
    #[error("the database is open read-only")]
    ReadOnly,
    /// An event, attribute or source named by the caller does not exist.
    #[error("{0} not found")]
    Missing(String),
    /// An attribute of an event cannot be stored as given.
    #[error("event {event}: attribute {index}: {source}")]
    InvalidValue {
        /// The event's uuid.
        event: uuid::Uuid,
        /// The attribute's index in the event.
        index: usize,
        /// What is wrong with the value.
        source: iocdb_model::ValueError,
    },
    /// An id space (u32) is exhausted: shard the database.
    #[error("{0} ids exhausted (more than 4,294,967,295): shard the database")]
    IdsExhausted(&'static str),
    /// Reading the database directory failed.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
}

impl Error {
    pub(crate) fn corrupted(what: &'static str, key: &[u8]) -> Self {
        let key = key.iter().map(|b| format!("{b:02x}")).collect();
        Error::Corrupted { what, key }
    }
}

/// The engine's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
