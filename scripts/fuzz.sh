#!/usr/bin/env bash
# Long fuzz run of the design, snapshot and config loaders (tests/fuzz_loaders.rs):
# mutated seeds from tests/fuzz_corpus/, SECS seconds per target (default 600).
# Usage: scripts/fuzz.sh [SECS]
set -euo pipefail
cd "$(dirname "$0")/.."
SECS="${1:-600}"
CARGO="${CARGO:-cargo}"
for target in design snapshot config; do
  DRIFTDECK_FUZZ_SECS="$SECS" DRIFTDECK_FUZZ_TARGET="$target" \
    "$CARGO" test --test fuzz_loaders "fuzz_${target}_loader" -- --nocapture 2>&1 | grep -E "^fuzz |test result|panicked|FAILED"
done
