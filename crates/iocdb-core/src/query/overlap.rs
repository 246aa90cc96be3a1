//! Overlap of sources: intersection counts, Jaccard, containment, exclusive values.
//!
//! For a few sources the matrix is computed by pairwise `intersection_len` of their value
//! bitmaps. For many (more than [`PAIRWISE_MAX`]) it is one co-occurrence pass over the
//! values held by two sources or more, which real feeds keep to a small minority: the cost
//! grows with the shared values, not with K².

use iocdb_model::Timestamp;
use rayon::prelude::*;
use roaring::RoaringBitmap;

use crate::db::Database;
use crate::error::{Error, Result};
use crate::ids::SourceId;
use crate::store::keys;
use crate::store::records::{AttrRecord, EventRecord};

/// Above this many sources, the matrix is computed by co-occurrence.
pub const PAIRWISE_MAX: usize = 64;

/// A time window on attributes' first/last seen (both ends inclusive, either open).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TimeWindow {
    /// Keep attributes last seen at or after this time.
    pub since: Option<Timestamp>,
    /// Keep attributes first seen at or before this time.
    pub until: Option<Timestamp>,
}

impl TimeWindow {
    /// Whether an attribute seen from `first` to `last` was seen inside the window.
    /// Attributes without times take their event's date; with neither, they are kept.
    pub fn admits(&self, first: Option<Timestamp>, last: Option<Timestamp>) -> bool {
        let first = first.or(last);
        let last = last.or(first);
        let after_since = match (self.since, last) {
            (Some(since), Some(last)) => last >= since,
            _ => true,
        };
        let before_until = match (self.until, first) {
            (Some(until), Some(first)) => first <= until,
            _ => true,
        };
        after_since && before_until
    }
}

/// Options of [`Database::overlap`].
#[derive(Debug, Clone, Default)]
pub struct OverlapOptions {
    /// The sources, by name, in matrix order; empty means every source.
    pub sources: Vec<String>,
    /// Only values of attributes seen inside this window.
    pub window: Option<TimeWindow>,
    /// Force the co-occurrence algorithm (tests and benchmarks); `None` chooses by K.
    pub cooccurrence: Option<bool>,
}

/// The K×K overlap of K sources (serialised as the CLI's `overlap` JSON contract).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Overlap {
    /// Source names, in matrix order.
    pub sources: Vec<String>,
    /// Distinct values of each source.
    pub sizes: Vec<u64>,
    /// `intersection[i][j]`: values shared by sources i and j (the diagonal is the size).
    pub intersection: Vec<Vec<u64>>,
    /// `|i ∩ j| / |i ∪ j|`.
    pub jaccard: Vec<Vec<f64>>,
    /// `|i ∩ j| / |i|`: how much of row i is contained in column j (MISP's matrix).
    pub containment: Vec<Vec<f64>>,
    /// Values of each source found in no other of the K sources.
    pub exclusive: Vec<u64>,
}

impl Database {
    /// The overlap matrix of sources.
    pub fn overlap(&self, options: &OverlapOptions) -> Result<Overlap> {
        let sources = self.resolve_sources(&options.sources)?;
        let sets: Vec<RoaringBitmap> = sources
            .par_iter()
            .map(|(id, _)| self.source_values(*id, options.window))
            .collect::<Result<_>>()?;
        let cooccurrence = options.cooccurrence.unwrap_or(sets.len() > PAIRWISE_MAX);
        let intersection =
            if cooccurrence { cooccurrence_counts(&sets) } else { pairwise_counts(&sets) };
        Ok(assemble(sources.into_iter().map(|(_, n)| n).collect(), &sets, intersection))
    }

    /// The values (correlation keys) two sources share, sorted.
    pub fn overlap_values(
        &self,
        a: &str,
        b: &str,
        window: Option<TimeWindow>,
    ) -> Result<Vec<String>> {
        let ids = self.resolve_sources(&[a.to_owned(), b.to_owned()])?;
        let first = self.source_values(ids[0].0, window)?;
        let second = self.source_values(ids[1].0, window)?;
        let mut values: Vec<String> =
            (first & second).iter().map(|v| self.value_string(v)).collect::<Result<_>>()?;
        values.sort();
        Ok(values)
    }

    fn resolve_sources(&self, names: &[String]) -> Result<Vec<(SourceId, String)>> {
        if names.is_empty() {
            return Ok(self.sources()?.into_iter().map(|(id, s)| (id, s.name)).collect());
        }
        names
            .iter()
            .map(|name| match self.source_id(name)? {
                Some(id) => Ok((id, name.clone())),
                None => Err(Error::Missing(format!("source {name:?}"))),
            })
            .collect()
    }

    /// The value ids of a source, all of them or those seen inside a window.
    pub(crate) fn source_values(
        &self,
        source: SourceId,
        window: Option<TimeWindow>,
    ) -> Result<RoaringBitmap> {
        let key = keys::id(source.0);
        let Some(window) = window else { return self.get_posting(keys::SRC_VALUES, &key) };
        let events: Vec<u32> = self.get_posting(keys::SRC_EVENTS, &key)?.iter().collect();
        let records: Vec<EventRecord> = self.get_records(keys::EVENTS, &events)?;
        let mut values = RoaringBitmap::new();
        for record in records {
            let attrs: Vec<AttrRecord> = self.get_records(keys::ATTRS, &record.attrs)?;
            for attr in attrs {
                let a = &attr.attribute;
                let first = a.first_seen.or(record.event.date);
                let last = a.last_seen.or(a.first_seen).or(record.event.date);
                if window.admits(first, last) {
                    values.extend(attr.values.iter().copied());
                }
            }
        }
        Ok(values)
    }
}

fn pairwise_counts(sets: &[RoaringBitmap]) -> Vec<Vec<u64>> {
    (0..sets.len())
        .into_par_iter()
        .map(|i| {
            (0..sets.len())
                .map(|j| if i == j { sets[i].len() } else { sets[i].intersection_len(&sets[j]) })
                .collect()
        })
        .collect()
}

/// One pass over the values held by at least two sources: for each, every pair of its
/// holders gets one more shared value.
fn cooccurrence_counts(sets: &[RoaringBitmap]) -> Vec<Vec<u64>> {
    let k = sets.len();
    let mut seen = RoaringBitmap::new();
    let mut shared = RoaringBitmap::new();
    for set in sets {
        shared |= &seen & set;
        seen |= set;
    }
    let mut holders: Vec<Vec<u32>> = vec![Vec::new(); shared.len() as usize];
    for (i, set) in sets.iter().enumerate() {
        for value in &(set & &shared) {
            // rank is 1-based for a member: the position in `shared`.
            let rank = shared.rank(value) as usize - 1;
            holders[rank].push(i as u32);
        }
    }
    let mut counts = vec![vec![0u64; k]; k];
    for group in &holders {
        for (x, &i) in group.iter().enumerate() {
            for &j in &group[x + 1..] {
                counts[i as usize][j as usize] += 1;
                counts[j as usize][i as usize] += 1;
            }
        }
    }
    for (i, set) in sets.iter().enumerate() {
        counts[i][i] = set.len();
    }
    counts
}

fn assemble(sources: Vec<String>, sets: &[RoaringBitmap], intersection: Vec<Vec<u64>>) -> Overlap {
    let sizes: Vec<u64> = sets.iter().map(RoaringBitmap::len).collect();
    let ratio = |n: u64, d: u64| if d == 0 { 0.0 } else { n as f64 / d as f64 };
    let k = sets.len();
    let jaccard = (0..k)
        .map(|i| {
            (0..k)
                .map(|j| ratio(intersection[i][j], sizes[i] + sizes[j] - intersection[i][j]))
                .collect()
        })
        .collect();
    let containment =
        (0..k).map(|i| (0..k).map(|j| ratio(intersection[i][j], sizes[i])).collect()).collect();
    let exclusive = exclusive_counts(sets);
    Overlap { sources, sizes, intersection, jaccard, containment, exclusive }
}

/// Values of each set found in no other: `|s| - |s ∩ (values in ≥ 2 sets)|`.
fn exclusive_counts(sets: &[RoaringBitmap]) -> Vec<u64> {
    let mut seen = RoaringBitmap::new();
    let mut shared = RoaringBitmap::new();
    for set in sets {
        shared |= &seen & set;
        seen |= set;
    }
    sets.iter().map(|set| set.len() - set.intersection_len(&shared)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn cooccurrence_equals_pairwise(
            sets in proptest::collection::vec(proptest::collection::vec(0u32..200, 0..60), 0..12)
        ) {
            let sets: Vec<RoaringBitmap> = sets.into_iter().map(|s| s.into_iter().collect()).collect();
            prop_assert_eq!(cooccurrence_counts(&sets), pairwise_counts(&sets));
        }
    }

    #[test]
    fn window_admits() {
        let t = |s: i64| Some(Timestamp(s));
        let w = TimeWindow { since: t(10), until: t(20) };
        assert!(w.admits(t(5), t(15)));
        assert!(w.admits(t(15), None));
        assert!(!w.admits(t(1), t(9)));
        assert!(!w.admits(t(21), t(30)));
        assert!(w.admits(None, None));
    }
}
