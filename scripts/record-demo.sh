#!/usr/bin/env bash
# Re-record the built-in demo (assets/demo/) from a fresh moto server: seeds the
# client-a-prod environment through the AWS APIs and snapshots each scripted step.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${DRIFTDECK_PYTHON:-$PWD/.venv/bin/python}"
[ -x "$PY" ] || { echo "record-demo: no moto venv; run scripts/test.sh once first" >&2; exit 2; }
cargo build --quiet
mkdir -p assets/demo
coproc SERVER { exec "$PY" tests/moto/server.py 0; }
read -r line <&"${SERVER[0]}"
port="${line#PORT=}"
trap 'kill "$SERVER_PID" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$port/moto-api/" >/dev/null && break
  sleep 0.1
done
PYTHONPATH=tests/moto "$PY" tests/moto/record_demo.py "http://127.0.0.1:$port" target/debug/driftdeck assets/demo
chmod 644 assets/demo/*.json  # snapshots are written 0600; these ship in the repo
echo "record-demo: wrote assets/demo/"
