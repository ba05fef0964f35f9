#!/usr/bin/env bash
# Builds the Linux installers (.deb and .rpm) with the pinned tauri-cli, from
# the root tauri.conf.json, and prints their sizes. Installs tauri-cli on the
# first run (about 11 minutes). The interface is built by tauri.conf.json's
# beforeBuildCommand (trunk --release, with wasm-opt).
# Usage: scripts/bundle.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.local/share/portee-tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
bash scripts/setup.sh --with-tauri-cli
echo "[bundle] cargo tauri build --bundles deb,rpm"
cargo tauri build --bundles deb,rpm
echo "[bundle] installers:"
ls -l target/release/bundle/deb/*.deb target/release/bundle/rpm/*.rpm
du -h target/release/bundle/deb/*.deb target/release/bundle/rpm/*.rpm
