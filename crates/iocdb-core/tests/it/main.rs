//! Integration tests of the engine: one binary, one module per concern.

#![allow(clippy::unwrap_used)]

mod compat;
mod model;
mod queries;
