#!/usr/bin/env bash
# What the sampled speech back-check costs in throughput: two real `chorus serve` processes on the default voice,
# one with backcheck.mode off and one with sampled at 5% (PocketSphinx), loaded in turn by `chorus bench` (closed
# loop, unique texts so no cache helps), ROUNDS times each, interleaved so both see the same machine. Prints each
# round, the medians, and sampled/off.
# Usage: scripts/perf/backcheck-sampled.sh [SECONDS] [ROUNDS]   (default 20 s per run, 3 rounds)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
secs=${1:-20}
rounds=${2:-3}
port_off=${CHORUS_PERF_PORT:-18141}
port_on=$((port_off + 1))
work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
command -v python3 >/dev/null || { echo "python3 is missing" >&2; exit 1; }
. "$root/scripts/java-env.sh"
chorus_find_java

"$root/chorus" --version > /dev/null # builds once, before two servers start at once

start() { # PORT MODE
  CHORUS_PORT=$1 CHORUS_BACKCHECK_MODE=$2 CHORUS_BACKCHECK_SAMPLE_FRACTION=0.05 CHORUS_ACCESS_LOG=false \
    CHORUS_WORKERS=1 "$root/chorus" serve > "$work/server-$2.log" 2>&1 &
  pids+=($!)
}
start "$port_off" off
start "$port_on" sampled
for port in "$port_off" "$port_on"; do
  for _ in $(seq 1 180); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
    sleep 1
  done
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || { cat "$work"/server-*.log >&2; exit 1; }
done
bench() { "$root/chorus" bench --url "http://127.0.0.1:$1" --unique --format pcm --no-progress --warmup 3 \
  --concurrency 2 --duration "$secs" --json "$2" > /dev/null; }
rps() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['runs'][0]['requests_per_second'])" "$1"; }
off=(); on=()
for r in $(seq 1 "$rounds"); do
  bench "$port_off" "$work/off-$r.json"; off+=("$(rps "$work/off-$r.json")")
  bench "$port_on" "$work/on-$r.json"; on+=("$(rps "$work/on-$r.json")")
  echo "round $r: off ${off[-1]} requests/s, sampled 5% ${on[-1]} requests/s"
done
checks=$(curl -sf "http://127.0.0.1:$port_on/metrics" | awk 'index($1, "chorus_backcheck_checks_total{") == 1 {n += $NF} END {print n + 0}')
python3 - "${off[*]}" "${on[*]}" "$checks" <<'PY'
import statistics, sys
off = [float(x) for x in sys.argv[1].split()]
on = [float(x) for x in sys.argv[2].split()]
mo, mn = statistics.median(off), statistics.median(on)
print(f"median: off {mo:.2f} requests/s, sampled 5% {mn:.2f} requests/s: sampled/off {mn / mo:.3f} "
      f"({(1 - mn / mo) * 100:+.1f}% lost); {sys.argv[3]} requests checked by the sampled server")
PY
