#!/usr/bin/env bash
# Gateway overhead, measured from outside against real processes (eSpeak NG, uncached): one worker and one
# gateway over it; the same `chorus bench` (one client, one sentence a request, every text unique so no cache
# answers) against the worker's own HTTP port and against the gateway, alternately, ROUNDS times each. Prints the
# median latency (p50) and P99 of each side and the difference: what the gateway adds (its pipeline, the hop to
# the worker over gRPC, and the copy of the audio).
# Usage: scripts/perf/cluster-overhead.sh [SECONDS] [ROUNDS]   (default 10 s per run, 3 rounds)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
secs=${1:-10}
rounds=${2:-3}
base=${CHORUS_PERF_PORT:-18140}
worker_http=$base gateway_http=$((base + 1)) worker_api=$((base + 2))
work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
command -v python3 >/dev/null || { echo "python3 is missing" >&2; exit 1; }
. "$root/scripts/java-env.sh"
chorus_find_java

wait_ready() {
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$1/readyz" >/dev/null 2>&1 && return 0
    sleep 1
  done
  cat "$2" >&2
  exit 1
}
CHORUS_ENGINES=espeak CHORUS_DEFAULT_VOICE=espeak:en-us CHORUS_ACCESS_LOG=false \
  "$root/chorus" serve --role worker --port "$worker_http" --worker-port "$worker_api" > "$work/worker.log" 2>&1 &
pids+=($!)
wait_ready "$worker_http" "$work/worker.log"
CHORUS_ACCESS_LOG=false CHORUS_DEFAULT_VOICE=espeak:en-us \
  "$root/chorus" serve --role gateway --port "$gateway_http" --workers "127.0.0.1:$worker_api" \
  > "$work/gateway.log" 2>&1 &
pids+=($!)
wait_ready "$gateway_http" "$work/gateway.log"

bench() {
  "$root/chorus" bench --url "http://127.0.0.1:$1" --voice espeak:en-us --unique --format pcm --no-progress \
    --concurrency 1 --duration "$secs" --warmup 3 --json "$2" > /dev/null
}
for r in $(seq 1 "$rounds"); do
  bench "$worker_http" "$work/direct-$r.json"
  bench "$gateway_http" "$work/gateway-$r.json"
done
python3 - "$work" "$rounds" <<'PY'
import json, statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])
def side(name):
    runs = [json.load(open(f"{work}/{name}-{r}.json"))["runs"][0] for r in range(1, rounds + 1)]
    for r in runs:
        if not isinstance(r["latency"].get("p50_ms"), (int, float)):
            sys.exit(f"{name}: a run without latencies (failed requests?): {json.dumps(r)[:600]}")
    return (statistics.median(r["latency"]["p50_ms"] for r in runs),
            statistics.median(r["latency"]["p99_ms"] for r in runs),
            sum(r["requests_ok"] for r in runs))
d, g = side("direct"), side("gateway")
print(f"direct to the worker: p50 {d[0]:.1f} ms, p99 {d[1]:.1f} ms ({d[2]} requests)")
print(f"through the gateway:  p50 {g[0]:.1f} ms, p99 {g[1]:.1f} ms ({g[2]} requests)")
print(f"gateway adds:         p50 {g[0] - d[0]:+.1f} ms, p99 {g[1] - d[1]:+.1f} ms (medians of {rounds} rounds)")
PY
