#!/usr/bin/env bash
# Measures what the server costs around the engine, from outside, with wrk (Debian) as the load generator:
#  1. uncached one-sentence eSpeak NG requests: the server process's CPU per request (from /proc) against
#     libespeak-ng's own CPU for the same sentences in a small C program (espeak-cpu.c);
#  2. cache hits: requests/s of a ~4 KB MP3 and a ~165 KB WAV hit against nginx serving the same bytes (sendfile),
#     wrk with 64 connections, alternating rounds.
# Usage: scripts/perf/server-cost.sh [ROUNDS] [SECONDS]   (defaults 3 rounds of 10 s; prints medians and ratios)
# Environment:
#   CHORUS_PERF_PARTS=uncached,hits      what to measure (default: both); floor: the 4 KB MP3 hit only, with
#                                         three more servers in the same rounds: the build with its access log
#                                         and metrics off (lean), and the bare Armeria service of BareHit.java
#                                         (the same bytes and headers, nothing else) on the speech route's
#                                         exchange with its head coalescing (bare_streaming) and on Armeria's
#                                         cheapest exchange (bare_unary): the floor under a hit
#   CHORUS_PERF_JAR=/path/chorus-app.jar  run that build (a copy of chorus-app/target: the jar with lib/ beside it)
#                                         instead of ./chorus
#   CHORUS_PERF_BASELINE_JAR=/path/...    also run a second build, measured in the same rounds, interleaved with
#                                         the first and nginx, so both see the same machine (a before/after)
#   CHORUS_JAVA_OPTS                      reaches the servers (e.g. a JFR recording)
# The load average is printed before and after: on a busy machine compare only figures from the same run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
rounds=${1:-3}
secs=${2:-10}
port=${CHORUS_PERF_PORT:-18123}
nginx_port=$((port + 1))
base_port=$((port + 2))
parts=${CHORUS_PERF_PARTS:-uncached,hits}
work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null; rm -rf "$work"' EXIT
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
command -v nginx >/dev/null || { echo "nginx is missing: apt-get install nginx" >&2; exit 1; }

gcc -O2 -o "$work/espeak-cpu" "$root/scripts/perf/espeak-cpu.c" -l:libespeak-ng.so.1

declare -A port_for=()
start() { # NAME PORT JAR|"" [VAR=VALUE...]: starts a server, waits until ready, sets java_pid_NAME
  port_for[$1]=$2
  local cmd=("$root/chorus")
  if [ -n "$3" ]; then
    . "$root/scripts/java-env.sh" && chorus_find_java
    # shellcheck disable=SC2206
    cmd=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow
      ${CHORUS_JAVA_OPTS:-} -jar "$3")
  fi
  env "${@:4}" CHORUS_ENGINES=espeak CHORUS_DEFAULT_VOICE=espeak:en-us CHORUS_PORT=$2 "${cmd[@]}" serve \
    > "$work/$1.log" 2>&1 &
  local pid=$!
  pids+=("$pid")
  for _ in $(seq 1 240); do
    curl -sf "http://127.0.0.1:$2/readyz" >/dev/null 2>&1 && break
    sleep 1
  done
  curl -sf "http://127.0.0.1:$2/readyz" >/dev/null || { cat "$work/$1.log" >&2; exit 1; }
  printf -v "java_pid_$1" '%s' "$(pgrep -P "$pid" java || echo "$pid")"
}
start_bare() { # NAME PORT MODE FILE: starts BareHit.java with the server's libraries, sets java_pid_NAME
  port_for[$1]=$2
  . "$root/scripts/java-env.sh" && chorus_find_java
  local lib
  lib="$(dirname "${CHORUS_PERF_JAR:-$root/chorus-app/target/chorus-app.jar}")/lib"
  "$JAVA_HOME/bin/java" --sun-misc-unsafe-memory-access=allow ${CHORUS_JAVA_OPTS:-} -cp "$lib/*" \
    "$root/scripts/perf/BareHit.java" "$2" "$4" "$3" > "$work/$1.log" 2>&1 &
  pids+=("$!")
  printf -v "java_pid_$1" '%s' "$!"
  for _ in $(seq 1 60); do
    grep -q '^ready' "$work/$1.log" && return
    sleep 1
  done
  cat "$work/$1.log" >&2; exit 1
}
targets=(chorus)
start chorus "$port" "${CHORUS_PERF_JAR:-}"
if [ -n "${CHORUS_PERF_BASELINE_JAR:-}" ]; then
  targets+=(baseline)
  start baseline "$base_port" "$CHORUS_PERF_BASELINE_JAR"
fi
port_of() { echo "${port_for[$1]}"; }

cpu_ticks() { local v="java_pid_$1"; awk '{print $14 + $15}' "/proc/${!v}/stat"; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
hz=$(getconf CLK_TCK)

if [[ ",$parts," == *,uncached,* ]]; then
  # 1. Uncached: every request a new sentence, the same shape the C program speaks.
  cat > "$work/unique.lua" <<'LUA'
local n = 0
local tid = 0
setup = function(thread) tid = tid + 1; thread:set("tid", tid) end
request = function()
  n = n + 1
  local body = string.format('{"input":"Sentence number %d%d: the quick brown fox jumps over the lazy dog.",' ..
    '"voice":"espeak:en-us","response_format":"pcm","sample_rate":22050,"cache":false}', tid, n)
  return wrk.format("POST", "/v1/audio/speech", {["Content-Type"] = "application/json"}, body)
end
LUA
  for i in $(seq 1 2000); do echo "Sentence number 9$i: the quick brown fox jumps over the lazy dog."; done \
    > "$work/sentences.txt"
  engine_ms=()
  declare -A server_ms=() round_ratio=()
  for _ in 1 2 3; do # warm-up: the JIT compiles for a long time, and a compiling JVM slows the C program too
    for t in "${targets[@]}"; do
      wrk -t2 -c2 -d"${secs}s" -s "$work/unique.lua" "http://127.0.0.1:$(port_of "$t")" >/dev/null
    done
  done
  for r in $(seq 1 "$rounds"); do
    engine_ms+=("$("$work/espeak-cpu" "$work/sentences.txt" | awk '{print $4}')")
    for t in "${targets[@]}"; do
      before=$(cpu_ticks "$t")
      reqs=$(wrk -t2 -c2 -d"${secs}s" -s "$work/unique.lua" "http://127.0.0.1:$(port_of "$t")" \
        | awk '/requests in/ {print $1}')
      after=$(cpu_ticks "$t")
      ms=$(awk -v t=$((after - before)) -v n="$reqs" -v hz="$hz" 'BEGIN {printf "%.3f", 1000 * t / hz / n}')
      server_ms[$t]+="$ms "
      round_ratio[$t]+="$(ratio "$ms" "${engine_ms[-1]}") "
    done
  done
  e=$(printf '%s\n' "${engine_ms[@]}" | median)
  for t in "${targets[@]}"; do
    s=$(printf '%s\n' ${server_ms[$t]} | median)
    echo "uncached ($t): libespeak-ng alone ${e} ms CPU/sentence (rounds: ${engine_ms[*]}); server process ${s} ms CPU/request (rounds: ${server_ms[$t]% }); ratio $(ratio "$s" "$e")x (median of the rounds' own ratios $(printf '%s\n' ${round_ratio[$t]} | median)x)"
  done
fi

if [[ ",$parts," == *,hits,* || ",$parts," == *,floor,* ]]; then
  # 2. Cache hits against nginx with the same bytes.
  mkdir -p "$work/www" "$work/tmp"
  # nginx started by root serves as an unprivileged user: it must be able to reach the files (mktemp made 0700).
  chmod 755 "$work" "$work/www"
  hit() { # NAME BODY: stores the cached response's bytes as www/NAME and writes a wrk script posting BODY
    for t in "${targets[@]}"; do
      curl -sf -o /dev/null -H 'Content-Type: application/json' -d "$2" "http://127.0.0.1:$(port_of "$t")/v1/audio/speech"
    done
    curl -sf -o "$work/www/$1" -H 'Content-Type: application/json' -d "$2" "http://127.0.0.1:$port/v1/audio/speech"
    printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = [[%s]]\n' "$2" \
      > "$work/$1.lua"
  }
  hit small.mp3 '{"input":"Hi.","voice":"espeak:en-us","response_format":"mp3"}'
  hit large.wav '{"input":"The quick brown fox jumps over the lazy dog, then runs.","voice":"espeak:en-us","response_format":"wav"}'
  cat > "$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  client_body_temp_path $work/tmp; proxy_temp_path $work/tmp; fastcgi_temp_path $work/tmp;
  uwsgi_temp_path $work/tmp; scgi_temp_path $work/tmp;
  server { listen 127.0.0.1:$nginx_port; root $work/www; }
}
CONF
  nginx -c "$work/nginx.conf"
  for name in small.mp3 large.wav; do # nginx must serve the very bytes the server answers
    curl -sf "http://127.0.0.1:$nginx_port/$name" | cmp -s - "$work/www/$name" \
      || { echo "nginx does not serve $name as stored (see $work/nginx-error.log)" >&2; exit 1; }
  done
  # A round counts only if every answer was a success: a rate of errors (403, 404, 429) says nothing.
  rate() {
    local out
    out=$(cat)
    if grep -q 'Non-2xx' <<< "$out"; then
      echo "a load round got answers other than 2xx; refusing its rate:" >&2
      echo "$out" >&2
      exit 1
    fi
    awk '/Requests\/sec/ {print $2}' <<< "$out"
  }
  names=(small.mp3 large.wav)
  if [[ ",$parts," == *,floor,* ]]; then
    names=(small.mp3)
    start lean $((port + 3)) "${CHORUS_PERF_JAR:-}" CHORUS_ACCESS_LOG=false CHORUS_METRICS_ENABLED=false
    curl -sf -o /dev/null -H 'Content-Type: application/json' -d "$(sed -n 's/^wrk.body = \[\[\(.*\)\]\]$/\1/p' \
      "$work/small.mp3.lua")" "http://127.0.0.1:$((port + 3))/v1/audio/speech"
    start_bare bare_streaming $((port + 4)) streaming "$work/www/small.mp3"
    start_bare bare_unary $((port + 5)) unary "$work/www/small.mp3"
    targets+=(lean bare_streaming bare_unary)
  fi
  for name in "${names[@]}"; do
    bytes=$(stat -c %s "$work/www/$name")
    for _ in 1 2; do # warm-up: twice, as the JIT on two shared cores needs longer than one run
      for t in "${targets[@]}"; do
        wrk -t2 -c64 -d"${secs}s" -s "$work/$name.lua" "http://127.0.0.1:$(port_of "$t")/v1/audio/speech" >/dev/null
      done
    done
    declare -A c=() q=() u=()
    n=()
    for r in $(seq 1 "$rounds"); do
      declare -A this=()
      for t in "${targets[@]}"; do
        before=$(cpu_ticks "$t")
        out=$(wrk -t2 -c64 -d"${secs}s" -s "$work/$name.lua" "http://127.0.0.1:$(port_of "$t")/v1/audio/speech")
        after=$(cpu_ticks "$t")
        this[$t]=$(rate <<< "$out") || exit 1
        c[$t]+="${this[$t]} "
        # The server's CPU per hit: what a busy machine changes least (the rate depends on the CPU share it gets).
        u[$t]+="$(awk -v t=$((after - before)) -v n="$(awk '/requests in/ {print $1}' <<< "$out")" -v hz="$hz" 'BEGIN {printf "%.1f", 1e6 * t / hz / n}') "
      done
      nr=$(wrk -t2 -c64 -d"${secs}s" "http://127.0.0.1:$nginx_port/$name" | rate) || exit 1
      n+=("$nr")
      # Each round's own ratio too (measured back to back), less sensitive to load that drifts.
      for t in "${targets[@]}"; do q[$t]+="$(awk -v c="${this[$t]}" -v n="$nr" 'BEGIN {printf "%.3f", c / n}') "; done
    done
    nm=$(printf '%s\n' "${n[@]}" | median)
    for t in "${targets[@]}"; do
      cm=$(printf '%s\n' ${c[$t]} | median)
      qm=$(printf '%s\n' ${q[$t]} | median)
      um=$(printf '%s\n' ${u[$t]} | median)
      echo "cache hit $name ($bytes bytes, $t): ${cm} req/s (rounds: ${c[$t]% }); nginx ${nm} req/s (rounds: ${n[*]}); ratio $(ratio "$cm" "$nm")x (median of the rounds' own ratios ${qm}x); server CPU ${um} us/request (rounds: ${u[$t]% })"
    done
    unset c q u
  done
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
