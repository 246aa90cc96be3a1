//! MISP warninglists: lists of known benign or noisy values that lookups flag.

use std::sync::Arc;

use iocdb_model::{AttrType, Warninglist};

use crate::db::Database;
use crate::error::{Error, Result};
use crate::store::keys;
use crate::store::records::{self, WarninglistRecord};
use crate::writer::Writer;

impl Writer<'_> {
    /// Stores a warninglist (replacing one of the same name).
    pub fn put_warninglist(&mut self, list: &Warninglist) -> Result<()> {
        let record = WarninglistRecord {
            name: list.name.clone(),
            description: list.description.clone(),
            version: list.version,
            list_type: list.list_type,
            matching_attributes: list.matching_attributes.clone(),
            entries: list.entries().to_vec(),
        };
        self.put_raw(keys::WARNINGLISTS, list.name.as_bytes(), records::encode(&record))?;
        self.database().forget_warninglists();
        Ok(())
    }

    /// Deletes a warninglist; `false` if there was none of that name.
    pub fn delete_warninglist(&mut self, name: &str) -> Result<bool> {
        if self.database().get(keys::WARNINGLISTS, name.as_bytes())?.is_none() {
            return Ok(false);
        }
        self.delete_raw(keys::WARNINGLISTS, name.as_bytes())?;
        self.database().forget_warninglists();
        Ok(true)
    }
}

impl Database {
    /// The stored warninglists, loaded and compiled once (and again after a change made
    /// through this handle).
    pub fn warninglists(&self) -> Result<Arc<Vec<Warninglist>>> {
        let mut cache = self.warninglists.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(lists) = cache.as_ref() {
            return Ok(Arc::clone(lists));
        }
        let mut lists = Vec::new();
        for item in self.db.iterator_cf(self.cf(keys::WARNINGLISTS), rocksdb::IteratorMode::Start) {
            let (key, value) = item?;
            let record: WarninglistRecord = records::decode(&value)
                .ok_or_else(|| Error::corrupted(keys::WARNINGLISTS, &key))?;
            let list = Warninglist::new(
                record.name,
                record.description,
                record.version,
                record.list_type,
                record.matching_attributes,
                record.entries,
            )
            .map_err(|_| Error::corrupted(keys::WARNINGLISTS, &key))?;
            lists.push(list);
        }
        let lists = Arc::new(lists);
        *cache = Some(Arc::clone(&lists));
        Ok(lists)
    }

    /// Names of the warninglists that flag a value (of a type, when known).
    pub fn warninglist_hits(
        &self,
        attr_type: Option<AttrType>,
        value: &str,
    ) -> Result<Vec<String>> {
        let lists = self.warninglists()?;
        Ok(lists.iter().filter(|l| l.matches(attr_type, value)).map(|l| l.name.clone()).collect())
    }

    pub(crate) fn forget_warninglists(&self) {
        *self.warninglists.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = None;
    }
}
