#!/usr/bin/env bash
# Builds what is needed and launches Portée. Without PORTEE_DATABASE_URL it
# uses the embedded SQLite database in the user's data folder
# (~/.local/share/portee on Linux, or PORTEE_DATA_DIR), created and migrated
# on first start.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.local/share/portee-tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
bash scripts/setup.sh
echo "[launch] building the interface (trunk, release)"
(cd ui && trunk build --release)
echo "[launch] building Portée (release; several minutes the first time)"
cargo build --release -p portee-app --features custom-protocol
exec target/release/portee "$@"
