#!/usr/bin/env bash
# Measures what the server costs around the engine, from outside, with wrk (Debian) as the load generator:
#  1. uncached one-sentence eSpeak NG requests: the server process's CPU per request (from /proc) against
#     libespeak-ng's own CPU for the same sentences in a small C program (espeak-cpu.c);
#  2. cache hits: requests/s of a ~4 KB MP3 and a ~128 KB WAV hit against nginx serving the same bytes (sendfile),
#     wrk with 64 connections, alternating rounds.
# Usage: scripts/perf/server-cost.sh [ROUNDS] [SECONDS]   (defaults 3 rounds of 10 s; prints medians and ratios)
# Environment: CHORUS_PERF_PARTS=uncached,hits (the default runs both); CHORUS_PERF_JAR=/path/chorus-app.jar runs
# that build (a copy of chorus-app/target with its lib/ beside it) instead of ./chorus, to compare two builds in
# one sitting; CHORUS_JAVA_OPTS reaches the server (e.g. a JFR recording). The load average is printed before and
# after: on a busy machine compare only ratios measured in the same run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
rounds=${1:-3}
secs=${2:-10}
port=${CHORUS_PERF_PORT:-18123}
nginx_port=$((port + 1))
work=$(mktemp -d)
trap 'kill "$server_pid" 2>/dev/null || true; [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null; rm -rf "$work"' EXIT
parts=${CHORUS_PERF_PARTS:-uncached,hits}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
command -v nginx >/dev/null || { echo "nginx is missing: apt-get install nginx" >&2; exit 1; }

gcc -O2 -o "$work/espeak-cpu" "$root/scripts/perf/espeak-cpu.c" -l:libespeak-ng.so.1

chorus_cmd=("$root/chorus")
if [ -n "${CHORUS_PERF_JAR:-}" ]; then
  . "$root/scripts/java-env.sh" && chorus_find_java
  # shellcheck disable=SC2206
  chorus_cmd=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow
    ${CHORUS_JAVA_OPTS:-} -jar "$CHORUS_PERF_JAR")
fi
CHORUS_ENGINES=espeak CHORUS_DEFAULT_VOICE=espeak:en-us CHORUS_PORT=$port "${chorus_cmd[@]}" serve \
  > "$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 1
done
curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || { cat "$work/server.log" >&2; exit 1; }
java_pid=$(pgrep -P "$server_pid" java || echo "$server_pid")

cpu_ticks() { awk '{print $14 + $15}' "/proc/$java_pid/stat"; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
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
for i in $(seq 1 2000); do echo "Sentence number 9$i: the quick brown fox jumps over the lazy dog."; done > "$work/sentences.txt"
engine_ms=()
for r in $(seq 1 "$rounds"); do
  engine_ms+=("$("$work/espeak-cpu" "$work/sentences.txt" | awk '{print $4}')")
done
wrk -t2 -c2 -d"${secs}s" -s "$work/unique.lua" "http://127.0.0.1:$port" >/dev/null # warm-up
server_ms=()
for r in $(seq 1 "$rounds"); do
  before=$(cpu_ticks)
  reqs=$(wrk -t2 -c2 -d"${secs}s" -s "$work/unique.lua" "http://127.0.0.1:$port" | awk '/requests in/ {print $1}')
  after=$(cpu_ticks)
  server_ms+=("$(awk -v t=$((after - before)) -v n="$reqs" -v hz="$hz" 'BEGIN {printf "%.3f", 1000 * t / hz / n}')")
done
e=$(printf '%s\n' "${engine_ms[@]}" | median)
s=$(printf '%s\n' "${server_ms[@]}" | median)
echo "uncached: libespeak-ng alone ${e} ms CPU/sentence (rounds: ${engine_ms[*]}); server process ${s} ms CPU/request (rounds: ${server_ms[*]}); ratio $(awk -v s="$s" -v e="$e" 'BEGIN {printf "%.2f", s / e}')x"
fi

if [[ ",$parts," == *,hits,* ]]; then
# 2. Cache hits against nginx with the same bytes.
mkdir -p "$work/www"
hit() { # NAME BODY: stores the cached response's bytes as www/NAME and writes a wrk script posting BODY
  curl -sf -o /dev/null -H 'Content-Type: application/json' -d "$2" "http://127.0.0.1:$port/v1/audio/speech"
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
mkdir -p "$work/tmp"
nginx -c "$work/nginx.conf"
for name in small.mp3 large.wav; do
  bytes=$(stat -c %s "$work/www/$name")
  wrk -t2 -c64 -d"${secs}s" -s "$work/$name.lua" "http://127.0.0.1:$port/v1/audio/speech" >/dev/null # warm-up
  c=(); n=()
  for r in $(seq 1 "$rounds"); do
    c+=("$(wrk -t2 -c64 -d"${secs}s" -s "$work/$name.lua" "http://127.0.0.1:$port/v1/audio/speech" | awk '/Requests\/sec/ {print $2}')")
    n+=("$(wrk -t2 -c64 -d"${secs}s" "http://127.0.0.1:$nginx_port/$name" | awk '/Requests\/sec/ {print $2}')")
  done
  cm=$(printf '%s\n' "${c[@]}" | median)
  nm=$(printf '%s\n' "${n[@]}" | median)
  # Each round's own ratio too (chorus and nginx measured back to back), less sensitive to load that drifts.
  q=(); for i in "${!c[@]}"; do q+=("$(awk -v c="${c[$i]}" -v n="${n[$i]}" 'BEGIN {printf "%.3f", c / n}')"); done
  qm=$(printf '%s\n' "${q[@]}" | median)
  echo "cache hit $name ($bytes bytes): chorus ${cm} req/s (rounds: ${c[*]}); nginx ${nm} req/s (rounds: ${n[*]}); ratio $(awk -v c="$cm" -v n="$nm" 'BEGIN {printf "%.2f", c / n}')x (median of the rounds' own ratios ${qm}x)"
done
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
