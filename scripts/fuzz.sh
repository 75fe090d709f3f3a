#!/usr/bin/env bash
# Coverage-guided fuzzing of the design, snapshot and config loaders: the cargo-fuzz
# (libFuzzer) targets in fuzz/, SECS seconds each (default 600), one after another,
# seeded from tests/fuzz_corpus/<target>/ with fuzz/<target>.dict. The growing corpus
# is fuzz/corpus/<target>/ and a crashing input lands in fuzz/artifacts/<target>/ (both
# ignored by git; a crash fixed in src/ keeps its minimised input in
# fuzz/regressions/<target>/, which the test suite replays).
#
# cargo-fuzz passes rustc nightly-only -Z flags; RUSTC_BOOTSTRAP=1 lets the stable
# toolchain accept them, so no nightly is needed. When cargo-fuzz cannot be installed
# or the targets cannot be built, the proptest run of tests/fuzz_loaders.rs runs
# instead, and says so.
#
# No sanitizer by default: src/ has no unsafe code, so a panic (which libFuzzer reports
# as a crash) is what the targets look for, and an address-sanitizer build of the AWS SDK
# the library links did not fit this machine (aws-sdk-ec2: over 25 min at opt-level 3,
# killed for memory at 22 GB at opt-level 0).
#
# Usage: scripts/fuzz.sh [SECS]
#   FUZZ_SANITIZER=none|address   (default none)
#   FUZZ_TARGETS="design config"  (default all three)
#   DRIFTDECK_BUILD_LOCK=FILE     hold `flock FILE` for the builds only, not the runs
# Exits non-zero when any target crashes or fails.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
SECS="${1:-600}"
CARGO="${CARGO:-cargo}"
SANITIZER="${FUZZ_SANITIZER:-none}"
read -r -a TARGETS <<< "${FUZZ_TARGETS:-design snapshot config}"
FUZZ_DIR="${CARGO_TARGET_DIR:-$ROOT/target}/cargo-fuzz"
export RUSTC_BOOTSTRAP=1

locked() {
  if [ -n "${DRIFTDECK_BUILD_LOCK:-}" ]; then flock "$DRIFTDECK_BUILD_LOCK" "$@"; else "$@"; fi
}

proptest_fallback() {
  echo "scripts/fuzz.sh: $1; running the proptest fallback (tests/fuzz_loaders.rs) instead" >&2
  status=0
  for target in "${TARGETS[@]}"; do
    out=$(DRIFTDECK_FUZZ_SECS="$SECS" DRIFTDECK_FUZZ_TARGET="$target" \
      locked "$CARGO" test --test fuzz_loaders "fuzz_${target}_loader" -- --nocapture 2>&1) || status=1
    grep -E "^fuzz |test result|panicked|FAILED" <<< "$out" || true
  done
  exit "$status"
}

if ! "$CARGO" fuzz --version >/dev/null 2>&1; then
  echo "scripts/fuzz.sh: installing cargo-fuzz" >&2
  locked "$CARGO" install --locked cargo-fuzz >&2 || proptest_fallback "cargo-fuzz could not be installed"
fi

build_log="$FUZZ_DIR/build.log"
mkdir -p "$FUZZ_DIR"
started=$(date +%s)
# All three at once: the library dominates the build, and cargo fuzz build takes one
# target or none.
if ! (cd fuzz && locked "$CARGO" fuzz build --sanitizer "$SANITIZER" --target-dir "$FUZZ_DIR") >"$build_log" 2>&1; then
  tail -20 "$build_log" >&2
  proptest_fallback "the cargo-fuzz targets did not build (log: $build_log)"
fi
echo "scripts/fuzz.sh: built the targets (sanitizer $SANITIZER) in $(( $(date +%s) - started )) s"

bin_dir="$FUZZ_DIR/x86_64-unknown-linux-gnu/release"
status=0
for target in "${TARGETS[@]}"; do
  corpus="fuzz/corpus/$target"
  artifacts="fuzz/artifacts/$target/"
  log="fuzz/logs/$target.log"
  mkdir -p "$corpus" "$artifacts" fuzz/logs
  # The first directory is the one libFuzzer adds to; the seeds are only read.
  t0=$(date +%s)
  set +e
  "$bin_dir/$target" "$corpus" "tests/fuzz_corpus/$target" \
    -dict="fuzz/$target.dict" -max_total_time="$SECS" -timeout=30 \
    -artifact_prefix="$artifacts" -print_final_stats=1 >"$log" 2>&1
  rc=$?
  set -e
  took=$(( $(date +%s) - t0 ))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+' "$log" | grep -E 'cov: ' | tail -1 || true)
  cov=$(sed -n 's/.*cov: \([0-9]*\).*/\1/p' <<< "$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<< "$last")
  corp=$(sed -n 's/.* corp: \([^ ]*\).*/\1/p' <<< "$last")
  crashes=$(find "$artifacts" -type f -newer "$build_log" | wc -l)
  echo "fuzz $target: ${execs:-?} inputs in ${took} s, cov ${cov:-?} ft ${ft:-?}, corpus ${corp:-?}, crashes $crashes, exit $rc (load $(cut -d' ' -f1-3 /proc/loadavg))"
  if [ "$rc" -ne 0 ] || [ "$crashes" -ne 0 ]; then
    status=1
    grep -E "panicked|ERROR|SUMMARY|Test unit written" "$log" | head -8 >&2 || true
    echo "  log: $log; minimise with: cd fuzz && cargo fuzz tmin -s $SANITIZER $target <artifact>" >&2
  fi
done
exit "$status"
