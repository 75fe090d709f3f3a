#!/usr/bin/env python3
"""200 environments on one machine, measured (issue 21, item 7). Two figures:

1. `check` offline over N design/snapshot pairs (copies of client-a-prod, each its own
   environment, all reading the demo's recorded snapshot): wall time and peak memory.
2. `watch` live against moto (tests/moto/server.py, the client-a seed) over N designs:
   time until every environment's baseline is evaluated (the first full estate), peak
   memory (VmHWM) and CPU seconds for it, then CPU seconds for one more full refresh cycle.
   All N environments read one moto account, so the per-account limit (4 kinds in flight)
   and the global one (32) bound them as they would one busy account.

Usage: python3 scripts/bench-estate.py [N] (default 200), with a release build at
target/release/driftdeck (cargo build --release) and the test venv (.venv, scripts/test.sh).
"""
import os, re, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("DRIFTDECK_BIN", os.path.join(ROOT, "target/release/driftdeck"))
PY = os.environ.get("DRIFTDECK_PYTHON", os.path.join(ROOT, ".venv/bin/python"))
N = int(sys.argv[1]) if len(sys.argv) > 1 else 200


def designs(dir, n):
    base = open(os.path.join(ROOT, "config/designs/client-a-prod.toml")).read()
    paths = []
    for i in range(n):
        p = os.path.join(dir, f"env-{i:03}.toml")
        open(p, "w").write(base.replace('name = "client-a-prod"', f'name = "env-{i:03}"', 1))
        paths.append(p)
    return paths


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_kb(pid):
    m = re.search(r"VmHWM:\s+(\d+) kB", open(f"/proc/{pid}/status").read())
    return int(m.group(1)) if m else 0


def offline(paths):
    snap = os.path.join(ROOT, "assets/demo/00-base.json")
    args = [BIN, "check", "--format", "json", "--no-history"]
    for p in paths:
        args += ["--design", p, "--snapshot", snap]
    t0 = time.monotonic()
    out = subprocess.run(["/usr/bin/time", "-f", "%M"] + args, capture_output=True, text=True)
    wall = time.monotonic() - t0
    peak = int(out.stderr.strip().splitlines()[-1])
    print(f"check offline, {len(paths)} environments: {wall:.2f} s wall, peak {peak / 1024:.0f} MB "
          f"({peak / len(paths):.0f} KB per environment), exit {out.returncode}")


def live(paths):
    moto = subprocess.Popen([PY, os.path.join(ROOT, "tests/moto/server.py"), "0"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    port = moto.stdout.readline().strip().split("=")[1]
    endpoint = f"http://127.0.0.1:{port}"
    subprocess.run([PY, os.path.join(ROOT, "tests/moto/seed.py"), endpoint, "client-a"], check=True,
                   capture_output=True)
    env = dict(PATH=os.environ["PATH"], HOME=tempfile.gettempdir(), AWS_ACCESS_KEY_ID="testing",
               AWS_SECRET_ACCESS_KEY="testing", AWS_CONFIG_FILE="/dev/null",
               AWS_SHARED_CREDENTIALS_FILE="/dev/null", AWS_EC2_METADATA_DISABLED="true",
               AWS_ENDPOINT_URL=endpoint)
    args = [BIN, "watch", "--no-history", "--interval", "60", "--timeout", "600"]
    for p in paths:
        args += ["--design", p]
    t0 = time.monotonic()
    w = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seen = 0
    for line in w.stderr:
        if "baseline of" in line:
            seen += 1
            if seen == len(paths):
                break
    first = time.monotonic() - t0
    cpu_first = cpu_seconds(w.pid)
    peak = peak_kb(w.pid)
    # One more cycle: every environment evaluates again within the interval.
    time.sleep(60)
    cpu_cycle = cpu_seconds(w.pid) - cpu_first
    peak2 = peak_kb(w.pid)
    w.terminate()
    w.wait()
    moto.terminate()
    print(f"watch live, {len(paths)} environments (one moto account): first full estate in {first:.1f} s, "
          f"{cpu_first:.1f} CPU s for it; one refresh cycle {cpu_cycle:.1f} CPU s; peak {max(peak, peak2) / 1024:.0f} MB "
          f"({max(peak, peak2) / len(paths):.0f} KB per environment)")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as d:
        paths = designs(d, N)
        offline(paths)
        live(paths)
