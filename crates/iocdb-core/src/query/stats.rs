//! Database statistics.

use crate::db::Database;
use crate::error::Result;
use crate::store::keys::MetaKey;

/// Counts and size of a database (serialised as the CLI's `stats` JSON contract).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Stats {
    /// Sources.
    pub sources: u64,
    /// Events.
    pub events: u64,
    /// Attributes.
    pub attributes: u64,
    /// Distinct correlation keys.
    pub values: u64,
    /// Bytes of the database directory on disk.
    pub bytes_on_disk: u64,
}

impl Database {
    /// Counts of sources, events, attributes, distinct values; bytes on disk.
    pub fn stats(&self) -> Result<Stats> {
        Ok(Stats {
            sources: self.sources()?.len() as u64,
            events: self.meta_u64(MetaKey::CountEvents)?,
            attributes: self.meta_u64(MetaKey::CountAttrs)?,
            values: self.meta_u64(MetaKey::CountValues)?,
            bytes_on_disk: dir_size(self.path())?,
        })
    }
}

fn dir_size(path: &std::path::Path) -> Result<u64> {
    let mut total = 0;
    for entry in std::fs::read_dir(path)? {
        let entry = entry?;
        let meta = entry.metadata()?;
        total += if meta.is_dir() { dir_size(&entry.path())? } else { meta.len() };
    }
    Ok(total)
}
