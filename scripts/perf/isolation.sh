#!/usr/bin/env bash
# Measures what crash isolation costs one request: the latency of one uncached eSpeak NG sentence through a server
# with the engine in-process (engines.isolation: none) and through one whose engine runs in an engine host process
# (engines.isolation: process), both started here, requests alternating between them one at a time.
# Usage: scripts/perf/isolation.sh [REQUESTS]   (default 40 per server after 40 of warm-up; prints medians and p90)
#
#        scripts/perf/isolation.sh crash [SECONDS]   (default 60)
# The crash test: one server with the test engine `crash` (chorus-app's test classes: a native SIGSEGV on the word
# crashnow) in an engine host; four clients for SECONDS: three ask for their own eight-sentence text again and
# again (each answer is compared byte for byte with the same text made before any crash), the fourth sends a
# poison input every 2 s, and a second poison from half-time. Prints every answer's status, mismatches, transport
# errors, whether the server process ever exited, and the crash, restart and re-run counters.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
if [ "${1:-}" = crash ]; then
  exec "$root/scripts/perf/isolation-crash.sh" "${2:-60}"
fi
n=${1:-40}
port=${CHORUS_PERF_PORT:-18133}
work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT

start() { # NAME PORT ISOLATION
  CHORUS_ENGINES=espeak CHORUS_DEFAULT_VOICE=espeak:en-us CHORUS_PORT=$2 CHORUS_ENGINE_ISOLATION=$3 \
    CHORUS_ESPEAK_WORKERS=2 CHORUS_JOBS_ENABLED=false "$root/chorus" serve > "$work/$1.log" 2>&1 &
  pids+=($!)
}
start in-process "$port" none
start host "$((port + 1))" process
for p in "$port" "$((port + 1))"; do
  for _ in $(seq 1 180); do
    curl -sf "http://127.0.0.1:$p/readyz" >/dev/null 2>&1 && break
    sleep 1
  done
  curl -sf "http://127.0.0.1:$p/readyz" >/dev/null || { cat "$work"/*.log >&2; exit 1; }
done

speak() { # PORT I: prints the seconds one uncached sentence took, end to end
  curl -sf -o /dev/null -w '%{time_total}\n' -H 'Content-Type: application/json' \
    -d "{\"input\":\"Sentence number $2: the quick brown fox jumps over the lazy dog.\",\"voice\":\"espeak:en-us\",\"response_format\":\"wav\",\"cache\":false}" \
    "http://127.0.0.1:$1/v1/audio/speech"
}
for i in $(seq 1 40); do speak "$port" "1$i" >/dev/null; speak "$((port + 1))" "1$i" >/dev/null; done
for i in $(seq 1 "$n"); do
  speak "$port" "2$i" >> "$work/in-process.txt"
  speak "$((port + 1))" "2$i" >> "$work/host.txt"
done
stats() { sort -n "$1" | awk '{a[NR]=$1*1000} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "median %.1f ms, p90 %.1f ms", m, a[int(NR*0.9+0.5)]}'; }
host_pid=$(pgrep -P "${pids[1]}" java | head -1 || true)  # the chorus script execs java: the host is its child
echo "one sentence, ${n} requests each: in-process $(stats "$work/in-process.txt"); via the engine host $(stats "$work/host.txt")"
[ -n "$host_pid" ] && echo "engine host resident memory: $(( $(ps -o rss= -p "$host_pid") / 1024 )) MiB"
