#!/usr/bin/env bash
# Runs the whole Capsule test suite: formatting, lints, unit tests, headless integration
# tests and the end-to-end tests in the real WebKitGTK webview (each e2e test starts its
# own Xvfb display). Installs the system packages it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
capsule_install_system_packages
capsule_install_example_packages
capsule_use_shared_target_dir

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo-fuzz targets compile"
# fuzz/ is a workspace of its own (cargo-fuzz builds it with nightly); checking it here on
# stable keeps its targets from rotting as the crates they fuzz change.
cargo check --manifest-path fuzz/Cargo.toml --bins --locked
echo "== example apps: build npm"
cargo build --locked -q -p capsule-cli
capsule_build_example_npm
echo "== cargo test"
# Each test process (and the apps' logic workers, webviews, rustc) may hold at most 8 GiB
# of data (RLIMIT_DATA, in KiB): a regression that lets a memory bomb reach the host makes
# that process fail its allocation instead of taking the machine down. Not `ulimit -v`:
# WebKit's JavaScriptCore reserves tens of GiB of address space it never touches.
(
  ulimit -d $((8 << 20))
  cargo test --workspace --locked
)
echo "== benchmarks, once each in their short mode"
# Not timed or judged here: only so that they keep building and running.
bash scripts/bench.sh --quick
