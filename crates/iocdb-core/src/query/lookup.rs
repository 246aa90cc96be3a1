//! Lookup: where else has this value been seen?

use iocdb_model::Attribute;
use roaring::RoaringBitmap;

use super::common::{EventSummary, Summaries, typed_query_key};
use crate::db::Database;
use crate::error::Result;
use crate::ids::{AttrId, ValueId};
use crate::ipindex::Net;
use crate::store::keys;
use crate::store::records::AttrRecord;

/// How a stored value matched the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchKind {
    /// The same correlation key.
    Exact,
    /// IP containment: the query is inside a stored network, or a stored address or
    /// network is inside (or contains) the queried network.
    Cidr,
}

/// One attribute that matched a lookup.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// The stored correlation key that matched.
    pub value: String,
    /// Exact or CIDR.
    pub match_kind: MatchKind,
    /// The attribute's id.
    pub attr_id: AttrId,
    /// The attribute.
    pub attribute: Attribute,
    /// Its event.
    pub event: EventSummary,
}

/// The answer to one looked-up value.
#[derive(Debug, Clone, PartialEq)]
pub struct Lookup {
    /// The value as given.
    pub query: String,
    /// The correlation key it was looked up by.
    pub key: String,
    /// Matching attributes: exact matches first, then CIDR matches; each in id order.
    pub hits: Vec<Hit>,
    /// Names of the stored warninglists that flag the value (known benign or noisy).
    pub warninglists: Vec<String>,
}

impl Database {
    /// Looks up one value: every attribute, event and source carrying it, and the CIDR
    /// matches. The input is normalised like stored values (refanged, typed, case-folded).
    pub fn lookup(&self, query: &str) -> Result<Lookup> {
        let (key, attr_type) = typed_query_key(query);
        let exact = self.get_id(keys::DICT, key.as_bytes())?;
        let mut matches: Vec<(u32, MatchKind)> =
            exact.map(|v| (v, MatchKind::Exact)).into_iter().collect();
        if let Some(net) = Net::parse(&key) {
            let related = self.related_networks(net)?;
            matches.extend(
                related.into_iter().filter(|v| Some(*v) != exact).map(|v| (v, MatchKind::Cidr)),
            );
        }
        let mut summaries = Summaries::new(self);
        let mut hits = Vec::new();
        for (value, kind) in matches {
            hits.extend(self.hits_of(value, kind, &mut summaries)?);
        }
        let warninglists = self.warninglist_hits(attr_type, &key)?;
        Ok(Lookup { query: query.to_owned(), key, hits, warninglists })
    }

    /// Looks up many values.
    pub fn lookup_many<S: AsRef<str>>(&self, queries: &[S]) -> Result<Vec<Lookup>> {
        queries.iter().map(|q| self.lookup(q.as_ref())).collect()
    }

    /// The value id of a correlation key, if stored (one point read).
    pub fn value_id(&self, key: &str) -> Result<Option<ValueId>> {
        Ok(self.get_id(keys::DICT, key.as_bytes())?.map(ValueId))
    }

    /// The attribute ids carrying a correlation key: two point reads.
    pub fn attributes_of(&self, key: &str) -> Result<RoaringBitmap> {
        match self.get_id(keys::DICT, key.as_bytes())? {
            Some(value) => self.get_posting(keys::POST_ATTR, &keys::id(value)),
            None => Ok(RoaringBitmap::new()),
        }
    }

    fn hits_of(
        &self,
        value: u32,
        kind: MatchKind,
        summaries: &mut Summaries<'_>,
    ) -> Result<Vec<Hit>> {
        let attr_ids: Vec<u32> =
            self.get_posting(keys::POST_ATTR, &keys::id(value))?.iter().collect();
        let records: Vec<AttrRecord> = self.get_records(keys::ATTRS, &attr_ids)?;
        let stored = self.value_string(value)?;
        let mut hits = Vec::with_capacity(records.len());
        for (id, record) in attr_ids.into_iter().zip(records) {
            let event = summaries.event(record.event)?.1.clone();
            hits.push(Hit {
                value: stored.clone(),
                match_kind: kind,
                attr_id: AttrId(id),
                attribute: record.attribute,
                event,
            });
        }
        Ok(hits)
    }

    /// The correlation key of a value id.
    pub(crate) fn value_string(&self, value: u32) -> Result<String> {
        let key = keys::id(value);
        let bytes = self
            .get(keys::DICT_REV, &key)?
            .ok_or_else(|| crate::Error::corrupted(keys::DICT_REV, &key))?;
        String::from_utf8(bytes).map_err(|_| crate::Error::corrupted(keys::DICT_REV, &key))
    }

    /// Value ids of stored networks containing `net`, and of stored addresses and networks
    /// inside it (which covers every overlap: two networks overlap only by nesting).
    fn related_networks(&self, net: Net) -> Result<Vec<u32>> {
        let mut values = Vec::new();
        let prefixes = self.prefixes(net)?;
        for p in prefixes.into_iter().filter(|&p| p < net.prefix()) {
            if let Some(v) = self.get_id(cf_of(net), &net.supernet(p).key())? {
                values.push(v);
            }
        }
        let (first, last) = net.key_range();
        let mut it = self.db.raw_iterator_cf(self.cf(cf_of(net)));
        it.seek(&first);
        while let (Some(key), Some(value)) = (it.key(), it.value()) {
            if key > last.as_slice() {
                break;
            }
            let inside = Net::from_key(key).is_some_and(|n| net.contains(n));
            if let (true, Some(v)) = (inside, keys::decode_id(value)) {
                values.push(v);
            }
            it.next();
        }
        it.status()?;
        Ok(values)
    }

    fn prefixes(&self, net: Net) -> Result<Vec<u8>> {
        let present = |bytes: Option<Vec<u8>>, max: u8| -> Vec<u8> {
            let bytes = bytes.unwrap_or_default();
            (0..=max)
                .filter(|&p| match net {
                    Net::V4(..) => bytes
                        .get(..8)
                        .and_then(|b| b.try_into().ok())
                        .map(u64::from_be_bytes)
                        .is_some_and(|m| m >> p & 1 == 1),
                    Net::V6(..) => {
                        bytes.get(usize::from(p / 8)).is_some_and(|b| b >> (p % 8) & 1 == 1)
                    }
                })
                .collect()
        };
        match net {
            Net::V4(..) => {
                Ok(present(self.get(keys::META, keys::MetaKey::PrefixesIp4.bytes())?, 32))
            }
            Net::V6(..) => {
                Ok(present(self.get(keys::META, keys::MetaKey::PrefixesIp6.bytes())?, 128))
            }
        }
    }
}

fn cf_of(net: Net) -> &'static str {
    match net {
        Net::V4(..) => keys::IP4,
        Net::V6(..) => keys::IP6,
    }
}
