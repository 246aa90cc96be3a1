//! The merge operator that applies [`Delta`] operands to postings.
//!
//! Ingest never reads a posting to update it: it writes a merge operand, and RocksDB
//! folds operands into the stored value during reads and compactions.

use rocksdb::MergeOperands;

use super::posting::{self, Delta};

/// The merge operator's name, recorded by RocksDB in the options file.
pub(crate) const NAME: &str = "iocdb.posting.v1";

/// Full merge: the stored posting (if any) with every operand applied in order.
/// Returns `None` (a merge failure, reported by RocksDB as corruption) on bytes that are
/// not ours, rather than guessing.
pub(crate) fn full_merge(
    _key: &[u8],
    existing: Option<&[u8]>,
    operands: &MergeOperands,
) -> Option<Vec<u8>> {
    let mut set = match existing {
        Some(bytes) => posting::decode(bytes)?,
        None => roaring::RoaringBitmap::new(),
    };
    for operand in operands {
        set = Delta::decode(operand)?.apply(set);
    }
    Some(posting::encode(&set))
}

/// Partial merge: several operands combined into one.
pub(crate) fn partial_merge(
    _key: &[u8],
    _existing: Option<&[u8]>,
    operands: &MergeOperands,
) -> Option<Vec<u8>> {
    let mut combined = Delta::default();
    for operand in operands {
        combined = combined.then(&Delta::decode(operand)?);
    }
    Some(combined.encode())
}
