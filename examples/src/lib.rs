//! Examples of iocdb used as a library; see `examples/`. Run one with
//! `cargo run -p iocdb-examples --example quickstart`.
