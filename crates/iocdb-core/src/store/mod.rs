//! The storage layer: key layouts, record and posting encodings, the merge operator.

pub(crate) mod keys;
pub(crate) mod merge;
pub(crate) mod posting;
pub(crate) mod records;
