#!/usr/bin/env bash
# `driftdeck check` against a raw fetch of exactly the same API pages with the same SDK
# (examples/raw_fetch.rs: same calls, page sizes and concurrency, nothing evaluated), on
# one moto server seeded once. Runs alternate A B A B so drift in moto's speed hits both
# sides alike; prints each pair's ratio and the medians.
# Usage: scripts/bench-fetch.sh [SCALE] [PAIRS]   (default scale 4, 5 pairs)
#        SWEEP=1 scripts/bench-fetch.sh 4          also times the raw fetch with 1, 2, 4, 9 kinds in flight
# Builds the release binary and example itself (about 20 minutes from clean); CI never runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE="${1:-4}"
PAIRS="${2:-5}"
PY="${DRIFTDECK_PYTHON:-$PWD/.venv/bin/python}"
[ -x "$PY" ] || { echo "bench-fetch: no moto venv; run scripts/test.sh once first" >&2; exit 2; }
CARGO="${CARGO:-cargo}"
"$CARGO" build --release --quiet --bin driftdeck --example raw_fetch
TARGET="${CARGO_TARGET_DIR:-target}"
CHECK="$TARGET/release/driftdeck"
RAW="$TARGET/release/examples/raw_fetch"

coproc SERVER { exec "$PY" tests/moto/server.py 0; }
read -r line <&"${SERVER[0]}"
endpoint="http://127.0.0.1:${line#PORT=}"
trap 'kill "$SERVER_PID" 2>/dev/null || true' EXIT
sleep 1
PYTHONPATH=tests/moto "$PY" tests/moto/seed_large.py "$endpoint" "$SCALE" >/dev/null
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_EC2_METADATA_DISABLED=true AWS_ENDPOINT_URL="$endpoint"

now() { date +%s.%N; }
a_run() {
  local t0; t0=$(now)
  # --no-history: CloudTrail and alarm history are calls the raw fetch does not make.
  "$CHECK" check --design config/designs/client-a-prod.toml --format json --timeout 120 --no-history >/tmp/bench-fetch-check.json || true
  echo "$(now) - $t0" | bc
}
b_run() {
  local t0; t0=$(now)
  "$RAW" "$@" >/tmp/bench-fetch-raw.txt
  echo "$(now) - $t0" | bc
}

a_run >/dev/null; b_run >/dev/null   # warm moto's caches and the page cache once
results=()
for i in $(seq 1 "$PAIRS"); do
  a=$(a_run); b=$(b_run)
  printf 'pair %d: check %.3f s, raw %.3f s, ratio %.3f\n' "$i" "$a" "$b" "$(echo "$a / $b" | bc -l)"
  results+=("$a $b")
done
printf '%s\n' "${results[@]}" | python3 -c '
import statistics, sys
rows = [tuple(map(float, l.split())) for l in sys.stdin if l.strip()]
a = statistics.median(r[0] for r in rows); b = statistics.median(r[1] for r in rows)
ratios = sorted(r[0] / r[1] for r in rows)
print(f"median check {a:.3f} s, median raw {b:.3f} s, ratio of medians {a / b:.3f}, pair ratios {ratios[0]:.3f}-{ratios[-1]:.3f}")
'
cat /tmp/bench-fetch-raw.txt
python3 -c "import json; d=json.load(open('/tmp/bench-fetch-check.json')); print('check saw:', {k: v['count'] for k, v in d['inventory'].items()}, 'findings:', len(d['findings']))"
if [ "${SWEEP:-0}" = 1 ]; then
  for n in 1 2 4 9; do
    t=$(b_run --in-flight "$n"); printf 'raw, %d kinds in flight (largest first): %.3f s\n' "$n" "$t"
  done
fi
