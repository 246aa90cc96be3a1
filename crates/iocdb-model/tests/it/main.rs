//! Integration tests of iocdb-model: properties of normalisation, inference and
//! refanging, and checks against real public data in `testdata/`.

#![allow(clippy::unwrap_used)]

mod properties;
mod real_data;
