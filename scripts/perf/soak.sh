#!/usr/bin/env bash
# A soak, measured from outside against a real `chorus serve` (default settings but queueing admission, see below;
# eSpeak NG voice, uncached):
#  1. the capacity of a mixed workload (closed loop, 8 clients): every format, SSE streams with and without word
#     timings, another speed, and one request in ten closed by the client after its first audio;
#  2. an open loop of the same mix at FRACTION of that capacity for MINUTES, from a second process;
#  3. every minute meanwhile: the server's resident memory, heap and direct memory after a full collection, its
#     threads and open file descriptors; at the end, the run's errors by status and its latency percentiles.
# Usage: scripts/perf/soak.sh [MINUTES] [FRACTION]   (default 30 minutes at 0.8 of capacity)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
minutes=${1:-30}
fraction=${2:-0.8}
port=${CHORUS_PERF_PORT:-18134}
work=$(mktemp -d)
trap 'kill "$sampler_pid" "$server_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
sampler_pid=
command -v python3 >/dev/null || { echo "python3 is missing" >&2; exit 1; }
command -v ffmpeg >/dev/null || { echo "ffmpeg is missing (AAC is part of the mix): scripts/install-test-deps.sh" >&2; exit 1; }
. "$root/scripts/java-env.sh"
chorus_find_java
"$root/chorus" --version > /dev/null

# Queueing admission (the defaults when the soak in docs/benchmarks.md was measured): the capacity run is a closed
# loop of more clients than workers, which the refusing default would answer partly with 503s.
CHORUS_MAX_QUEUE_WAIT_RATIO=${CHORUS_MAX_QUEUE_WAIT_RATIO:-0} CHORUS_ADMISSION_WAIT=${CHORUS_ADMISSION_WAIT:-2s} \
  CHORUS_PORT=$port CHORUS_DEFAULT_VOICE=espeak:en-us "$root/chorus" serve > "$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 180); do
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 1
done
curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || { cat "$work/server.log" >&2; exit 1; }
java_pid=$(pgrep -P "$server_pid" java || echo "$server_pid")
url="http://127.0.0.1:$port"
bench() { "$root/chorus" bench --url "$url" --voice espeak:en-us --mix --unique --no-progress "$@"; }
field() { python3 -c "import json,sys; d=json.load(open(sys.argv[1]))['runs'][0]; print(eval(sys.argv[2]))" "$@"; }
sample() { # elapsed-seconds rss-MB heap-MB direct-MB threads fds, heap and direct after a full collection
  "$JAVA_HOME/bin/jcmd" "$java_pid" GC.run > /dev/null 2>&1 || true
  sleep 1
  local rss threads fds mem
  rss=$(awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$java_pid/status")
  threads=$(awk '/^Threads/ {print $2}' "/proc/$java_pid/status")
  fds=$(ls "/proc/$java_pid/fd" | wc -l)
  mem=$(curl -sf "$url/metrics" | awk 'index($1, "jvm_memory_used_bytes{") == 1 && index($1, "area=\"heap\"") {h += $NF}
    index($1, "jvm_buffer_memory_used_bytes{") == 1 && index($1, "id=\"direct\"") {d += $NF}
    END {printf "%.1f %.1f", h / 1048576, d / 1048576}')
  echo "$1 $rss $mem $threads $fds"
}

bench --concurrency 8 --warmup 10 --duration 20 --json "$work/capacity.json" > /dev/null
cap=$(field "$work/capacity.json" "d['requests_per_second']")
rate=$(awk -v c="$cap" -v f="$fraction" 'BEGIN {printf "%.1f", f * c}')
echo "mixed-workload capacity ${cap} requests/s (8 clients, closed loop); soaking at ${rate} requests/s for ${minutes} min"
sample 0 > "$work/samples"
(
  start=$(date +%s)
  while sleep 60; do sample $(( $(date +%s) - start )) >> "$work/samples"; done
) &
sampler_pid=$!
bench --rate "$rate" --concurrency 64 --warmup 0 --duration $(( minutes * 60 )) --json "$work/soak.json"
kill "$sampler_pid" 2>/dev/null || true
sleep 90 # past the idle time of the server's thread pools (60 s), so what is left is what the soak left behind
sample end >> "$work/samples"
echo "samples: seconds, RSS MB, heap MB and direct MB after a full collection, threads, open files"
column -t "$work/samples"
field "$work/soak.json" "'soak: %d answered with audio, %d cancelled on purpose, errors %s; latency p50 %.1f p99 %.1f p99.9 %.1f ms' % (d['requests_ok'], d['cancelled'], d['errors'] or 'none', d['latency']['p50_ms'], d['latency']['p99_ms'], d['latency']['p999_ms'])"
# Before the soak and after it, both idle: what the soak left behind. The minutes between show the trend under load.
awk 'NR == 1 {r0 = $2; h0 = $3; d0 = $4; t0 = $5; f0 = $6} $2 > rmax {rmax = $2} {r = $2; h = $3; d = $4; t = $5; f = $6}
  END {printf "left behind (idle after against idle before): RSS %+d MB (highest %d MB), heap %+.1f MB, direct %+.1f MB, threads %+d, open files %+d\n", r - r0, rmax, h - h0, d - d0, t - t0, f - f0}' "$work/samples"
echo "error lines in the server log: $(grep -c '"level":"ERROR"\|SEVERE' "$work/server.log" || true)"
