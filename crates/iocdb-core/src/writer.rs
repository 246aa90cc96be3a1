//! Batched ingest: events in, records and postings out.
//!
//! Ingest of new events never reads a posting: each batch aggregates, per value, the ids
//! to add, and writes one merge operand per value and per posting kind. Dictionary reads
//! go through an in-memory cache. Replacing or deleting an event does read the postings
//! of the values it held, to know which values die and which leave their source; those
//! paths commit the pending batch first and commit their own work at once, so that every
//! read sees the effect of every earlier write.

use std::sync::MutexGuard;

use ahash::{AHashMap, AHashSet};
use iocdb_model::{Attribute, Event, Source, normalize_value};
use roaring::RoaringBitmap;
use rocksdb::WriteBatch;
use uuid::Uuid;

use crate::db::Database;
use crate::error::{Error, Result};
use crate::ids::{EventId, SourceId};
use crate::ipindex::Net;
use crate::store::keys::{self, MetaKey};
use crate::store::posting::{self, Delta};
use crate::store::records::{self, AttrRecord, EventRecord, SourceRecord};

/// Tuning of a [`Writer`].
#[derive(Debug, Clone)]
pub struct WriterOptions {
    /// Attributes gathered before the pending batch is committed (default 50,000).
    pub batch_attributes: usize,
    /// Dictionary entries cached between batches (default 2,000,000).
    pub cache_values: usize,
}

impl Default for WriterOptions {
    fn default() -> Self {
        WriterOptions { batch_attributes: 50_000, cache_values: 2_000_000 }
    }
}

/// What [`Writer::put_event`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PutOutcome {
    /// The event was new.
    Inserted(EventId),
    /// An event with the same uuid was replaced; it keeps its id.
    Replaced(EventId),
    /// An identical event was already stored: nothing was written.
    Unchanged(EventId),
}

impl PutOutcome {
    /// The event's id.
    pub fn id(self) -> EventId {
        match self {
            PutOutcome::Inserted(id) | PutOutcome::Replaced(id) | PutOutcome::Unchanged(id) => id,
        }
    }
}

#[derive(Debug, Default)]
struct Counters {
    next_source: u32,
    next_event: u32,
    next_attr: u32,
    next_value: u32,
    events: u64,
    attrs: u64,
    values: u64,
    ip4_prefixes: u64,
    ip6_prefixes: [u8; 17],
}

#[derive(Default)]
struct Pending {
    batch: WriteBatch,
    attrs: usize,
    uuids: AHashSet<Uuid>,
    post_attr: AHashMap<u32, Delta>,
    post_event: AHashMap<u32, Delta>,
    src_values: AHashMap<u32, Delta>,
    src_events: AHashMap<u32, Delta>,
}

/// A stored event with its attribute records, as replace and delete read it.
struct Stored {
    event: EventRecord,
    attrs: Vec<AttrRecord>,
}

impl Stored {
    /// Whether this is exactly `prepared` in `source` (re-importing the same file then
    /// writes nothing).
    fn is(&self, source: u32, prepared: &Prepared) -> bool {
        self.event.source == source
            && self.event.event == prepared.event
            && self.attrs.len() == prepared.attrs.len()
            && self.attrs.iter().zip(&prepared.attrs).all(|(old, (new, _))| old.attribute == *new)
    }
}

/// An event whose values are normalised and whose correlation keys are computed.
struct Prepared {
    event: Event,
    attrs: Vec<(Attribute, Vec<String>)>,
}

/// The one writer of a database. Work is committed in batches: explicitly with
/// [`Writer::commit`], and automatically when a batch grows past
/// [`WriterOptions::batch_attributes`]. Work not yet committed when the writer is dropped
/// is discarded, so an import that fails half-way can be abandoned by dropping the writer
/// (before any automatic commit).
pub struct Writer<'db> {
    db: &'db Database,
    _guard: MutexGuard<'db, ()>,
    options: WriterOptions,
    counters: Counters,
    pending: Pending,
    cache: AHashMap<String, u32>,
}

impl Database {
    /// The database's writer. Blocks while another writer of this `Database` is alive.
    pub fn writer(&self) -> Result<Writer<'_>> {
        self.writer_with(WriterOptions::default())
    }

    /// The database's writer, with options.
    pub fn writer_with(&self, options: WriterOptions) -> Result<Writer<'_>> {
        if self.is_read_only() {
            return Err(Error::ReadOnly);
        }
        let guard = self.write_lock.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let counters = Counters::load(self)?;
        Ok(Writer {
            db: self,
            _guard: guard,
            options,
            counters,
            pending: Pending::default(),
            cache: AHashMap::new(),
        })
    }
}

impl Counters {
    fn load(db: &Database) -> Result<Counters> {
        let mut counters = Counters {
            next_source: db.meta_u32(MetaKey::NextSource)?,
            next_event: db.meta_u32(MetaKey::NextEvent)?,
            next_attr: db.meta_u32(MetaKey::NextAttr)?,
            next_value: db.meta_u32(MetaKey::NextValue)?,
            events: db.meta_u64(MetaKey::CountEvents)?,
            attrs: db.meta_u64(MetaKey::CountAttrs)?,
            values: db.meta_u64(MetaKey::CountValues)?,
            ..Counters::default()
        };
        if let Some(bytes) = db.get(keys::META, MetaKey::PrefixesIp4.bytes())? {
            let bytes: [u8; 8] =
                bytes.try_into().map_err(|_| Error::corrupted("meta", b"prefixes/ip4"))?;
            counters.ip4_prefixes = u64::from_be_bytes(bytes);
        }
        if let Some(bytes) = db.get(keys::META, MetaKey::PrefixesIp6.bytes())? {
            counters.ip6_prefixes =
                bytes.try_into().map_err(|_| Error::corrupted("meta", b"prefixes/ip6"))?;
        }
        Ok(counters)
    }

    fn write(&self, db: &Database, batch: &mut WriteBatch) {
        let meta = db.cf(keys::META);
        let ids = [
            (MetaKey::NextSource, self.next_source),
            (MetaKey::NextEvent, self.next_event),
            (MetaKey::NextAttr, self.next_attr),
            (MetaKey::NextValue, self.next_value),
        ];
        for (key, value) in ids {
            batch.put_cf(meta, key.bytes(), value.to_be_bytes());
        }
        let counts = [
            (MetaKey::CountEvents, self.events),
            (MetaKey::CountAttrs, self.attrs),
            (MetaKey::CountValues, self.values),
        ];
        for (key, value) in counts {
            batch.put_cf(meta, key.bytes(), value.to_be_bytes());
        }
        batch.put_cf(meta, MetaKey::PrefixesIp4.bytes(), self.ip4_prefixes.to_be_bytes());
        batch.put_cf(meta, MetaKey::PrefixesIp6.bytes(), self.ip6_prefixes);
    }
}

fn allocate(next: &mut u32, what: &'static str) -> Result<u32> {
    let id = *next;
    *next = next.checked_add(1).ok_or(Error::IdsExhausted(what))?;
    Ok(id)
}

fn delta(map: &mut AHashMap<u32, Delta>, key: u32) -> &mut Delta {
    map.entry(key).or_default()
}

impl<'db> Writer<'db> {
    /// The id of the source named `source.name`, creating the source if it is new.
    pub fn source(&mut self, source: &Source) -> Result<SourceId> {
        if let Some(id) = self.db.get_id(keys::SOURCE_NAME, source.name.as_bytes())? {
            return Ok(SourceId(id));
        }
        let id = allocate(&mut self.counters.next_source, "source")?;
        let record = SourceRecord { source: source.clone() };
        let batch = &mut self.pending.batch;
        batch.put_cf(self.db.cf(keys::SOURCES), keys::id(id), records::encode(&record));
        batch.put_cf(self.db.cf(keys::SOURCE_NAME), source.name.as_bytes(), keys::id(id));
        self.commit()?;
        Ok(SourceId(id))
    }

    /// Stores an event of `source`. An event with the same uuid is replaced exactly: the
    /// values it no longer carries leave every index. Values are normalised again (MISP's
    /// rules, idempotent), so events built by hand index like imported ones; a value that
    /// does not normalise rejects the whole event and changes nothing.
    pub fn put_event(&mut self, source: SourceId, event: &Event) -> Result<PutOutcome> {
        let prepared = prepare(event)?;
        if self.pending.uuids.contains(&event.uuid) {
            self.commit()?;
        }
        let existing = self.db.get_id(keys::EVENT_UUID, event.uuid.as_bytes())?;
        match existing {
            None => {
                let id = allocate(&mut self.counters.next_event, "event")?;
                self.insert(id, source.0, prepared)?;
                self.maybe_commit()?;
                Ok(PutOutcome::Inserted(EventId(id)))
            }
            Some(id) => {
                self.commit()?;
                let old = self.load(id)?;
                if old.is(source.0, &prepared) {
                    return Ok(PutOutcome::Unchanged(EventId(id)));
                }
                let keep: AHashSet<&str> = prepared
                    .attrs
                    .iter()
                    .flat_map(|(_, keys)| keys.iter().map(String::as_str))
                    .collect();
                self.remove_contents(id, old, &keep)?;
                self.insert(id, source.0, prepared)?;
                self.commit()?;
                Ok(PutOutcome::Replaced(EventId(id)))
            }
        }
    }

    /// Deletes the event with this uuid from every index; `false` if there was none.
    pub fn delete_event(&mut self, uuid: Uuid) -> Result<bool> {
        self.commit()?;
        let Some(id) = self.db.get_id(keys::EVENT_UUID, uuid.as_bytes())? else {
            return Ok(false);
        };
        let old = self.load(id)?;
        self.remove_contents(id, old, &AHashSet::new())?;
        self.commit()?;
        Ok(true)
    }

    /// Deletes a source and all its events; `false` if there was no source of that name.
    pub fn delete_source(&mut self, name: &str) -> Result<bool> {
        self.commit()?;
        let Some(id) = self.db.get_id(keys::SOURCE_NAME, name.as_bytes())? else {
            return Ok(false);
        };
        for event in &self.db.get_posting(keys::SRC_EVENTS, &keys::id(id))? {
            let old = self.load(event)?;
            self.remove_contents(event, old, &AHashSet::new())?;
            self.commit()?;
        }
        let batch = &mut self.pending.batch;
        batch.delete_cf(self.db.cf(keys::SOURCES), keys::id(id));
        batch.delete_cf(self.db.cf(keys::SOURCE_NAME), name.as_bytes());
        batch.delete_cf(self.db.cf(keys::SRC_VALUES), keys::id(id));
        batch.delete_cf(self.db.cf(keys::SRC_EVENTS), keys::id(id));
        self.commit()?;
        Ok(true)
    }

    /// Adds a correlation exclusion: `x` (exact), `x%` (prefix), `%x` (suffix) or `%x%`
    /// (substring), matched case-insensitively.
    pub fn add_exclusion(&mut self, pattern: &str) -> Result<()> {
        let pattern = pattern.to_lowercase();
        self.pending.batch.put_cf(self.db.cf(keys::EXCLUSIONS), pattern.as_bytes(), []);
        self.commit()
    }

    /// Removes a correlation exclusion; `false` if there was none.
    pub fn remove_exclusion(&mut self, pattern: &str) -> Result<bool> {
        let pattern = pattern.to_lowercase();
        if self.db.get(keys::EXCLUSIONS, pattern.as_bytes())?.is_none() {
            return Ok(false);
        }
        self.pending.batch.delete_cf(self.db.cf(keys::EXCLUSIONS), pattern.as_bytes());
        self.commit()?;
        Ok(true)
    }

    /// The database this writer writes to.
    pub(crate) fn database(&self) -> &'db Database {
        self.db
    }

    /// Puts one key at once (committing the pending batch with it).
    pub(crate) fn put_raw(&mut self, cf: &'static str, key: &[u8], value: Vec<u8>) -> Result<()> {
        self.pending.batch.put_cf(self.db.cf(cf), key, value);
        self.commit()
    }

    /// Deletes one key at once (committing the pending batch with it).
    pub(crate) fn delete_raw(&mut self, cf: &'static str, key: &[u8]) -> Result<()> {
        self.pending.batch.delete_cf(self.db.cf(cf), key);
        self.commit()
    }

    /// Commits the pending batch: records, dictionary entries, one merge operand per
    /// touched posting, and the counters, in one atomic RocksDB write.
    pub fn commit(&mut self) -> Result<()> {
        let mut pending = std::mem::take(&mut self.pending);
        let postings = [
            (keys::POST_ATTR, &pending.post_attr),
            (keys::POST_EVENT, &pending.post_event),
            (keys::SRC_VALUES, &pending.src_values),
            (keys::SRC_EVENTS, &pending.src_events),
        ];
        for (cf, deltas) in postings {
            let handle = self.db.cf(cf);
            for (id, delta) in deltas {
                pending.batch.merge_cf(handle, keys::id(*id), delta.encode());
            }
        }
        self.counters.write(self.db, &mut pending.batch);
        self.db.db.write(pending.batch)?;
        if self.cache.len() > self.options.cache_values {
            self.cache.clear();
        }
        Ok(())
    }

    fn maybe_commit(&mut self) -> Result<()> {
        if self.pending.attrs >= self.options.batch_attributes {
            self.commit()?;
        }
        Ok(())
    }

    fn insert(&mut self, id: u32, source: u32, prepared: Prepared) -> Result<()> {
        let mut event_values = RoaringBitmap::new();
        let mut attr_ids = Vec::with_capacity(prepared.attrs.len());
        for (attribute, keys) in prepared.attrs {
            let attr_id = allocate(&mut self.counters.next_attr, "attribute")?;
            let mut values = Vec::with_capacity(keys.len());
            for key in &keys {
                let value = self.value_id(key)?;
                if !values.contains(&value) {
                    values.push(value);
                    delta(&mut self.pending.post_attr, value).adds.insert(attr_id);
                    event_values.insert(value);
                }
            }
            let record = AttrRecord { event: id, values, attribute };
            self.pending.batch.put_cf(
                self.db.cf(keys::ATTRS),
                keys::id(attr_id),
                records::encode(&record),
            );
            attr_ids.push(attr_id);
        }
        for value in &event_values {
            delta(&mut self.pending.post_event, value).adds.insert(id);
        }
        delta(&mut self.pending.src_values, source).adds |= &event_values;
        delta(&mut self.pending.src_events, source).adds.insert(id);
        self.counters.events += 1;
        self.counters.attrs += attr_ids.len() as u64;
        self.pending.attrs += attr_ids.len() + 1;
        self.pending.uuids.insert(prepared.event.uuid);
        let value_count = u32::try_from(event_values.len()).unwrap_or(u32::MAX);
        let batch = &mut self.pending.batch;
        batch.put_cf(self.db.cf(keys::FWD_EVENT), keys::id(id), posting::encode(&event_values));
        batch.put_cf(self.db.cf(keys::EVENT_UUID), prepared.event.uuid.as_bytes(), keys::id(id));
        let record = EventRecord { source, attrs: attr_ids, value_count, event: prepared.event };
        batch.put_cf(self.db.cf(keys::EVENTS), keys::id(id), records::encode(&record));
        Ok(())
    }

    /// The id of a correlation key, allocating it (dictionary, reverse dictionary, IP
    /// index) when new.
    fn value_id(&mut self, key: &str) -> Result<u32> {
        if let Some(&id) = self.cache.get(key) {
            return Ok(id);
        }
        let id = match self.db.get_id(keys::DICT, key.as_bytes())? {
            Some(id) => id,
            None => self.new_value(key)?,
        };
        self.cache.insert(key.to_owned(), id);
        Ok(id)
    }

    fn new_value(&mut self, key: &str) -> Result<u32> {
        let id = allocate(&mut self.counters.next_value, "value")?;
        self.counters.values += 1;
        let batch = &mut self.pending.batch;
        batch.put_cf(self.db.cf(keys::DICT), key.as_bytes(), keys::id(id));
        batch.put_cf(self.db.cf(keys::DICT_REV), keys::id(id), key.as_bytes());
        if let Some(net) = Net::parse(key) {
            let (cf, prefix) = match net {
                Net::V4(..) => (keys::IP4, net.prefix()),
                Net::V6(..) => (keys::IP6, net.prefix()),
            };
            batch.put_cf(self.db.cf(cf), net.key(), keys::id(id));
            self.counters.mark_prefix(net, prefix);
        }
        Ok(id)
    }

    /// Removes an event's records and its ids from every posting. Values left with no
    /// attribute anywhere die (dictionary and index entries deleted) unless `keep` holds
    /// their key (the replacing event carries them). Reads postings: the pending batch
    /// must be committed before, and this work committed after.
    fn remove_contents(&mut self, id: u32, old: Stored, keep: &AHashSet<&str>) -> Result<()> {
        let key = keys::id(id);
        let Stored { event: old, attrs: old_attrs } = old;
        let mut attrs_by_value: AHashMap<u32, RoaringBitmap> = AHashMap::new();
        for (attr_id, record) in old.attrs.iter().zip(&old_attrs) {
            self.pending.batch.delete_cf(self.db.cf(keys::ATTRS), keys::id(*attr_id));
            for &value in &record.values {
                attrs_by_value.entry(value).or_default().insert(*attr_id);
            }
        }
        let mut values: Vec<u32> = attrs_by_value.keys().copied().collect();
        values.sort_unstable();
        let post_attrs = self.db.get_postings(keys::POST_ATTR, &values)?;
        let post_events = self.db.get_postings(keys::POST_EVENT, &values)?;
        let mut source_events = self.db.get_posting(keys::SRC_EVENTS, &keys::id(old.source))?;
        source_events.remove(id);
        for ((value, post_attr), post_event) in values.iter().zip(post_attrs).zip(post_events) {
            let removed = &attrs_by_value[value];
            let mut others = post_event;
            others.remove(id);
            let still_in_source = !others.is_disjoint(&source_events);
            if !still_in_source {
                delta(&mut self.pending.src_values, old.source).removes.insert(*value);
            }
            let dead = if (post_attr - removed).is_empty() {
                Some(self.value_key(*value)?).filter(|key| !keep.contains(key.as_str()))
            } else {
                None
            };
            if let Some(dead) = dead {
                self.kill_value(*value, &dead);
            } else {
                delta(&mut self.pending.post_attr, *value).removes |= removed;
                delta(&mut self.pending.post_event, *value).removes.insert(id);
            }
        }
        delta(&mut self.pending.src_events, old.source).removes.insert(id);
        let batch = &mut self.pending.batch;
        batch.delete_cf(self.db.cf(keys::EVENTS), key);
        batch.delete_cf(self.db.cf(keys::FWD_EVENT), key);
        batch.delete_cf(self.db.cf(keys::EVENT_UUID), old.event.uuid.as_bytes());
        self.counters.events -= 1;
        self.counters.attrs -= old.attrs.len() as u64;
        Ok(())
    }

    /// The stored event `id` with its attribute records.
    fn load(&self, id: u32) -> Result<Stored> {
        let key = keys::id(id);
        let event: EventRecord = self
            .db
            .get_record(keys::EVENTS, &key)?
            .ok_or_else(|| Error::corrupted(keys::EVENTS, &key))?;
        let attrs = self.db.get_records(keys::ATTRS, &event.attrs)?;
        Ok(Stored { event, attrs })
    }

    fn value_key(&self, value: u32) -> Result<String> {
        let id = keys::id(value);
        let bytes = self
            .db
            .get(keys::DICT_REV, &id)?
            .ok_or_else(|| Error::corrupted(keys::DICT_REV, &id))?;
        String::from_utf8(bytes).map_err(|_| Error::corrupted(keys::DICT_REV, &id))
    }

    /// Deletes a value that no attribute carries any more from the dictionary, the IP
    /// index and the value postings.
    fn kill_value(&mut self, value: u32, key: &str) {
        let id = keys::id(value);
        let batch = &mut self.pending.batch;
        batch.delete_cf(self.db.cf(keys::DICT), key.as_bytes());
        batch.delete_cf(self.db.cf(keys::DICT_REV), id);
        batch.delete_cf(self.db.cf(keys::POST_ATTR), id);
        batch.delete_cf(self.db.cf(keys::POST_EVENT), id);
        if let Some(net) = Net::parse(key) {
            let cf = if matches!(net, Net::V4(..)) { keys::IP4 } else { keys::IP6 };
            batch.delete_cf(self.db.cf(cf), net.key());
        }
        self.pending.post_attr.remove(&value);
        self.pending.post_event.remove(&value);
        self.cache.remove(key);
        self.counters.values -= 1;
    }
}

impl Counters {
    fn mark_prefix(&mut self, net: Net, prefix: u8) {
        match net {
            Net::V4(..) => self.ip4_prefixes |= 1 << prefix,
            Net::V6(..) => {
                let (byte, bit) = (usize::from(prefix / 8), prefix % 8);
                if let Some(b) = self.ip6_prefixes.get_mut(byte) {
                    *b |= 1 << bit;
                }
            }
        }
    }
}

/// Normalises an event's values and computes its attributes' correlation keys.
fn prepare(event: &Event) -> Result<Prepared> {
    let mut head = event.clone();
    let attributes = std::mem::take(&mut head.attributes);
    let mut attrs = Vec::with_capacity(attributes.len());
    for (index, mut attribute) in attributes.into_iter().enumerate() {
        attribute.value = normalize_value(attribute.attr_type, &attribute.value)
            .map_err(|source| Error::InvalidValue { event: event.uuid, index, source })?;
        let keys = if event.disable_correlation {
            Vec::new()
        } else {
            attribute.correlation_keys().collect()
        };
        attrs.push((attribute, keys));
    }
    Ok(Prepared { event: head, attrs })
}
