#!/usr/bin/env bash
# Idle CPU and first frame of the release console on the built-in demo, in tmux at 200x60.
# Idle: the demo with every poll interval at 10 minutes, so after the first picture only
# the 1 s age tick runs; CPU is utime+stime from /proc/PID/stat over SECS seconds.
# First frame: the "first frame drawn" line the console logs (time since it started),
# and from outside, the time from launching tmux until the frame is on its screen.
# Usage: scripts/console-idle.sh [SECS] [RUNS]   (default 60 s, 5 launches for the first frame)
# Needs tmux and the release binary (cargo build --release --bin driftdeck).
set -euo pipefail
cd "$(dirname "$0")/.."
SECS="${1:-60}"
RUNS="${2:-5}"
BIN="${BIN:-${CARGO_TARGET_DIR:-target}/release/driftdeck}"
[ -x "$BIN" ] || { echo "console-idle: no $BIN; build it with cargo build --release --bin driftdeck" >&2; exit 2; }
STATE="$(mktemp -d)"
trap 'tmux kill-session -t dd-idle 2>/dev/null || true; rm -rf "$STATE"' EXIT
TICK=$(getconf CLK_TCK)
SLOW="network=600,security=600,databases=600,alarms=600"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

echo "first frame (launch to frame on screen, and as logged by the console):"
for i in $(seq 1 "$RUNS"); do
  rm -f "$STATE/driftdeck/driftdeck.log"
  t0=$(date +%s%N)
  tmux new-session -d -s dd-idle -x 200 -y 60 \
    "exec env XDG_STATE_HOME=$STATE DRIFTDECK_LOG=info $BIN demo --intervals $SLOW"
  until tmux capture-pane -p -t dd-idle 2>/dev/null | grep -q "1 Overview"; do sleep 0.005; done
  t1=$(date +%s%N)
  sleep 0.5
  logged=$(grep -o 'ms=[0-9.]*' "$STATE/driftdeck/driftdeck.log" 2>/dev/null | head -1 || true)
  printf '  run %d: %.1f ms on screen (tmux included), logged %s\n' "$i" "$(echo "($t1 - $t0) / 1000000" | bc -l)" "${logged:-none}"
  tmux kill-session -t dd-idle
  sleep 0.3
done

tmux new-session -d -s dd-idle -x 200 -y 60 "exec env XDG_STATE_HOME=$STATE $BIN demo --intervals $SLOW"
sleep 2
PID=$(tmux list-panes -t dd-idle -F '#{pane_pid}')
sleep 8   # the first picture is complete; from here only the tick (and the demo's captions)
a=$(cpu_ticks "$PID"); sleep "$SECS"; b=$(cpu_ticks "$PID")
printf 'idle: %d ticks of CPU in %d s = %.3f%% of one core\n' "$((b - a))" "$SECS" "$(echo "($b - $a) * 100 / ($TICK * $SECS)" | bc -l)"
