#!/usr/bin/env bash
# Re-record the built-in demo (assets/demo/) from a fresh moto server: seeds the
# client-a-prod environment through the AWS APIs and snapshots each scripted step with
# `driftdeck snapshot`. Usage: scripts/record-demo.sh [OUT_DIR]  (default assets/demo;
# the demo embeds assets/demo/ at build time, so rebuild after re-recording).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-assets/demo}"
PY="${DRIFTDECK_PYTHON:-$PWD/.venv/bin/python}"
[ -x "$PY" ] || { echo "record-demo: no moto venv at $PY; run scripts/test.sh once first" >&2; exit 2; }
cargo build --quiet
mkdir -p "$OUT"
coproc SERVER { exec "$PY" tests/moto/server.py 0 2>/dev/null; }
trap 'kill "$SERVER_PID" 2>/dev/null || true' EXIT
read -r -t 30 line <&"${SERVER[0]}" || { echo "record-demo: moto server did not start" >&2; exit 2; }
endpoint="http://127.0.0.1:${line#PORT=}"
for _ in $(seq 1 100); do
  curl -sf "$endpoint/moto-api/" >/dev/null && break
  sleep 0.1
done
PYTHONPATH=tests/moto "$PY" tests/moto/record_demo.py "$endpoint" "$OUT"
chmod 644 "$OUT"/*.json  # snapshots are written 0600; these ship in the repo
echo "record-demo: wrote $OUT/"
