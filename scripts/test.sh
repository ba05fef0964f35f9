#!/usr/bin/env bash
# The whole test suite: unit tests, store tests against real PostgreSQL and
# SQLite, Tauri command tests on the mock runtime, and end-to-end tests in
# the real window under Xvfb. Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.local/share/portee-tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"

bash scripts/setup.sh
bash scripts/start-postgres.sh

echo "[test] building the interface (trunk)"
(cd ui && trunk build)

# One cargo invocation builds the tests and, with the embedded interface,
# the app binary the end-to-end tests launch (target/debug/portee).
echo "[test] cargo test"
if [ -n "${DISPLAY:-}" ]; then
  cargo test --workspace --features portee-app/custom-protocol "$@"
else
  xvfb-run -a -s "-screen 0 1280x800x24" \
    cargo test --workspace --features portee-app/custom-protocol "$@"
fi
