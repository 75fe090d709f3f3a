#!/usr/bin/env bash
# The full fault soak: 1,000 injected faults (tests/fault_soak.rs) over every kind and
# protocol. Usage: scripts/soak.sh [FAULTS]
set -euo pipefail
cd "$(dirname "$0")/.."
CARGO="${CARGO:-cargo}"
DRIFTDECK_SOAK_FAULTS="${1:-1000}" "$CARGO" test --test fault_soak -- --nocapture 2>&1 | grep -E "^soak:|test result|panicked|FAILED" 
