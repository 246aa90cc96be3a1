//! Correlation: which events share values with this one, ranked.
//!
//! MISP's semantics: never within the same event; non-correlating types, deleted
//! attributes and disabled correlation never enter the postings; exclusions (`x`, `x%`,
//! `%x`, `%x%`) hide values; a value carried by more than `limit` attributes of other
//! events is over-correlating and listed apart rather than correlated (MISP's
//! `correlation_limit`, 20 in its code).

use ahash::AHashMap;
use roaring::RoaringBitmap;

use super::common::{EventRef, EventSummary, Summaries};
use crate::db::Database;
use crate::error::{Error, Result};
use crate::store::keys;

/// Options of [`Database::correlate`].
#[derive(Debug, Clone)]
pub struct CorrelateOptions {
    /// Over-correlation cap: values carried by more attributes of other events are
    /// reported as over-correlating (default 20, as MISP's code).
    pub limit: u64,
    /// Keep only the best `top` related events (default: all).
    pub top: Option<usize>,
    /// Apply the stored correlation exclusions (default true).
    pub exclusions: bool,
}

impl Default for CorrelateOptions {
    fn default() -> Self {
        CorrelateOptions { limit: 20, top: None, exclusions: true }
    }
}

/// An event related to the queried one.
#[derive(Debug, Clone, PartialEq)]
pub struct Related {
    /// The related event.
    pub event: EventSummary,
    /// Number of distinct values shared.
    pub shared: u64,
    /// Shared values over the union of both events' values.
    pub jaccard: f64,
    /// The shared values (correlation keys), sorted.
    pub values: Vec<String>,
}

/// A value left out of correlation because too many attributes carry it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverCorrelating {
    /// The value (correlation key).
    pub value: String,
    /// Attributes of other events carrying it.
    pub attributes: u64,
}

/// The answer of [`Database::correlate`].
#[derive(Debug, Clone, PartialEq)]
pub struct Correlation {
    /// The queried event.
    pub event: EventSummary,
    /// Related events, by shared count, then Jaccard, then id.
    pub related: Vec<Related>,
    /// Values over the cap.
    pub over_correlating: Vec<OverCorrelating>,
    /// Values hidden by an exclusion.
    pub excluded: Vec<String>,
}

/// Correlation exclusions, as MISP writes them.
#[derive(Debug, Clone, Default)]
pub(crate) struct Exclusions(Vec<String>);

impl Exclusions {
    pub(crate) fn matches(&self, key: &str) -> bool {
        self.0.iter().any(|pattern| exclusion_matches(pattern, key))
    }
}

/// Whether a (lower-cased) exclusion pattern matches a correlation key.
pub(crate) fn exclusion_matches(pattern: &str, key: &str) -> bool {
    let starts = pattern.starts_with('%') && pattern.len() > 1;
    let ends = pattern.ends_with('%') && pattern.len() > 1;
    match (starts, ends) {
        (true, true) if pattern.len() > 2 => key.contains(&pattern[1..pattern.len() - 1]),
        (true, false) => key.ends_with(&pattern[1..]),
        (false, true) => key.starts_with(&pattern[..pattern.len() - 1]),
        _ => key == pattern,
    }
}

impl Database {
    /// The stored correlation exclusions.
    pub fn exclusions(&self) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for item in self.db.iterator_cf(self.cf(keys::EXCLUSIONS), rocksdb::IteratorMode::Start) {
            let (key, _) = item?;
            out.push(
                String::from_utf8(key.to_vec())
                    .map_err(|_| Error::corrupted(keys::EXCLUSIONS, &key))?,
            );
        }
        Ok(out)
    }

    /// Events sharing values with `event`, ranked; `None` if there is no such event.
    pub fn correlate(
        &self,
        event: EventRef,
        options: &CorrelateOptions,
    ) -> Result<Option<Correlation>> {
        let Some(id) = self.event_id(event)? else { return Ok(None) };
        let id = id.0;
        let exclusions =
            if options.exclusions { Exclusions(self.exclusions()?) } else { Exclusions::default() };
        let mut summaries = Summaries::new(self);
        let (record, summary) = summaries.event(id)?.clone();
        let own_attrs: RoaringBitmap = record.attrs.iter().copied().collect();
        let values: Vec<u32> = self.get_posting(keys::FWD_EVENT, &keys::id(id))?.iter().collect();
        let post_attrs = self.get_postings(keys::POST_ATTR, &values)?;
        let post_events = self.get_postings(keys::POST_EVENT, &values)?;
        let mut shared: AHashMap<u32, Vec<String>> = AHashMap::new();
        let mut over_correlating = Vec::new();
        let mut excluded = Vec::new();
        for ((value, attrs), events) in values.iter().zip(post_attrs).zip(post_events) {
            let mut others = events;
            others.remove(id);
            if others.is_empty() {
                continue;
            }
            let key = self.value_string(*value)?;
            if exclusions.matches(&key) {
                excluded.push(key);
                continue;
            }
            let other_attrs = attrs.len() - attrs.intersection_len(&own_attrs);
            if other_attrs > options.limit {
                over_correlating.push(OverCorrelating { value: key, attributes: other_attrs });
                continue;
            }
            for other in &others {
                shared.entry(other).or_default().push(key.clone());
            }
        }
        let mut related = Vec::with_capacity(shared.len());
        for (other, mut values) in shared {
            values.sort();
            let event = summaries.event(other)?.1.clone();
            let count = values.len() as u64;
            let union = summary.values + event.values - count;
            let jaccard = if union == 0 { 0.0 } else { count as f64 / union as f64 };
            related.push(Related { event, shared: count, jaccard, values });
        }
        related.sort_by(|a, b| {
            b.shared
                .cmp(&a.shared)
                .then(b.jaccard.total_cmp(&a.jaccard))
                .then(a.event.id.cmp(&b.event.id))
        });
        if let Some(top) = options.top {
            related.truncate(top);
        }
        over_correlating.sort_by(|a, b| a.value.cmp(&b.value));
        excluded.sort();
        Ok(Some(Correlation { event: summary, related, over_correlating, excluded }))
    }
}

#[cfg(test)]
mod tests {
    use super::exclusion_matches;

    #[test]
    fn exclusion_forms() {
        assert!(exclusion_matches("8.8.8.8", "8.8.8.8"));
        assert!(!exclusion_matches("8.8.8.8", "8.8.8.88"));
        assert!(exclusion_matches("%.google.com", "dns.google.com"));
        assert!(!exclusion_matches("%.google.com", "google.com"));
        assert!(exclusion_matches("192.168.%", "192.168.1.1"));
        assert!(exclusion_matches("%windows%", "c:\\windows\\system32"));
        assert!(!exclusion_matches("%windows%", "linux"));
        assert!(exclusion_matches("%", "%"));
        assert!(!exclusion_matches("%", "x"));
    }
}
