#!/usr/bin/env bash
# Time the real binary against moto with a large environment: `check` wall time and
# peak memory over several runs. Usage: scripts/bench-moto.sh [SCALE] [RUNS]
# (moto serves one request at a time, so this measures driftdeck plus moto's serving).
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE="${1:-1}"
RUNS="${2:-5}"
PY="${DRIFTDECK_PYTHON:-$PWD/.venv/bin/python}"
[ -x "$PY" ] || { echo "bench-moto: no moto venv; run scripts/test.sh once first" >&2; exit 2; }
cargo build --release --quiet
coproc SERVER { exec "$PY" tests/moto/server.py 0; }
read -r line <&"${SERVER[0]}"
endpoint="http://127.0.0.1:${line#PORT=}"
trap 'kill "$SERVER_PID" 2>/dev/null || true' EXIT
sleep 1
start=$(date +%s.%N)
PYTHONPATH=tests/moto "$PY" tests/moto/seed_large.py "$endpoint" "$SCALE"
echo "seeded scale $SCALE in $(echo "$(date +%s.%N) - $start" | bc) s"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_EC2_METADATA_DISABLED=true AWS_ENDPOINT_URL="$endpoint"
for i in $(seq 1 "$RUNS"); do
  /usr/bin/time -f "run $i: %e s wall, %M KiB max RSS" \
    target/release/driftdeck check --design config/designs/client-a-prod.toml --format json --timeout 120 \
    > /tmp/driftdeck-bench.json || true
done
python3 -c "import json; d=json.load(open('/tmp/driftdeck-bench.json')); print('resources:', {k: v['count'] for k, v in d['inventory'].items()}, 'findings:', len(d['findings']))"
