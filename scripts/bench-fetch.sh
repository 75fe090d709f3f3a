#!/usr/bin/env bash
# `driftdeck check` against a raw fetch of exactly the same API pages with the same SDK
# (crates/aws/examples/raw_fetch.rs: same calls, page sizes and concurrency, nothing evaluated), on
# one moto server seeded once. Runs alternate A B A B so drift in moto's speed hits both
# sides alike; prints each pair's ratio and the medians.
# The raw fetch is given the kinds check fetched (its JSON inventory, in check's order);
# after the warm-up and after the last pair the two are compared: every kind's item count
# (check's inventory against raw's) and the number of calls (check's logged count,
# identity lookup included, against raw's). Any difference stops the bench (exit 1).
# Usage: scripts/bench-fetch.sh [SCALE] [PAIRS]   (default scale 4, 5 pairs)
#        SWEEP=1 scripts/bench-fetch.sh 4          also times the raw fetch with 1, 2, 4, 9 and all kinds in flight
#        TIMEOUT=S (default 300): --timeout of both sides; moto answers DescribeSecurityGroupRules
#        in time quadratic in the number of tagged resources (README, Benchmarks), ~50 s at scale 4.
# Builds the release binary and example itself (about 20 minutes from clean); CI never runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE="${1:-4}"
PAIRS="${2:-5}"
TIMEOUT="${TIMEOUT:-300}"
PY="${DRIFTDECK_PYTHON:-$PWD/.venv/bin/python}"
[ -x "$PY" ] || { echo "bench-fetch: no moto venv; run scripts/test.sh once first" >&2; exit 2; }
CARGO="${CARGO:-cargo}"
[ "${NO_BUILD:-0}" = 1 ] || { "$CARGO" build --release --quiet --bin driftdeck && "$CARGO" build --release --quiet -p driftdeck-aws --example raw_fetch; }
TARGET="${CARGO_TARGET_DIR:-target}"
CHECK="$TARGET/release/driftdeck"
RAW="$TARGET/release/examples/raw_fetch"
WORK="$(mktemp -d)"

coproc SERVER { exec "$PY" tests/moto/server.py 0; }
read -r line <&"${SERVER[0]}"
endpoint="http://127.0.0.1:${line#PORT=}"
trap 'kill "$SERVER_PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
sleep 1
t0=$(date +%s.%N)
PYTHONPATH=tests/moto "$PY" tests/moto/seed_large.py "$endpoint" "$SCALE" >/dev/null
printf 'seeded scale %s in %.0f s\n' "$SCALE" "$(echo "$(date +%s.%N) - $t0" | bc)"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_EC2_METADATA_DISABLED=true AWS_ENDPOINT_URL="$endpoint"
# check logs its call count ("inventory fetched ... calls=N") to its own log file here.
export XDG_STATE_HOME="$WORK/state" DRIFTDECK_LOG=info

now() { date +%s.%N; }
# moto's CPU seconds so far (utime + stime): how much serving a run cost, whatever else
# the shared machine was doing meanwhile.
moto_cpu() { awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$SERVER_PID/stat"; }
a_run() {
  local t0; t0=$(now)
  # --no-history: CloudTrail and alarm history are calls the raw fetch does not make.
  "$CHECK" check --design config/designs/client-a-prod.toml --format json --timeout "$TIMEOUT" --no-history >"$WORK/check.json" || true
  echo "$(now) - $t0" | bc
}
b_run() {
  local t0; t0=$(now)
  "$RAW" --kinds "$KINDS" --timeout "$TIMEOUT" "$@" >"$WORK/raw.txt"
  echo "$(now) - $t0" | bc
}
# Same kinds, same items, same number of calls, or the comparison means nothing.
compare() {
  python3 - "$WORK/check.json" "$WORK/raw.txt" "$WORK/state/driftdeck/driftdeck.log" <<'EOF'
import json, re, sys
inv = json.load(open(sys.argv[1]))["inventory"]
raw = {}
total_calls = None
for line in open(sys.argv[2]):
    m = re.match(r"kind (\w+) calls (\d+) items (\d+) extra (\d+)", line)
    if m:
        raw[m[1]] = (int(m[2]), int(m[3]), int(m[4]))
    m = re.match(r"raw_fetch: (\d+) calls", line)
    if m:
        total_calls = int(m[1])
logged = [int(m[1]) for m in re.finditer(r"inventory fetched.* calls=(\d+)", open(sys.argv[3]).read())]
bad = [f"{k}: check {v['status']} {v['count']}, raw {raw.get(k, ('-', 'missing'))[1]}"
       for k, v in inv.items() if v["status"] != "ok" or raw.get(k, (0, -1))[1] != v["count"]]
bad += [f"{k}: raw only" for k in raw if k not in inv]
if not logged or logged[-1] != total_calls:
    bad.append(f"calls: check {logged[-1] if logged else 'not logged'}, raw {total_calls}")
if bad:
    print("bench-fetch: check and the raw fetch did NOT read the same pages:", *bad, sep="\n  ", file=sys.stderr)
    sys.exit(1)
print(f"same pages: {len(inv)} kinds, {total_calls} calls (identity included), "
      f"{sum(v['count'] for v in inv.values())} items + {sum(r[2] for r in raw.values())} secondary (rules, subnet groups, entries)")
EOF
}

a_run >/dev/null   # warm moto's caches and the page cache once; learn check's kinds
KINDS=$(python3 -c "import json; print(','.join(json.load(open('$WORK/check.json'))['inventory']))")
echo "kinds check fetched: $KINDS (raw_fetch starts them in check's order, Kind order)"
b_run >/dev/null
compare
results=()
for i in $(seq 1 "$PAIRS"); do   # PAIRS=0: only the checks of sameness (and SWEEP)
  c0=$(moto_cpu); a=$(a_run); c1=$(moto_cpu); b=$(b_run); c2=$(moto_cpu)
  ca=$(echo "$c1 - $c0" | bc -l); cb=$(echo "$c2 - $c1" | bc -l)
  printf 'pair %d: check %.3f s, raw %.3f s, ratio %.3f (moto CPU: check %.2f s, raw %.2f s)\n' \
    "$i" "$a" "$b" "$(echo "$a / $b" | bc -l)" "$ca" "$cb"
  results+=("$a $b")
done
compare
[ "$PAIRS" -gt 0 ] && printf '%s\n' "${results[@]}" | python3 -c '
import statistics, sys
rows = [tuple(map(float, l.split())) for l in sys.stdin if l.strip()]
a = statistics.median(r[0] for r in rows); b = statistics.median(r[1] for r in rows)
ratios = sorted(r[0] / r[1] for r in rows)
print(f"median check {a:.3f} s, median raw {b:.3f} s, ratio of medians {a / b:.3f}, pair ratios {ratios[0]:.3f}-{ratios[-1]:.3f}")
'
tail -n1 "$WORK/raw.txt"
python3 -c "import json; d=json.load(open('$WORK/check.json')); print('findings:', len(d['findings']))"
if [ "${SWEEP:-0}" = 1 ]; then
  # Up the list and back down, so load drifting on a shared machine hits every level alike.
  all=$(echo "$KINDS" | tr ',' '\n' | wc -l)
  levels=(1 2 4 9 "$all")
  for n in "${levels[@]}" $(printf '%s\n' "${levels[@]}" | tac); do
    c0=$(moto_cpu); t=$(b_run --in-flight "$n"); c1=$(moto_cpu)
    printf 'raw, %d kinds in flight (Kind order): %.3f s (moto CPU %.2f s)\n' "$n" "$t" "$(echo "$c1 - $c0" | bc -l)"
  done
fi
