#!/usr/bin/env bash
# Routing efficiency of a cluster, measured from outside against real processes: workers whose capacity is fixed by
# the paced benchmark engine (it sleeps a set time per character, so the machine's cores do not limit it), one gateway
# in front of them, and `chorus bench` as a separate load-generating process.
#
#  1. Throughput: for each N in COUNTS, a gateway (policy backlog) over N workers of capacity
#     C = THREADS x 1000 / SENTENCE_MS requests/s each, loaded in a closed loop with 2 requests per engine thread of the
#     cluster (2 x N x THREADS clients), so a well-routed cluster never lets a thread idle. Reports requests/s
#     against N x C (target: >= 0.9).
#  2. One slow worker: three workers of capacity C and one SLOW times slower (capacity C / SLOW), an open loop at
#     LOAD x (3 + 1/SLOW) x C requests/s, once through a gateway with `cluster.policy: backlog` and once through
#     one with `round-robin`, alternately, ROUNDS times. Reports each policy's P99 (median over rounds) and their
#     ratio (target: round robin's P99 at least 2x backlog's).
#
# The gateways start with `cluster.slow-start: 0s` (every worker takes its full share at once: the runs measure steady
# routing) and `cluster.eject-after: 10s` (a worker starved of CPU for a moment by other work on a shared machine is
# not ejected in the middle of a run).
# Every request is the same one-sentence TEXT (44 characters) as `pcm`; the paced engine takes SENTENCE_MS / 44 ms a
# character, so SENTENCE_MS for the sentence (a time per character keeps the runtime's own per-character estimate,
# which routing uses, true of every text, the workers' warm-up phrase included). No cache on the gateway and none on
# the workers, so every request is synthesized. The load average is printed before and after each run: on a machine
# where other work runs, read the ratios, not the absolute latencies.
#
# Usage: scripts/perf/routing.sh [SECONDS] [ROUNDS]   (default 15 s per run, 3 rounds)
# Environment: COUNTS ("1 2 4 8"), SENTENCE_MS (1000), THREADS (4), SLOW (4), LOAD (0.5), WARMUP (5),
#   PHASES ("throughput slow"), WORKER_HEAP (96m), CHORUS_PERF_PORT (18200: ports from there to +60),
#   KEEP (a directory to keep the logs and JSON results in).
# Needs the packaged program (./mvnw -pl chorus-app -am package -DskipTests), python3 and curl.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
secs=${1:-15}
rounds=${2:-3}
counts=${COUNTS:-1 2 4 8}
sentence_ms=${SENTENCE_MS:-1000}
threads=${THREADS:-4}
text="The quick brown fox jumps over the lazy dog."
slow=${SLOW:-4}
load=${LOAD:-0.5}
warmup=${WARMUP:-5}
phases=${PHASES:-throughput slow}
heap=${WORKER_HEAP:-96m}
base=${CHORUS_PERF_PORT:-18200}
admin_key=routing-benchmark-admin-key
for tool in python3 curl; do
  command -v "$tool" >/dev/null || { echo "routing.sh: $tool is missing" >&2; exit 1; }
done
. "$root/scripts/java-env.sh"
chorus_find_java
jar="$root/chorus-app/target/chorus-app.jar"
[ -f "$jar" ] || { echo "routing.sh: $jar is missing: ./mvnw -pl chorus-app -am package -DskipTests" >&2; exit 1; }

work=${KEEP:-$(mktemp -d)}
mkdir -p "$work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT

# The paced engine ships in the program but is not registered: a services file on the workers' class path loads it.
mkdir -p "$work/paced/META-INF/services"
echo dev.chorus.loadgen.paced.PacedEngineProvider > "$work/paced/META-INF/services/dev.chorus.tts.spi.TtsEngineProvider"
jvm=(-Xmx"$heap" -Xss512k -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:ActiveProcessorCount=1
     --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow)
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

wait_ready() { # PORT LOG
  for _ in $(seq 1 180); do
    curl -sf "http://127.0.0.1:$1/readyz" >/dev/null 2>&1 && return 0
    sleep 1
  done
  echo "routing.sh: no /readyz on port $1; its log:" >&2
  tail -40 "$2" >&2
  exit 1
}

# start_worker INDEX SENTENCE_MS: HTTP port base+INDEX, worker API base+20+INDEX.
start_worker() {
  local i=$1 ms
  ms=$(python3 -c "print($2 / ${#text})")
  cat > "$work/worker$i.yaml" <<EOF
engines:
  enabled: paced
  default-voice: paced:tone
  paced:
    workers: $threads
    sentence-millis: 0
    char-millis: $ms
limits: # the gateway's policy is measured, so workers queue what they are sent rather than refuse it
  max-queue-wait-ratio: 0
  admission-wait: 2s
cache:
  enabled: false
  sentence:
    max-bytes: 0
jobs:
  enabled: false
logging:
  access-log: false
EOF
  CHORUS_LOG_FORMAT=text "$JAVA_HOME/bin/java" "${jvm[@]}" -cp "$jar:$work/paced" dev.chorus.app.Main serve \
    --config "$work/worker$i.yaml" --role worker --host 127.0.0.1 --port $((base + i)) \
    --worker-port $((base + 20 + i)) > "$work/worker$i.log" 2>&1 &
  pids+=($!)
}

# start_gateway NAME POLICY INDEX...: a gateway on port base+40+(its number) over the workers listed, started in the
# background (await_gateway waits for it). Gateways run side by side and are loaded one at a time.
gateways=0
declare -A gw_port gw_pid gw_count
start_gateway() {
  local name=$1 policy=$2; shift 2
  local list="" i port=$((base + 40 + gateways))
  gateways=$((gateways + 1))
  for i in "$@"; do list="$list${list:+,}127.0.0.1:$((base + 20 + i))"; done
  cat > "$work/gateway-$name.yaml" <<EOF
engines:
  default-voice: paced:tone
cache:
  enabled: false
jobs:
  enabled: false
admin:
  key: $admin_key
logging:
  access-log: false
cluster:
  policy: $policy
  slow-start: 0s
  eject-after: 10s
EOF
  # The gateway carries every request: a full JIT and room for its streams (the workers only sleep).
  CHORUS_LOG_FORMAT=text "$JAVA_HOME/bin/java" -Xmx384m --enable-native-access=ALL-UNNAMED \
    --sun-misc-unsafe-memory-access=allow -jar "$jar" serve --config "$work/gateway-$name.yaml" --role gateway --host 127.0.0.1 --port "$port" \
    --workers "$list" > "$work/gateway-$name.log" 2>&1 &
  pids+=($!)
  gw_pid[$name]=$!
  gw_port[$name]=$port
  gw_count[$name]=$#
}
# await_gateway NAME: waits until it is ready and sees every worker it lists up with the voice loaded.
await_gateway() {
  wait_ready "${gw_port[$1]}" "$work/gateway-$1.log"
  for _ in $(seq 1 120); do
    [ "$(cluster "$1" | python3 -c 'import json,sys; w=json.load(sys.stdin)["workers"];
print(sum(1 for x in w if x["state"]=="up" and "paced:tone@1" in x["resident"]))')" = "${gw_count[$1]}" ] && return 0
    sleep 0.5
  done
  echo "routing.sh: gateway $1 does not see ${gw_count[$1]} workers up: $(cluster "$1")" >&2
  exit 1
}
stop_gateway() {
  kill "${gw_pid[$1]}" 2>/dev/null || true
  wait "${gw_pid[$1]}" 2>/dev/null || true
}
cluster() { curl -sf -H "Authorization: Bearer $admin_key" "http://127.0.0.1:${gw_port[$1]}/admin/cluster"; }
# settle NAME: waits until no worker has anything running or queued (what a previous run left behind).
settle() {
  for _ in $(seq 1 120); do
    [ "$(cluster "$1" | python3 -c 'import json,sys; w=json.load(sys.stdin)["workers"];
print(sum(x["load"]["in_flight"]+x["load"]["queued"]+x["outstanding"] for x in w if "load" in x))')" = 0 ] && return 0
    sleep 0.5
  done
}
# bench NAME OUT.json ARGS...: one run of `chorus bench` against a gateway, in a process of its own.
bench() {
  local name=$1 out=$2; shift 2
  local before; before=$(loadavg)
  "$JAVA_HOME/bin/java" -Xmx256m --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
    -jar "$jar" bench --url "http://127.0.0.1:${gw_port[$name]}" --voice paced:tone --format pcm --no-progress --text "$text" \
    --duration "$secs" --warmup "$warmup" --json "$out" "$@" > "$out.txt"
  cluster "$name" > "$out.cluster"
  echo "$before|$(loadavg)" > "$out.load"
}

capacity=$(python3 -c "print($threads * 1000 / $sentence_ms)")
echo "routing.sh: $(nproc) cores, load average $(loadavg); worker capacity C = $threads threads / $sentence_ms ms" \
  "= $capacity requests/s; $secs s per run after $warmup s of warm-up, $rounds rounds; results in $work"
max=0
for n in $counts; do [ "$n" -gt "$max" ] && max=$n; done
[ "$max" -ge 3 ] || max=3
for i in $(seq 0 $((max - 1))); do start_worker "$i" "$sentence_ms"; done
start_worker 19 "$(python3 -c "print($sentence_ms * $slow)")"
for i in $(seq 0 $((max - 1))) 19; do wait_ready $((base + i)) "$work/worker$i.log"; done

throughput=0 slowphase=0
[[ " $phases " == *" throughput "* ]] && throughput=1
[[ " $phases " == *" slow "* ]] && slowphase=1
if [ $throughput = 1 ]; then
  for n in $counts; do start_gateway "n$n" backlog $(seq 0 $((n - 1))); done
fi
if [ $slowphase = 1 ]; then
  start_gateway backlog backlog 0 1 2 19
  start_gateway round-robin round-robin 0 1 2 19
fi
if [ $throughput = 1 ]; then
  for n in $counts; do
    await_gateway "n$n"
    bench "n$n" "$work/throughput-$n.json" --concurrency $((2 * n * threads)) --rounds "$rounds"
    stop_gateway "n$n"
  done
fi
if [ $slowphase = 1 ]; then
  rate=$(python3 -c "print(round($load * (3 + 1 / $slow) * $capacity, 3))")
  await_gateway backlog
  await_gateway round-robin
  for r in $(seq 1 "$rounds"); do
    for policy in backlog round-robin; do
      settle "$policy"
      bench "$policy" "$work/slow-$policy-$r.json" --rate "$rate" --concurrency 256
    done
  done
fi

python3 - "$work" "$rounds" "$capacity" "$phases" "$counts" "$slow" "$load" <<'PY'
import json, os, statistics, sys
work, rounds, cap, phases, counts, slow, load = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), \
    sys.argv[4].split(), [int(n) for n in sys.argv[5].split()], sys.argv[6], sys.argv[7]
def runs(path):
    return json.load(open(path))["runs"]
def load_of(path):
    return open(path + ".load").read().strip().replace("|", " -> ")
def served(path):
    """Requests each worker completed during the run (from the gateway's view after it)."""
    w = json.load(open(path + ".cluster"))["workers"]
    return {x["address"].rsplit(":", 1)[1]: x["routed"] for x in w}
failed = []
if "throughput" in phases:
    print("\nthroughput, closed loop at 2 requests per engine thread (policy backlog):")
    print(f"{'N':>3} {'N x C':>8} {'req/s (median)':>15} {'rounds':>24} {'ratio':>6} {'errors':>6} {'ok':>6}"
          f" {'routed':>6}  load average (before -> after the last round)")
    for n in counts:
        p = f"{work}/throughput-{n}.json"
        rs = runs(p)
        rps = [r["requests_per_second"] for r in rs]
        med = statistics.median(rps)
        ratio = med / (n * cap)
        errors = sum(r["error_count"] for r in rs)
        ok = sum(r["requests_ok"] for r in rs)
        # Requests the gateway sent to workers, warm-up included: at least `ok`, or something answered without
        # synthesizing (a cache, single flight), which would void the figure.
        routed = sum(served(p).values())
        print(f"{n:>3} {n * cap:>8.1f} {med:>15.2f} {', '.join(f'{x:.2f}' for x in rps):>24} {ratio:>6.3f}"
              f" {errors:>6} {ok:>6} {routed:>6}  {load_of(p)}")
        if ratio < 0.9:
            failed.append(f"throughput with {n} workers: {ratio:.3f} x N x C (target >= 0.9)")
if "slow" in phases:
    print(f"\none worker {slow}x slower (3 + 1 workers), open loop at {load} of the capacity:")
    print(f"{'policy':>12} {'round':>5} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>9} {'errors':>6} {'to slow':>8}  load average")
    p99 = {}
    for policy in ("backlog", "round-robin"):
        for r in range(1, rounds + 1):
            p = f"{work}/slow-{policy}-{r}.json"
            run = runs(p)[0]
            routed = served(p)
            slow_share = routed.get(max(routed), 0) / max(1, sum(routed.values()))
            p99.setdefault(policy, []).append(run["latency"]["p99_ms"])
            print(f"{policy:>12} {r:>5} {run['requests_per_second']:>7.2f} {run['latency']['p50_ms']:>8.1f}"
                  f" {run['latency']['p99_ms']:>9.1f} {run['error_count']:>6} {slow_share:>8.1%}  {load_of(p)}")
    b, rr = statistics.median(p99["backlog"]), statistics.median(p99["round-robin"])
    print(f"P99 medians: backlog {b:.1f} ms, round-robin {rr:.1f} ms: round robin / backlog = {rr / b:.2f}x"
          " (target >= 2x)")
    if rr / b < 2:
        failed.append(f"P99 with one slow worker: round robin / backlog = {rr / b:.2f}x (target >= 2x)")
print("\n" + ("targets met" if not failed else "targets MISSED: " + "; ".join(failed)))
PY
