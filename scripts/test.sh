#!/usr/bin/env bash
# The test command of the README: formatting, lints, every test of the workspace, the
# doc examples, the example program and a compile of the benchmarks.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked
cargo run --locked -p iocdb-examples --example quickstart
