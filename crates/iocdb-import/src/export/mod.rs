//! Encoders: events out as CSV, JSON lines, MISP JSON and STIX 2.1.
//!
//! | format | module | unit |
//! |---|---|---|
//! | MISP's CSV export columns | [`csv`] | one row per attribute |
//! | JSON lines | [`jsonl`] | one object per attribute, or one event per line |
//! | MISP JSON | [`misp`] | events as MISP writes them |
//! | STIX 2.1 | [`stix`] | one bundle |
//!
//! Every encoder has a matching decoder, and exporting then importing gives back the
//! same events up to what the format cannot hold (each module says what).

pub mod csv;
pub mod jsonl;
pub mod misp;
pub mod stix;
