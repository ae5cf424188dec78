#!/usr/bin/env bash
# Overload and stalled readers, measured from outside against a real `chorus serve` (eSpeak NG, uncached):
#  1. unloaded latency (open loop at a low rate) and capacity (closed loop, enough clients to fill the engine);
#  2. an open loop at THREE times that capacity: how fast the excess is refused (503 + Retry-After), whether any
#     client times out, the admitted requests' P99 against the unloaded P99, and the server's memory;
#  3. 200 clients that request a long text and never read: the server's heap and direct memory per stalled
#     stream, the P99 of other clients meanwhile, and memory once they have gone.
# Usage: [PARTS=23] [NICE=-10] [RATIO=1] scripts/perf/overload.sh [SECONDS]   (default 20 s per measured run;
#        RATIO: limits.max-queue-wait-ratio)
# The load generator (`chorus bench`) is a separate process; on a shared machine read the load averages it prints.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
secs=${1:-20}
port=${CHORUS_PERF_PORT:-18133}
work=$(mktemp -d)
server_pid=
java_pid=
trap 'kill "$java_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
command -v python3 >/dev/null || { echo "python3 is missing" >&2; exit 1; }
. "$root/scripts/java-env.sh"
chorus_find_java

parts=${PARTS:-23}   # 2: overload at three times capacity (with 1, its baseline), 3: stalled readers
# NICE=-10 runs the server and the load generator ahead of other work on a shared machine (root only).
run_nice() { if [ -n "${NICE:-}" ]; then nice -n "$NICE" "$@"; else "$@"; fi; }
# Build once (when the sources changed), then run that jar: a rebuild must not start in the middle of a run.
"$root/chorus" --version > /dev/null
chorus() { run_nice "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
  ${CHORUS_JAVA_OPTS:-} -jar "$root/chorus-app/target/chorus-app.jar" "$@"; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
echo "load average at the start: $(loadavg) ($(nproc) cores)"

# Starts `chorus serve` (eSpeak NG only, uncached, no access log) with the extra CHORUS_* settings given as
# arguments, and waits until it is ready.
start_server() {
  (export CHORUS_ENGINES=espeak CHORUS_DEFAULT_VOICE=espeak:en-us CHORUS_PORT=$port CHORUS_ACCESS_LOG=false \
    CHORUS_CACHE_ENABLED=false "$@"; chorus serve > "$work/server.log" 2>&1) &
  server_pid=$!
  for _ in $(seq 1 180); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
    sleep 1
  done
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || { cat "$work/server.log" >&2; exit 1; }
  java_pid=$(pgrep -P "$server_pid" java || echo "$server_pid")
}
stop_server() {
  kill "$java_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
}

url="http://127.0.0.1:$port"
bench() { chorus bench --url "$url" --unique --format pcm --no-progress --warmup 3 "$@"; }
field() { python3 -c "import json,sys; d=json.load(open(sys.argv[1]))['runs'][0]; print(eval(sys.argv[2]))" "$@"; }
rss_mb() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$java_pid/status"; }
heap_mb() { # after a full collection, so what is read is what is held
  "$JAVA_HOME/bin/jcmd" "$java_pid" GC.run > /dev/null 2>&1 || true
  sleep 1
  curl -sf "$url/metrics" | awk 'index($1, "jvm_memory_used_bytes{") == 1 && index($1, "area=\"heap\"") {h += $NF}
    index($1, "jvm_buffer_memory_used_bytes{") == 1 && index($1, "id=\"direct\"") {d += $NF}
    END {printf "%.1f %.1f", h / 1048576, d / 1048576}'
}

# 1 and 2: the admission settings docs/configuration.md recommends for refusing rather than queueing under
# overload: admit a request only while its predicted wait for a worker is at most its own synthesis time.
if [[ "$parts" == *2* ]]; then
start_server CHORUS_ADMISSION_WAIT=0s CHORUS_MAX_QUEUE_WAIT_RATIO=${RATIO:-1} CHORUS_STALL_TIMEOUT=60s
bench --rate 2 --concurrency 8 --duration "$secs" --json "$work/unloaded.json" > /dev/null
# Capacity: as many clients as there are engine workers (2 on 2 cores), so the admission refuses none of them; with
# more, the closed loop's clients spin on refusals and the answered rate understates what the server can do.
bench --concurrency "${CAPACITY_CLIENTS:-2}" --duration "$secs" --json "$work/capacity.json" > /dev/null
cap=$(field "$work/capacity.json" "d['requests_per_second']")
p99_unloaded=$(field "$work/unloaded.json" "d['latency']['p99_ms']")
echo "unloaded p99 ${p99_unloaded} ms; capacity ${cap} requests/s (${CAPACITY_CLIENTS:-2} clients, closed loop; refused meanwhile: $(field "$work/capacity.json" "d['refused']['count']"))"

rate=$(awk -v c="$cap" 'BEGIN {printf "%.1f", 3 * c}')
rss_before=$(rss_mb)
bench --rate "$rate" --concurrency 400 --duration "$secs" --json "$work/overload.json" > /dev/null
rss_after=$(rss_mb)
load_overload=$(loadavg)
field "$work/overload.json" "'3x overload (%s requests/s offered): %d admitted (%.1f/s), refused %d: p50 %.1f p95 %.1f p99 %.1f ms, %d with Retry-After; admitted p99 %.1f ms = %.2fx unloaded; other errors: %s' % (d['rate'], d['requests_ok'], d['requests_per_second'], d['refused']['count'], d['refused']['p50_ms'], d['refused']['p95_ms'], d['refused']['p99_ms'], d['refused_with_retry_after'], d['latency']['p99_ms'], d['latency']['p99_ms'] / $p99_unloaded, {k: v for k, v in d['errors'].items() if k not in ('503', '429')})"
echo "server RSS ${rss_before} MB before the overload run, ${rss_after} MB after; load average after it: $load_overload"
field "$work/overload.json" "'summary: admitted p99 / unloaded p99 = %.2f (target <= 2); refused within 50 ms: %s; client timeouts: %d; load average %s' % (d['latency']['p99_ms'] / $p99_unloaded, 'yes (p95 %.1f ms)' % d['refused']['p95_ms'] if d['refused']['p95_ms'] <= 50 else 'NO (p95 %.1f ms)' % d['refused']['p95_ms'], sum(v for k, v in d['errors'].items() if 'timeout' in k.lower()), '$load_overload')"
stop_server

fi

# 3. Stalled readers, with settings that admit all 200 (a stream that waits for its client gives its engine slot
# back, so the slots and the waiting room only need to hold the arrivals, and a long deadline, so that the
# predicted wait of the last arrivals, before the first ones pause, is not refused): 200 connections ask for a
# long text and never read.
if [[ "$parts" == *3* ]]; then
start_server CHORUS_MAX_PENDING_PER_WORKER=128 CHORUS_MAX_WAITING_REQUESTS=256 CHORUS_ADMISSION_WAIT=30s CHORUS_MAX_QUEUE_WAIT_RATIO=0 \
  CHORUS_STALL_TIMEOUT=120s CHORUS_REQUEST_TIMEOUT=30m
bench --rate 2 --concurrency 8 --duration "$secs" --json "$work/unloaded3.json" > /dev/null
p99_unloaded=$(field "$work/unloaded3.json" "d['latency']['p99_ms']")
rss0=$(rss_mb)

long=$(python3 -c "print(' '.join('Sentence %d of a long text that nobody reads, said slowly and clearly.' % i for i in range(40)))")
# Round 1 also warms up the paths a stalled stream takes (classes loaded, code compiled): compare the rounds'
# "after" with their own "before"; the last round is the figure.
for round in $(seq 1 "${STALL_ROUNDS:-2}"); do
read -r heap0 direct0 <<< "$(heap_mb)"
python3 - "$port" "$long" 200 > "$work/stalled$round" <<'PY' &
import json, socket, sys, time, os
port, text, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
socks = []
for i in range(n):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(("127.0.0.1", port))
    body = json.dumps({"input": "%d. %s" % (i, text), "response_format": "pcm"}).encode()
    s.sendall(b"POST /v1/audio/speech HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
              + str(len(body)).encode() + b"\r\n\r\n" + body)
    socks.append(s)
statuses = {}
for s in socks:  # only the status line: the body is never read
    s.settimeout(180)
    try:
        status = s.recv(12)[9:12].decode() or "closed"
    except OSError as e:
        status = type(e).__name__
    statuses[status] = statuses.get(status, 0) + 1
print(statuses.get("200", 0), statuses, flush=True)
time.sleep(3600)
PY
stalled_pid=$!
for _ in $(seq 1 240); do [ -s "$work/stalled$round" ] && break; sleep 1; done
read -r stalled stalled_statuses < "$work/stalled$round"
# Until the sentences that were running when the streams paused are done.
metric() { curl -sf "$url/metrics" | awk -v m="$1" '$1 == m || index($1, m "{") == 1 {v += $NF} END {print v + 0}'; }
for _ in $(seq 1 120); do [ "$(metric chorus_engine_in_flight)" = 0 ] && break; sleep 1; done
sleep 2
read -r heap1 direct1 <<< "$(heap_mb)"
rss1=$(rss_mb)
bench --rate 2 --concurrency 8 --duration "$secs" --json "$work/beside.json" > /dev/null
kill "$stalled_pid" 2>/dev/null || true
for _ in $(seq 1 120); do [ "$(metric chorus_engine_requests_pending)" = 0 ] && break; sleep 1; done
sleep 10
read -r heap2 direct2 <<< "$(heap_mb)"
rss2=$(rss_mb)
p99_beside=$(field "$work/beside.json" "d['latency']['p99_ms']")
awk -v h0="$heap0" -v h1="$heap1" -v h2="$heap2" -v d0="$direct0" -v d1="$direct1" -v d2="$direct2" \
  -v p0="$p99_unloaded" -v p1="$p99_beside" -v n="$stalled" -v st="$stalled_statuses" -v r="$round" 'BEGIN {
  printf "round %d: 200 readers that never read (statuses %s), %d of them answered 200: heap %.1f -> %.1f MB, direct %.1f -> %.1f MB: %.0f KB per stalled stream; ", r, st, n, h0, h1, d0, d1, ((h1 + d1) - (h0 + d0)) * 1024 / (n > 0 ? n : 1)
  printf "other clients p99 %.1f ms beside them (unloaded %.1f ms); after they left: heap %.1f MB, direct %.1f MB\n", p1, p0, h2, d2 }'
if [ -n "${HISTO:-}" ]; then  # what the heap holds after they left, largest first
  "$JAVA_HOME/bin/jcmd" "$java_pid" GC.class_histogram 2>/dev/null | head -"$((HISTO + 3))"
fi
echo "server RSS: ${rss0} MB before the stalled readers, ${rss1} MB with them, ${rss2} MB after they left"
rss0=$rss2
done
fi
echo "load average at the end: $(loadavg)"
