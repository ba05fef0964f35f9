#!/usr/bin/env bash
# Builds the Linux installers (.deb and .rpm) with the pinned tauri-cli from
# the root tauri.conf.json, and prints their sizes. Installs tauri-cli on the
# first run (about 11 minutes).
#
# tauri-cli takes the folder holding tauri.conf.json as the app crate's folder,
# and the root Cargo.toml is the workspace, not the app. So this script derives
# src-tauri/tauri.conf.json from the root file (the only one kept in git; the
# derived copy is ignored and removed afterwards), with its paths rebased on
# src-tauri/ and an ASCII package name. The app's own build (src-tauri/build.rs, generate_context!) reads
# the root file as always, so the installed app is the one the tests run.
# The interface is built by beforeBuildCommand (trunk --release, wasm-opt -Oz).
# Usage: scripts/bundle.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.local/share/portee-tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
bash scripts/setup.sh --with-tauri-cli

derived=src-tauri/tauri.conf.json
trap 'rm -f "$derived"' EXIT
python3 scripts/derive-tauri-conf.py "$derived" --ascii-name
echo "[bundle] cargo tauri build --bundles deb,rpm"
# beforeBuildCommand runs in the frontend folder, the parent of src-tauri: the root.
TAURI_APP_PATH=src-tauri cargo tauri build --bundles deb,rpm
echo "[bundle] installers:"
ls -l target/release/bundle/deb/*.deb target/release/bundle/rpm/*.rpm
