//! What several queries share: event summaries, value keys of user input.

use ahash::AHashMap;
use iocdb_model::{
    AttrType, Event, Source, Timestamp, correlation_key, infer_type, refang, split_composite,
};
use uuid::Uuid;

use crate::db::Database;
use crate::error::{Error, Result};
use crate::ids::{EventId, SourceId};
use crate::store::keys;
use crate::store::records::{EventRecord, SourceRecord};

/// An event as queries report it.
#[derive(Debug, Clone, PartialEq)]
pub struct EventSummary {
    /// The event's id in this database.
    pub id: EventId,
    /// The event's uuid.
    pub uuid: Uuid,
    /// Title.
    pub info: String,
    /// The source's name.
    pub source: String,
    /// The day the event is about.
    pub date: Option<Timestamp>,
    /// Number of attributes.
    pub attributes: usize,
    /// Number of distinct correlation keys.
    pub values: u64,
}

/// Which event a query is about: by id or by uuid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventRef {
    /// By id.
    Id(EventId),
    /// By uuid.
    Uuid(Uuid),
}

impl std::str::FromStr for EventRef {
    type Err = std::num::ParseIntError;

    /// A uuid, or else a decimal id.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match Uuid::parse_str(text) {
            Ok(uuid) => Ok(EventRef::Uuid(uuid)),
            Err(_) => text.trim().parse::<u32>().map(|id| EventRef::Id(EventId(id))),
        }
    }
}

/// The correlation key a user's input would be stored under: trimmed, refanged, typed by
/// inference when possible (so `1.2.3.4/32` finds `1.2.3.4` and `Evil.COM.` finds
/// `evil.com`), then case-folded. Composite inputs (`1.2.3.4:443`) give their first half.
pub fn query_key(raw: &str) -> String {
    typed_query_key(raw).0
}

/// [`query_key`], with the type inferred for the input (when one was).
pub(crate) fn typed_query_key(raw: &str) -> (String, Option<AttrType>) {
    let text = refang(raw.trim()).into_owned();
    match infer_type(&text) {
        Some(inferred) => {
            let (first, _) = split_composite(inferred.attr_type, &inferred.value);
            (correlation_key(first), Some(inferred.attr_type))
        }
        None => (correlation_key(&text), None),
    }
}

/// Caches event and source records while a query assembles its answer.
pub(crate) struct Summaries<'db> {
    db: &'db Database,
    events: AHashMap<u32, (EventRecord, EventSummary)>,
    sources: AHashMap<u32, String>,
}

impl<'db> Summaries<'db> {
    pub(crate) fn new(db: &'db Database) -> Self {
        Summaries { db, events: AHashMap::new(), sources: AHashMap::new() }
    }

    pub(crate) fn source_name(&mut self, id: u32) -> Result<String> {
        if let Some(name) = self.sources.get(&id) {
            return Ok(name.clone());
        }
        let key = keys::id(id);
        let record: SourceRecord = self
            .db
            .get_record(keys::SOURCES, &key)?
            .ok_or_else(|| Error::corrupted(keys::SOURCES, &key))?;
        self.sources.insert(id, record.source.name.clone());
        Ok(record.source.name)
    }

    pub(crate) fn event(&mut self, id: u32) -> Result<&(EventRecord, EventSummary)> {
        if !self.events.contains_key(&id) {
            let key = keys::id(id);
            let record: EventRecord = self
                .db
                .get_record(keys::EVENTS, &key)?
                .ok_or_else(|| Error::corrupted(keys::EVENTS, &key))?;
            let summary = summarise(id, &record, self.source_name(record.source)?);
            self.events.insert(id, (record, summary));
        }
        Ok(&self.events[&id])
    }
}

pub(crate) fn summarise(id: u32, record: &EventRecord, source: String) -> EventSummary {
    EventSummary {
        id: EventId(id),
        uuid: record.event.uuid,
        info: record.event.info.clone(),
        source,
        date: record.event.date,
        attributes: record.attrs.len(),
        values: u64::from(record.value_count),
    }
}

impl Database {
    /// Resolves an event reference to its id.
    pub fn event_id(&self, event: EventRef) -> Result<Option<EventId>> {
        match event {
            EventRef::Id(id) => {
                let exists = self.get(keys::EVENTS, &keys::id(id.0))?.is_some();
                Ok(exists.then_some(id))
            }
            EventRef::Uuid(uuid) => {
                Ok(self.get_id(keys::EVENT_UUID, uuid.as_bytes())?.map(EventId))
            }
        }
    }

    /// An event with its attributes, as stored (values normalised).
    pub fn event(&self, event: EventRef) -> Result<Option<(EventSummary, Event)>> {
        let Some(id) = self.event_id(event)? else { return Ok(None) };
        let mut summaries = Summaries::new(self);
        let (record, summary) = summaries.event(id.0)?.clone();
        let attrs: Vec<crate::store::records::AttrRecord> =
            self.get_records(keys::ATTRS, &record.attrs)?;
        let mut event = record.event;
        event.attributes = attrs.into_iter().map(|a| a.attribute).collect();
        Ok(Some((summary, event)))
    }

    /// Every source with its id, in id order.
    pub fn sources(&self) -> Result<Vec<(SourceId, Source)>> {
        let mut out = Vec::new();
        for item in self.db.iterator_cf(self.cf(keys::SOURCES), rocksdb::IteratorMode::Start) {
            let (key, value) = item?;
            let id = keys::decode_id(&key).ok_or_else(|| Error::corrupted(keys::SOURCES, &key))?;
            let record: SourceRecord = crate::store::records::decode(&value)
                .ok_or_else(|| Error::corrupted(keys::SOURCES, &key))?;
            out.push((SourceId(id), record.source));
        }
        Ok(out)
    }

    /// The id of the source with this name.
    pub fn source_id(&self, name: &str) -> Result<Option<SourceId>> {
        Ok(self.get_id(keys::SOURCE_NAME, name.as_bytes())?.map(SourceId))
    }

    /// The ids of the events of one source (one posting read), or of all, in id order.
    pub fn event_ids(&self, source: Option<SourceId>) -> Result<Vec<EventId>> {
        let ids = match source {
            Some(source) => {
                self.get_posting(keys::SRC_EVENTS, &keys::id(source.0))?.iter().collect()
            }
            None => self.all_ids(keys::EVENTS)?,
        };
        Ok(ids.into_iter().map(EventId).collect())
    }

    /// Summaries of the events of one source, or of all, in id order.
    pub fn events(&self, source: Option<SourceId>) -> Result<Vec<EventSummary>> {
        let mut summaries = Summaries::new(self);
        let ids = self.event_ids(source)?;
        ids.iter().map(|id| Ok(summaries.event(id.0)?.1.clone())).collect()
    }

    pub(crate) fn all_ids(&self, cf: &'static str) -> Result<Vec<u32>> {
        let mut ids = Vec::new();
        let mut it = self.db.raw_iterator_cf(self.cf(cf));
        it.seek_to_first();
        while let Some(key) = it.key() {
            ids.push(keys::decode_id(key).ok_or_else(|| Error::corrupted(cf, key))?);
            it.next();
        }
        it.status()?;
        Ok(ids)
    }
}
