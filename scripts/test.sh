#!/usr/bin/env bash
# The one test command: makes sure the moto venv exists (the AWS stand-in the
# integration tests run the real SDK against), then runs every test target of every
# member of the workspace.
# Extra arguments go to `cargo test`. Quick when .venv is already in place.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${DRIFTDECK_VENV:-$PWD/.venv}"
REQS="moto[server]==5.2.5 cbor2==6.3.0 boto3==1.44.5"
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$VENV/.driftdeck-reqs" 2>/dev/null)" != "$REQS" ]; then
  echo "scripts/test.sh: creating $VENV with $REQS" >&2
  python3 -m venv "$VENV" || {
    echo "scripts/test.sh: python3 -m venv failed (on Debian/Ubuntu: apt-get install python3-venv)" >&2
    exit 2
  }
  # shellcheck disable=SC2086
  "$VENV/bin/pip" install --quiet --disable-pip-version-check $REQS
  echo "$REQS" > "$VENV/.driftdeck-reqs"
fi
export DRIFTDECK_PYTHON="$VENV/bin/python"

exec cargo test --workspace --all-targets "$@"
