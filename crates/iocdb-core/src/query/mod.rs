//! Read-side queries: lookup, correlation, overlap, statistics.

pub(crate) mod common;
pub(crate) mod correlate;
pub(crate) mod lookup;
pub(crate) mod overlap;
pub(crate) mod stats;
