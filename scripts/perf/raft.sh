#!/usr/bin/env bash
# Figures of the replicated job store (jobs.store: raft) on one machine: three packaged `chorus serve` nodes on
# loopback, one Raft member each.
#   1. job submissions per second acknowledged (202) by the group: SUBMISSIONS creations through one follower,
#      CONCURRENCY at a time (jobs.workers: 0, so the nodes only store jobs and make none);
#   2. time to elect a new leader after kill -9 of the leader, ROUNDS times (the killed node is restarted and
#      caught up between rounds), and their median.
# Usage: scripts/perf/raft.sh   (after ./mvnw -pl chorus-app -am package -DskipTests)
# Env: SUBMISSIONS (500), CONCURRENCY (16), ROUNDS (5), ELECTION_TIMEOUT (500ms). The shell reports each kill -9.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/java-env.sh && chorus_find_java
JAVA="$JAVA_HOME/bin/java"
JAR=chorus-app/target/chorus-app.jar
[ -f "$JAR" ] || { echo "raft.sh: $JAR missing: build it first (./mvnw -pl chorus-app -am package -DskipTests)" >&2; exit 2; }
SUBMISSIONS=${SUBMISSIONS:-500}
CONCURRENCY=${CONCURRENCY:-16}
ROUNDS=${ROUNDS:-5}
ELECTION_TIMEOUT=${ELECTION_TIMEOUT:-500ms}
WORK=$(mktemp -d)
declare -A PID PORT
IDS=(a b c)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cleanup() { for id in "${IDS[@]}"; do [ -n "${PID[$id]:-}" ] && kill -9 "${PID[$id]}" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
PEERS="a=127.0.0.1:$(free_port),b=127.0.0.1:$(free_port),c=127.0.0.1:$(free_port)"

start() { # start node $1 and wait until it listens
  local id=$1
  cat > "$WORK/$id.yaml" <<YAML
server:
  port: 0
  warm-up: false
cache:
  enabled: false
jobs:
  store: raft
  workers: 0
  audio-dir: $WORK/audio
  raft:
    id: $id
    peers: "$PEERS"
    bind: 127.0.0.1
    election-timeout: $ELECTION_TIMEOUT
YAML
  CHORUS_LOG_FORMAT=text "$JAVA" -Xmx256m -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED \
    --sun-misc-unsafe-memory-access=allow -jar "$JAR" serve --config "$WORK/$id.yaml" --data-dir "$WORK/data-$id" \
    > /dev/null 2> "$WORK/$id.err" &
  PID[$id]=$!
}
await_port() {
  local id=$1
  for _ in $(seq 1 600); do
    local p; p=$(sed -n 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/$id.err" | tail -1)
    if [ -n "$p" ]; then PORT[$id]=$p; return 0; fi
    sleep 0.2
  done
  echo "raft.sh: node $id did not start:" >&2; tail -20 "$WORK/$id.err" >&2; exit 1
}
metric() { curl -s -m 2 "http://127.0.0.1:${PORT[$1]}/metrics" | sed -n "s/^$2 \([0-9.eE+-]*\)$/\1/p" | head -1; }
leader_among() { for id in "$@"; do [ "$(metric "$id" chorus_jobs_raft_leader)" = "1.0" ] && { echo "$id"; return 0; }; done; return 1; }
now_ms() { date +%s%3N; }

for id in "${IDS[@]}"; do start "$id"; done
for id in "${IDS[@]}"; do await_port "$id"; done
until L=$(leader_among "${IDS[@]}"); do sleep 0.1; done
F=$(for id in "${IDS[@]}"; do [ "$id" != "$L" ] && echo "$id"; done | head -1)
echo "leader $L; submitting through $F"

# 1. Acknowledged submissions per second.
export URL="http://127.0.0.1:${PORT[$F]}/v1/audio/jobs"
t0=$(now_ms)
ok=$(seq 1 "$SUBMISSIONS" | xargs -P "$CONCURRENCY" -I{} curl -s -o /dev/null -w '%{http_code}\n' -m 30 \
  -H 'Content-Type: application/json' -H "Idempotency-Key: perf-{}" \
  -d '{"input":"Replicated job number {}.","response_format":"pcm"}' "$URL" | grep -c '^202$' || true)
t1=$(now_ms)
echo "submissions: $ok of $SUBMISSIONS acknowledged in $((t1 - t0)) ms: $(python3 -c "print(round($ok*1000/($t1-$t0),1))") per second ($CONCURRENCY at a time)"

# 2. Election time after kill -9 of the leader.
times=()
for r in $(seq 1 "$ROUNDS"); do
  L=$(until leader_among "${IDS[@]}"; do sleep 0.05; done)
  rest=(); for id in "${IDS[@]}"; do [ "$id" != "$L" ] && rest+=("$id"); done
  kill -9 "${PID[$L]}"; k=$(now_ms)
  until N=$(leader_among "${rest[@]}"); do sleep 0.02; done
  e=$(( $(now_ms) - k )); times+=("$e")
  echo "round $r: killed leader $L, $N leads after $e ms"
  wait "${PID[$L]}" 2>/dev/null || true
  start "$L"; await_port "$L"
  target=$(metric "$N" chorus_jobs_raft_commit_index)
  until awk -v a="$(metric "$L" chorus_jobs_raft_applied_index)" -v t="$target" 'BEGIN { exit !(a != "" && a + 0 >= t + 0) }'; do sleep 0.2; done
done
printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "election after kill -9: median %d ms of %d (min %d, max %d)\n", a[int((NR+1)/2)], NR, a[1], a[NR]}'
