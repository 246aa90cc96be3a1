//! Integrity check: the indexes agree with the records.
//!
//! Rebuilds every index in memory from the event and attribute records, then compares
//! with what is stored: the uuid index, the dictionary both ways, attribute and event
//! postings, event and source forward postings, the IP index, and the counters.

use std::collections::BTreeMap;

use ahash::AHashMap;
use roaring::RoaringBitmap;

use crate::db::Database;
use crate::error::{Error, Result};
use crate::ipindex::Net;
use crate::store::keys::{self, MetaKey};
use crate::store::posting;
use crate::store::records::{self, AttrRecord, EventRecord};

/// What the stored indexes should hold, rebuilt from the records.
#[derive(Default)]
struct Expected {
    post_attr: BTreeMap<u32, RoaringBitmap>,
    post_event: BTreeMap<u32, RoaringBitmap>,
    fwd_event: BTreeMap<u32, RoaringBitmap>,
    src_values: BTreeMap<u32, RoaringBitmap>,
    src_events: BTreeMap<u32, RoaringBitmap>,
    attrs: u64,
}

impl Database {
    /// Verifies that the forward and inverted indexes agree with the records. Returns
    /// the problems found, empty for a sound database.
    pub fn check(&self) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        let events = self.check_events(&mut problems)?;
        self.check_attrs(&events, &mut problems)?;
        self.check_dictionary(&events, &mut problems)?;
        let postings = [
            (keys::POST_ATTR, &events.post_attr),
            (keys::POST_EVENT, &events.post_event),
            (keys::FWD_EVENT, &events.fwd_event),
            (keys::SRC_VALUES, &events.src_values),
            (keys::SRC_EVENTS, &events.src_events),
        ];
        for (cf, expected) in postings {
            self.compare_postings(cf, expected, &mut problems)?;
        }
        self.check_counters(&events, &mut problems)?;
        Ok(problems)
    }

    fn check_events(&self, problems: &mut Vec<String>) -> Result<Expected> {
        let mut expected = Expected::default();
        let sources: Vec<u32> = self.sources()?.into_iter().map(|(id, _)| id.0).collect();
        for source in &sources {
            expected.src_values.insert(*source, RoaringBitmap::new());
            expected.src_events.insert(*source, RoaringBitmap::new());
        }
        for item in self.db.iterator_cf(self.cf(keys::EVENTS), rocksdb::IteratorMode::Start) {
            let (key, value) = item?;
            let id = keys::decode_id(&key).ok_or_else(|| Error::corrupted(keys::EVENTS, &key))?;
            let Some(record) = records::decode::<EventRecord>(&value) else {
                problems.push(format!("event {id}: record does not decode"));
                continue;
            };
            self.check_event(id, &record, &sources, &mut expected, problems)?;
        }
        Ok(expected)
    }

    fn check_event(
        &self,
        id: u32,
        record: &EventRecord,
        sources: &[u32],
        expected: &mut Expected,
        problems: &mut Vec<String>,
    ) -> Result<()> {
        if self.get_id(keys::EVENT_UUID, record.event.uuid.as_bytes())? != Some(id) {
            problems.push(format!("event {id}: uuid {} does not index to it", record.event.uuid));
        }
        if !sources.contains(&record.source) {
            problems.push(format!("event {id}: source {} does not exist", record.source));
        }
        let mut values = RoaringBitmap::new();
        for &attr in &record.attrs {
            let attr_record: Option<AttrRecord> = self.get_record(keys::ATTRS, &keys::id(attr))?;
            let Some(attr_record) = attr_record else {
                problems.push(format!("event {id}: attribute {attr} is missing"));
                continue;
            };
            if attr_record.event != id {
                problems.push(format!(
                    "attribute {attr}: belongs to event {}, listed by {id}",
                    attr_record.event
                ));
            }
            expected.attrs += 1;
            for &value in &attr_record.values {
                values.insert(value);
                expected.post_attr.entry(value).or_default().insert(attr);
            }
        }
        if u64::from(record.value_count) != values.len() {
            problems.push(format!(
                "event {id}: value count {} but {} values",
                record.value_count,
                values.len()
            ));
        }
        for value in &values {
            expected.post_event.entry(value).or_default().insert(id);
        }
        *expected.src_values.entry(record.source).or_default() |= &values;
        expected.src_events.entry(record.source).or_default().insert(id);
        expected.fwd_event.insert(id, values);
        Ok(())
    }

    fn check_attrs(&self, expected: &Expected, problems: &mut Vec<String>) -> Result<()> {
        let mut count = 0u64;
        for item in self.db.iterator_cf(self.cf(keys::ATTRS), rocksdb::IteratorMode::Start) {
            let (key, value) = item?;
            count += 1;
            if records::decode::<AttrRecord>(&value).is_none() {
                problems.push(format!("attribute at key {key:02x?}: record does not decode"));
            }
        }
        if count != expected.attrs {
            problems.push(format!("{count} attribute records, but events list {}", expected.attrs));
        }
        Ok(())
    }

    fn check_dictionary(&self, expected: &Expected, problems: &mut Vec<String>) -> Result<()> {
        let mut forward: AHashMap<u32, String> = AHashMap::new();
        for item in self.db.iterator_cf(self.cf(keys::DICT), rocksdb::IteratorMode::Start) {
            let (key, value) = item?;
            let id = keys::decode_id(&value).ok_or_else(|| Error::corrupted(keys::DICT, &key))?;
            let text = String::from_utf8_lossy(&key).into_owned();
            if self.get(keys::DICT_REV, &keys::id(id))?.as_deref() != Some(&key[..]) {
                problems.push(format!("value {id} ({text:?}): reverse dictionary disagrees"));
            }
            if !expected.post_attr.contains_key(&id) {
                problems.push(format!("value {id} ({text:?}): no attribute carries it"));
            }
            forward.insert(id, text);
        }
        for id in expected.post_attr.keys() {
            if !forward.contains_key(id) {
                problems.push(format!("value {id}: used by attributes but not in the dictionary"));
            }
        }
        for cf in [keys::IP4, keys::IP6] {
            self.check_ip_index(cf, &forward, problems)?;
        }
        Ok(())
    }

    fn check_ip_index(
        &self,
        cf: &'static str,
        dict: &AHashMap<u32, String>,
        problems: &mut Vec<String>,
    ) -> Result<()> {
        for item in self.db.iterator_cf(self.cf(cf), rocksdb::IteratorMode::Start) {
            let (key, value) = item?;
            let id = keys::decode_id(&value);
            let net = Net::from_key(&key);
            let text = id.and_then(|id| dict.get(&id));
            if net.is_none() || text.and_then(|t| Net::parse(t)) != net {
                problems.push(format!("{cf} entry {key:02x?}: does not match its value {text:?}"));
            }
        }
        Ok(())
    }

    fn compare_postings(
        &self,
        cf: &'static str,
        expected: &BTreeMap<u32, RoaringBitmap>,
        problems: &mut Vec<String>,
    ) -> Result<()> {
        let mut stored: BTreeMap<u32, RoaringBitmap> = BTreeMap::new();
        for item in self.db.iterator_cf(self.cf(cf), rocksdb::IteratorMode::Start) {
            let (key, value) = item?;
            let id = keys::decode_id(&key).ok_or_else(|| Error::corrupted(cf, &key))?;
            match posting::decode(&value) {
                Some(set) if !set.is_empty() => {
                    stored.insert(id, set);
                }
                Some(_) => {}
                None => problems.push(format!("{cf} {id}: posting does not decode")),
            }
        }
        let empty = RoaringBitmap::new();
        let ids: std::collections::BTreeSet<u32> =
            stored.keys().chain(expected.keys()).copied().collect();
        for id in ids {
            let (have, want) =
                (stored.get(&id).unwrap_or(&empty), expected.get(&id).unwrap_or(&empty));
            if have != want {
                let extra: Vec<u32> = (have - want).iter().take(5).collect();
                let missing: Vec<u32> = (want - have).iter().take(5).collect();
                problems.push(format!("{cf} {id}: extra ids {extra:?}, missing ids {missing:?}"));
            }
        }
        Ok(())
    }

    fn check_counters(&self, expected: &Expected, problems: &mut Vec<String>) -> Result<()> {
        let counts = [
            ("events", MetaKey::CountEvents, expected.fwd_event.len() as u64),
            ("attributes", MetaKey::CountAttrs, expected.attrs),
            ("values", MetaKey::CountValues, expected.post_attr.len() as u64),
        ];
        for (what, key, actual) in counts {
            let stored = self.meta_u64(key)?;
            if stored != actual {
                problems.push(format!("counter of {what} says {stored}, found {actual}"));
            }
        }
        Ok(())
    }
}
