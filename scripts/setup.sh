#!/usr/bin/env bash
# Installs what building iocdb needs and is not in a plain Rust image: libclang, which
# RocksDB's bindgen step loads. Sourced by test.sh and tour.sh; safe to run again.
set -euo pipefail

have_libclang() {
    if command -v dpkg >/dev/null 2>&1; then
        dpkg -s libclang-dev >/dev/null 2>&1
    else
        ldconfig -p 2>/dev/null | grep -q 'libclang\(-[0-9.]*\)\?\.so'
    fi
}

if ! have_libclang; then
    echo "iocdb setup: installing libclang-dev (needed by RocksDB's bindgen)" >&2
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libclang-dev >/dev/null
fi

# Keep cargo's build outside the clone: the vendored RocksDB C++ build takes about twenty
# minutes on two cores, and a shared cache folder means it is done once per machine.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/iocdb/target}"
mkdir -p "$CARGO_TARGET_DIR"
