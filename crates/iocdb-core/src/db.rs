//! Opening, creating and reading the database.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use roaring::RoaringBitmap;
use rocksdb::{
    BlockBasedOptions, Cache, ColumnFamily, ColumnFamilyDescriptor, DB, DBCompressionType,
    WriteBatch,
};

use crate::error::{Error, Result};
use crate::format::{self, FORMAT_VERSION, OLDEST_SUPPORTED_FORMAT_VERSION};
use crate::store::keys::{self, MetaKey};
use crate::store::{merge, posting, records};

/// How to open a database.
#[derive(Debug, Clone)]
pub struct OpenOptions {
    create: bool,
    read_only: bool,
    cache_bytes: usize,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions { create: false, read_only: false, cache_bytes: 64 << 20 }
    }
}

impl OpenOptions {
    /// Default options: open an existing database for reading and writing.
    pub fn new() -> Self {
        OpenOptions::default()
    }

    /// Create the database when the path holds none.
    pub fn create(&mut self, yes: bool) -> &mut Self {
        self.create = yes;
        self
    }

    /// Open read-only: no write lock is taken, so readers run beside a writer process and
    /// see the database as it was when they opened it.
    pub fn read_only(&mut self, yes: bool) -> &mut Self {
        self.read_only = yes;
        self
    }

    /// Size of the block cache shared by all column families (default 64 MiB).
    pub fn cache_bytes(&mut self, bytes: usize) -> &mut Self {
        self.cache_bytes = bytes;
        self
    }

    /// Opens (or creates) the database at `path` with these options.
    pub fn open(&self, path: impl AsRef<Path>) -> Result<Database> {
        Database::open_with(path.as_ref(), self)
    }
}

/// An iocdb database: a RocksDB directory holding events, attributes and their indexes.
///
/// Reads take `&self` and may run from several threads; writes go through one
/// [`Writer`](crate::Writer) at a time ([`Database::writer`]).
pub struct Database {
    pub(crate) db: DB,
    path: PathBuf,
    read_only: bool,
    pub(crate) write_lock: Mutex<()>,
    pub(crate) warninglists: Mutex<Option<std::sync::Arc<Vec<iocdb_model::Warninglist>>>>,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database")
            .field("path", &self.path)
            .field("read_only", &self.read_only)
            .finish_non_exhaustive()
    }
}

impl Database {
    /// Opens the database at `path`, creating it if there is none.
    pub fn open_or_create(path: impl AsRef<Path>) -> Result<Database> {
        OpenOptions::new().create(true).open(path)
    }

    /// Opens an existing database for reading and writing.
    pub fn open(path: impl AsRef<Path>) -> Result<Database> {
        OpenOptions::new().open(path)
    }

    /// Opens an existing database read-only.
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<Database> {
        OpenOptions::new().read_only(true).open(path)
    }

    /// The database directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the database was opened read-only.
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    fn open_with(path: &Path, options: &OpenOptions) -> Result<Database> {
        let exists = path.join("CURRENT").exists();
        if !exists && (!options.create || options.read_only) {
            return Err(Error::NotFound { path: path.to_path_buf() });
        }
        let db = open_rocksdb(path, options, exists)?;
        let database = Database {
            db,
            path: path.to_path_buf(),
            read_only: options.read_only,
            write_lock: Mutex::new(()),
            warninglists: Mutex::new(None),
        };
        database.check_format(options.create)?;
        Ok(database)
    }

    /// Checks the format record; on a database whose creation did not finish (no format
    /// record and nothing else written), finishes it when `create` is set.
    fn check_format(&self, create: bool) -> Result<()> {
        match self.get(keys::META, MetaKey::Format.bytes())? {
            Some(bytes) => check_version(&self.path, &bytes),
            None if create && !self.read_only && self.is_empty()? => self.initialise(),
            None => Err(Error::NotADatabase { path: self.path.clone() }),
        }
    }

    fn is_empty(&self) -> Result<bool> {
        for name in keys::ALL_CFS {
            if name == keys::META {
                continue;
            }
            let mut it = self.db.raw_iterator_cf(self.cf(name));
            it.seek_to_first();
            if it.valid() {
                return Ok(false);
            }
            it.status()?;
        }
        Ok(true)
    }

    /// Writes the counters, then the format record last: a database with a format record
    /// is complete.
    fn initialise(&self) -> Result<()> {
        let mut batch = WriteBatch::default();
        let meta = self.cf(keys::META);
        for key in [MetaKey::NextSource, MetaKey::NextEvent, MetaKey::NextAttr, MetaKey::NextValue]
        {
            batch.put_cf(meta, key.bytes(), 0u32.to_be_bytes());
        }
        for key in [MetaKey::CountEvents, MetaKey::CountAttrs, MetaKey::CountValues] {
            batch.put_cf(meta, key.bytes(), 0u64.to_be_bytes());
        }
        self.db.write(batch)?;
        self.db.put_cf(meta, MetaKey::Format.bytes(), format::encode(FORMAT_VERSION))?;
        self.db.flush_wal(true)?;
        Ok(())
    }

    /// The handle of a column family (all are created on open).
    pub(crate) fn cf(&self, name: &str) -> &ColumnFamily {
        match self.db.cf_handle(name) {
            Some(cf) => cf,
            None => unreachable!("column family {name} is opened with the database"),
        }
    }

    /// A point read.
    pub(crate) fn get(&self, cf: &str, key: &[u8]) -> Result<Option<Vec<u8>>> {
        Ok(self.db.get_cf(self.cf(cf), key)?)
    }

    /// Reads a u32 id stored as a value.
    pub(crate) fn get_id(&self, cf: &'static str, key: &[u8]) -> Result<Option<u32>> {
        match self.get(cf, key)? {
            None => Ok(None),
            Some(bytes) => {
                keys::decode_id(&bytes).map(Some).ok_or_else(|| Error::corrupted(cf, key))
            }
        }
    }

    /// Reads a posting; absent keys are empty postings.
    pub(crate) fn get_posting(&self, cf: &'static str, key: &[u8]) -> Result<RoaringBitmap> {
        match self.db.get_pinned_cf(self.cf(cf), key)? {
            None => Ok(RoaringBitmap::new()),
            Some(bytes) => posting::decode(&bytes).ok_or_else(|| Error::corrupted(cf, key)),
        }
    }

    /// Reads many postings at once (RocksDB multi-get).
    pub(crate) fn get_postings(&self, cf: &'static str, ids: &[u32]) -> Result<Vec<RoaringBitmap>> {
        let keys: Vec<[u8; 4]> = ids.iter().map(|&id| keys::id(id)).collect();
        let handle = self.cf(cf);
        let results = self.db.batched_multi_get_cf(handle, keys.iter(), false);
        results
            .into_iter()
            .zip(&keys)
            .map(|(result, key)| match result? {
                None => Ok(RoaringBitmap::new()),
                Some(bytes) => posting::decode(&bytes).ok_or_else(|| Error::corrupted(cf, key)),
            })
            .collect()
    }

    /// Reads a record.
    pub(crate) fn get_record<T: serde::de::DeserializeOwned>(
        &self,
        cf: &'static str,
        key: &[u8],
    ) -> Result<Option<T>> {
        match self.db.get_pinned_cf(self.cf(cf), key)? {
            None => Ok(None),
            Some(bytes) => {
                records::decode(&bytes).map(Some).ok_or_else(|| Error::corrupted(cf, key))
            }
        }
    }

    /// Reads many records by u32 id; a missing record is an error (`what` names it).
    pub(crate) fn get_records<T: serde::de::DeserializeOwned>(
        &self,
        cf: &'static str,
        ids: &[u32],
    ) -> Result<Vec<T>> {
        let keys: Vec<[u8; 4]> = ids.iter().map(|&id| keys::id(id)).collect();
        let results = self.db.batched_multi_get_cf(self.cf(cf), keys.iter(), false);
        results
            .into_iter()
            .zip(&keys)
            .map(|(result, key)| {
                let bytes = result?.ok_or_else(|| Error::corrupted(cf, key))?;
                records::decode(&bytes).ok_or_else(|| Error::corrupted(cf, key))
            })
            .collect()
    }

    /// Reads a u32 counter from `meta`.
    pub(crate) fn meta_u32(&self, key: MetaKey) -> Result<u32> {
        self.get_id(keys::META, key.bytes())?.ok_or_else(|| Error::corrupted("meta", key.bytes()))
    }

    /// Reads a u64 counter from `meta`.
    pub(crate) fn meta_u64(&self, key: MetaKey) -> Result<u64> {
        let bytes = self.get(keys::META, key.bytes())?;
        let bytes: Option<[u8; 8]> = bytes.and_then(|b| b.try_into().ok());
        bytes.map(u64::from_be_bytes).ok_or_else(|| Error::corrupted("meta", key.bytes()))
    }
}

fn check_version(path: &Path, bytes: &[u8]) -> Result<()> {
    let found =
        format::decode(bytes).ok_or_else(|| Error::NotADatabase { path: path.to_path_buf() })?;
    if found > FORMAT_VERSION {
        return Err(Error::UnsupportedFormat { found, max: FORMAT_VERSION });
    }
    if found < OLDEST_SUPPORTED_FORMAT_VERSION {
        return Err(Error::UpgradeRequired { found, oldest: OLDEST_SUPPORTED_FORMAT_VERSION });
    }
    Ok(())
}

fn open_rocksdb(path: &Path, options: &OpenOptions, exists: bool) -> Result<DB> {
    let cache = Cache::new_lru_cache(options.cache_bytes);
    let descriptors =
        keys::ALL_CFS.map(|name| ColumnFamilyDescriptor::new(name, cf_options(name, &cache)));
    let mut db_options = rocksdb::Options::default();
    db_options.create_if_missing(options.create && !exists);
    db_options.create_missing_column_families(options.create && !exists);
    db_options.set_max_background_jobs(2);
    let result = if options.read_only {
        DB::open_cf_descriptors_read_only(&db_options, path, descriptors, false)
    } else {
        DB::open_cf_descriptors(&db_options, path, descriptors)
    };
    result.map_err(|e| classify_open_error(path, e))
}

fn classify_open_error(path: &Path, error: rocksdb::Error) -> Error {
    let message = error.to_string();
    if message.contains("lock") || message.contains("Resource temporarily unavailable") {
        Error::Locked { path: path.to_path_buf() }
    } else if message.contains("olumn famil") {
        Error::NotADatabase { path: path.to_path_buf() }
    } else {
        Error::Storage(error)
    }
}

fn cf_options(name: &str, cache: &Cache) -> rocksdb::Options {
    let mut options = rocksdb::Options::default();
    options.set_compression_type(DBCompressionType::Lz4);
    let mut table = BlockBasedOptions::default();
    table.set_block_cache(cache);
    table.set_bloom_filter(10.0, false);
    table.set_cache_index_and_filter_blocks(true);
    options.set_block_based_table_factory(&table);
    if keys::POSTING_CFS.contains(&name) {
        options.set_merge_operator(merge::NAME, merge::full_merge, merge::partial_merge);
    }
    options
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_format(version: u32) -> Result<Database> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("db");
        let db = Database::open_or_create(&path)?;
        db.db.put_cf(db.cf(keys::META), MetaKey::Format.bytes(), format::encode(version))?;
        drop(db);
        let result = Database::open(&path);
        drop(dir);
        result
    }

    #[test]
    fn newer_format_is_refused() {
        let err = with_format(FORMAT_VERSION + 1).unwrap_err();
        assert!(
            matches!(err, Error::UnsupportedFormat { found, max } if found == FORMAT_VERSION + 1 && max == FORMAT_VERSION)
        );
        assert!(err.to_string().contains("newer than this iocdb supports"), "{err}");
    }

    #[test]
    fn older_format_needs_upgrade() {
        let err = with_format(OLDEST_SUPPORTED_FORMAT_VERSION - 1).unwrap_err();
        assert!(matches!(err, Error::UpgradeRequired { found: 0, .. }), "{err}");
    }

    #[test]
    fn foreign_rocksdb_is_not_a_database() {
        let dir = tempfile::tempdir().unwrap();
        let plain = DB::open_default(dir.path()).unwrap();
        drop(plain);
        let err = Database::open(dir.path()).unwrap_err();
        assert!(matches!(err, Error::NotADatabase { .. }), "{err}");
    }
}
