//! Encoding of postings (sets of u32 ids) and of the merge operands that update them.
//!
//! A stored posting is one tag byte and a payload:
//! - `0x00` ‖ up to [`INLINE_MAX`] ids, each u32 BE, ascending: most values occur once or
//!   twice, and a one-element roaring bitmap costs 18 bytes where this costs 5;
//! - `0x01` ‖ a roaring bitmap in the portable serialisation format.
//!
//! A merge operand is `0x02` ‖ adds (u32 BE length ‖ posting) ‖ removes (posting). Applied
//! to a set `S` it gives `(S \ removes) ∪ adds`; two operands compose associatively (see
//! [`Delta::then`]), so RocksDB may combine operands before it sees the base value.

use roaring::RoaringBitmap;

/// Most ids kept in the inline form.
pub(crate) const INLINE_MAX: u64 = 4;

const TAG_INLINE: u8 = 0x00;
const TAG_ROARING: u8 = 0x01;
const TAG_DELTA: u8 = 0x02;

/// Encodes a posting.
pub(crate) fn encode(set: &RoaringBitmap) -> Vec<u8> {
    if set.len() <= INLINE_MAX {
        let mut out = Vec::with_capacity(1 + 4 * set.len() as usize);
        out.push(TAG_INLINE);
        for id in set {
            out.extend_from_slice(&id.to_be_bytes());
        }
        out
    } else {
        let mut out = Vec::with_capacity(1 + set.serialized_size());
        out.push(TAG_ROARING);
        // Writing into a Vec cannot fail.
        let _ = set.serialize_into(&mut out);
        out
    }
}

/// Decodes a posting; `None` when the bytes are not a valid posting.
pub(crate) fn decode(bytes: &[u8]) -> Option<RoaringBitmap> {
    let (tag, payload) = bytes.split_first()?;
    match *tag {
        TAG_INLINE => decode_inline(payload),
        TAG_ROARING => RoaringBitmap::deserialize_from(payload).ok(),
        _ => None,
    }
}

fn decode_inline(payload: &[u8]) -> Option<RoaringBitmap> {
    if !payload.len().is_multiple_of(4) || payload.len() / 4 > INLINE_MAX as usize {
        return None;
    }
    let ids = payload.chunks_exact(4).map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]));
    let ids: Vec<u32> = ids.collect();
    if !ids.windows(2).all(|w| w[0] < w[1]) {
        return None;
    }
    RoaringBitmap::from_sorted_iter(ids).ok()
}

/// A change to a posting: ids to remove, then ids to add.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Delta {
    pub(crate) adds: RoaringBitmap,
    pub(crate) removes: RoaringBitmap,
}

impl Delta {
    /// The delta equal to applying `self`, then `next`.
    pub(crate) fn then(self, next: &Delta) -> Delta {
        let adds = (self.adds - &next.removes) | &next.adds;
        let removes = self.removes | &next.removes;
        Delta { adds, removes }
    }

    /// Applies the delta to a set.
    pub(crate) fn apply(&self, set: RoaringBitmap) -> RoaringBitmap {
        (set - &self.removes) | &self.adds
    }

    /// Encodes the delta as a merge operand.
    pub(crate) fn encode(&self) -> Vec<u8> {
        let adds = encode(&self.adds);
        let removes = encode(&self.removes);
        let mut out = Vec::with_capacity(5 + adds.len() + removes.len());
        out.push(TAG_DELTA);
        out.extend_from_slice(&(adds.len() as u32).to_be_bytes());
        out.extend_from_slice(&adds);
        out.extend_from_slice(&removes);
        out
    }

    /// Decodes a merge operand.
    pub(crate) fn decode(bytes: &[u8]) -> Option<Delta> {
        let rest = bytes.strip_prefix(&[TAG_DELTA])?;
        let (len, rest) = rest.split_first_chunk::<4>()?;
        let len = usize::try_from(u32::from_be_bytes(*len)).ok()?;
        if len > rest.len() {
            return None;
        }
        let (adds, removes) = rest.split_at(len);
        Some(Delta { adds: decode(adds)?, removes: decode(removes)? })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn set(ids: &[u32]) -> RoaringBitmap {
        ids.iter().copied().collect()
    }

    #[test]
    fn golden_bytes() {
        assert_eq!(encode(&set(&[])), [0x00]);
        assert_eq!(encode(&set(&[1, 258])), [0x00, 0, 0, 0, 1, 0, 0, 1, 2]);
        let big = encode(&set(&[1, 2, 3, 4, 5]));
        assert_eq!(big[0], 0x01);
        // Portable roaring format: cookie 12346 (no run containers), then 1 container.
        assert_eq!(&big[1..5], &[0x3a, 0x30, 0, 0]);
        let delta = Delta { adds: set(&[7]), removes: set(&[]) }.encode();
        assert_eq!(delta, [0x02, 0, 0, 0, 5, 0x00, 0, 0, 0, 7, 0x00]);
    }

    #[test]
    fn rejects_garbage() {
        assert_eq!(decode(&[]), None);
        assert_eq!(decode(&[0x00, 1, 2]), None);
        assert_eq!(decode(&[0x00, 0, 0, 0, 2, 0, 0, 0, 1]), None, "unsorted");
        assert_eq!(decode(&[0x07]), None);
        assert_eq!(Delta::decode(&[0x02, 0, 0, 0, 9, 0]), None);
    }

    proptest! {
        #[test]
        fn posting_round_trips(ids in proptest::collection::vec(any::<u32>(), 0..40)) {
            let s = set(&ids);
            prop_assert_eq!(decode(&encode(&s)), Some(s));
        }

        #[test]
        fn deltas_compose_like_sequential_application(
            base in proptest::collection::vec(0u32..64, 0..20),
            ops in proptest::collection::vec(
                (proptest::collection::vec(0u32..64, 0..8), proptest::collection::vec(0u32..64, 0..8)),
                1..6,
            ),
        ) {
            let deltas: Vec<Delta> =
                ops.iter().map(|(a, r)| Delta { adds: set(a), removes: set(r) }).collect();
            let mut sequential = set(&base);
            for d in &deltas {
                sequential = d.apply(sequential);
            }
            let combined = deltas.iter().cloned().reduce(|a, b| a.then(&b)).unwrap_or_default();
            prop_assert_eq!(combined.apply(set(&base)), sequential.clone());
            // Any grouping gives the same result (associativity of `then`).
            let (left, right) = deltas.split_at(deltas.len() / 2);
            let l = left.iter().cloned().reduce(|a, b| a.then(&b)).unwrap_or_default();
            let r = right.iter().cloned().reduce(|a, b| a.then(&b)).unwrap_or_default();
            prop_assert_eq!(l.then(&r).apply(set(&base)), sequential);
            let d = &deltas[0];
            prop_assert_eq!(Delta::decode(&d.encode()), Some(d.clone()));
        }
    }
}
