#!/usr/bin/env bash
# Measures Portée's launch: time from process start to the interface's
# first paint (reported by the UI itself through the ui_ready command), and
# idle memory (PSS) of the app together with its WebKit processes.
# Usage: scripts/bench-launch.sh [binary] [runs]
#   binary: default target/release/portee (scripts/launch.sh builds it)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-target/release/portee}
RUNS=${2:-5}
IDLE_SECONDS=${IDLE_SECONDS:-5}
if [ -z "${DISPLAY:-}" ]; then
  exec xvfb-run -a -s "-screen 0 1280x800x24" "$0" "$BIN" "$RUNS"
fi
[ -x "$BIN" ] || { echo "binaire introuvable : $BIN" >&2; exit 1; }

descendants() { # pid -> pid and all its descendants
  local p=$1; echo "$p"
  for c in $(pgrep -P "$p" || true); do descendants "$c"; done
}
pss_kib() { # sum of Pss over a pid list
  local total=0 v
  for p in "$@"; do
    v=$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)
    total=$((total + ${v:-0}))
  done
  echo "$total"
}

data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
printf '%-6s %-22s %s\n' "run" "first paint (ms)" "idle PSS app+WebKit (MiB)"
paints=()
for i in $(seq 1 "$RUNS"); do
  out="$data/out-$i"
  t0=$(date +%s%3N)
  PORTEE_DATA_DIR="$data/portee" PORTEE_CONFIG="$data/none.toml" PORTEE_REPORT_FIRST_PAINT=1 \
    "$BIN" >"$out" 2>/dev/null &
  pid=$!
  for _ in $(seq 1 600); do grep -q portee-first-paint "$out" 2>/dev/null && break; sleep 0.05; done
  line=$(grep portee-first-paint "$out" || true)
  if [ -z "$line" ]; then echo "run $i: no first paint within 30 s" >&2; kill "$pid"; exit 1; fi
  unix_ms=$(sed -E 's/.*unix_ms=([0-9]+).*/\1/' <<<"$line")
  paint=$((unix_ms - t0))
  paints+=("$paint")
  sleep "$IDLE_SECONDS"
  mapfile -t pids < <(descendants "$pid")
  pss=$(pss_kib "${pids[@]}")
  label=$([ "$i" = 1 ] && echo "$i (new db)" || echo "$i")
  printf '%-6s %-22s %s (%d processes)\n' "$label" "$paint" "$(awk "BEGIN{printf \"%.1f\", $pss/1024}")" "${#pids[@]}"
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
sorted=$(printf '%s\n' "${paints[@]}" | sort -n)
echo "first paint: median $(sed -n "$(( (RUNS + 1) / 2 ))p" <<<"$sorted") ms, min $(head -1 <<<"$sorted") ms, max $(tail -1 <<<"$sorted") ms over $RUNS runs"
