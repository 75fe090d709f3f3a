#!/usr/bin/env bash
# What history costs `check`: the same check with history (the default) and with
# --no-history, alternated, against moto seeded with the client-a-prod account, its
# planted drift (three identities) and NOISE routine write events after it (CreateTags
# by the deploy role: LookupEvents reads them, none touches a reported resource).
# Usage: scripts/bench-history.sh [NOISE] [RUNS]   (PROFILE=dev to skip the release build;
# SCENARIO=client-a for the clean account, without drift or noise)
set -euo pipefail
cd "$(dirname "$0")/.."
NOISE="${1:-0}"
RUNS="${2:-5}"
PROFILE="${PROFILE:-release}"
PY="${DRIFTDECK_PYTHON:-$PWD/.venv/bin/python}"
[ -x "$PY" ] || { echo "bench-history: no moto venv; run scripts/test.sh once first" >&2; exit 2; }
if [ "$PROFILE" = release ]; then cargo build --release --quiet --bin driftdeck; BIN="${CARGO_TARGET_DIR:-target}/release/driftdeck";
else cargo build --quiet --bin driftdeck; BIN="${CARGO_TARGET_DIR:-target}/debug/driftdeck"; fi
coproc SERVER { exec "$PY" tests/moto/server.py 0; }
read -r line <&"${SERVER[0]}"
endpoint="http://127.0.0.1:${line#PORT=}"
trap 'kill "$SERVER_PID" 2>/dev/null || true' EXIT
sleep 1
SCENARIO="${SCENARIO:-busy-history}"
DRIFTDECK_NOISE="$NOISE" "$PY" tests/moto/seed.py "$endpoint" "$SCENARIO" >/dev/null
echo "seeded $SCENARIO (client-a-prod; busy-history: its drift and $NOISE routine write events after it)"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_EC2_METADATA_DISABLED=true AWS_ENDPOINT_URL="$endpoint"
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
run() {
  local s e
  s=$(date +%s.%N)
  "$BIN" check --design config/designs/client-a-prod.toml --format json "$@" >/tmp/driftdeck-bench-history.json 2>/dev/null || true
  e=$(date +%s.%N)
  echo "$e - $s" | bc
}
with=(); without=()
for _ in $(seq 1 "$RUNS"); do
  with+=("$(run)")
  without+=("$(run --no-history)")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
echo "check with history:    median $(median "${with[@]}") s  (runs: ${with[*]})"
echo "check --no-history:    median $(median "${without[@]}") s  (runs: ${without[*]})"
"$BIN" check --design config/designs/client-a-prod.toml --format json >/tmp/driftdeck-bench-history.json 2>/dev/null || true
python3 -c "import json; d=json.load(open('/tmp/driftdeck-bench-history.json')); c=[f['changed_by']['status'] for f in d['findings']]; print('attributions:', {s: c.count(s) for s in set(c)}, 'history:', d['history'])"
