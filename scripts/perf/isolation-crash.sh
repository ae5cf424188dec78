#!/usr/bin/env bash
# The crash test of engine isolation (run through scripts/perf/isolation.sh crash [SECONDS]; see its header).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
seconds=${1:-60}
port=${CHORUS_PERF_PORT:-18135}
. "$root/scripts/java-env.sh"
chorus_find_java
app="$root/chorus-app"
if [ ! -f "$app/target/chorus-app.jar" ] || [ ! -f "$app/target/test-classes/dev/chorus/app/isolation/CrashEngineProvider.class" ]; then
  (cd "$root" && ./mvnw -q -B -o -DskipTests -pl chorus-app -am package >&2)
fi
work=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; sleep 1; rm -rf "$work"' EXIT
mkdir -p "$work/engine/META-INF/services" "$work/out"
echo dev.chorus.app.isolation.CrashEngineProvider > "$work/engine/META-INF/services/dev.chorus.tts.spi.TtsEngineProvider"
cat > "$work/chorus.yaml" <<YAML
server:
  port: $port
engines:
  enabled: crash
  default-voice: crash:a
  isolation: process
  isolated: crash
  quarantine: 10m
  workers: 2
limits: # four clients on two workers: they queue (this measures isolation, not admission)
  max-queue-wait-ratio: 0
  admission-wait: 30s
cache:
  enabled: false
  sentence:
    max-bytes: 0
jobs:
  enabled: false
YAML
(cd "$work" && CHORUS_LOG_FORMAT=text exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
  -XX:-CreateCoredumpOnCrash -cp "$app/target/chorus-app.jar:$app/target/test-classes:$work/engine" \
  dev.chorus.app.Main serve --config "$work/chorus.yaml" > "$work/server.log" 2>&1) &
server=$!
for _ in $(seq 1 180); do
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 1
done
curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || { cat "$work/server.log" >&2; exit 1; }

text() { # WORD: eight sentences of six words
  local t="" c
  for c in red green blue white black pink gold grey; do t="$t$1 $c sky and $c sea. "; done
  echo "${t% }"
}
speak() { # TEXT OUT: prints the status, or why no complete answer came
  local code rc=0
  code=$(curl -s -m 120 -o "$2" -D "$2.h" -w '%{http_code}' -H 'Content-Type: application/json' \
    -d "{\"input\":\"$1\",\"voice\":\"crash:a\",\"response_format\":\"wav\",\"sample_rate\":16000}" \
    "http://127.0.0.1:$port/v1/audio/speech") || rc=$?
  if [ "$rc" -ne 0 ]; then echo "no-complete-answer(curl-exit-$rc,status-${code:-none})"; else echo "$code"; fi
}
printable() { head -c 200 "$1" 2>/dev/null | tr -d '\0' | tr -c '[:print:]' ' '; }
for c in 1 2 3; do
  [ "$(speak "$(text "client$c")" "$work/ref$c.wav")" = 200 ] || { echo "reference $c failed" >&2; exit 1; }
done
end=$(( $(date +%s) + seconds ))
client() { # N
  local t i=0 s
  t=$(text "client$1")
  while [ "$(date +%s)" -lt "$end" ]; do
    i=$((i + 1))
    s=$(speak "$t" "$work/out/$1.$i")
    if [ "$s" = 200 ]; then
      cmp -s "$work/out/$1.$i" "$work/ref$1.wav" && echo "200 equal" || echo "200 MISMATCH"
    elif [ "$s" = 503 ] && grep -qi '^retry-after:' "$work/out/$1.$i.h"; then
      echo "503 with Retry-After"
    else
      echo "$s $(printable "$work/out/$1.$i")"
    fi
    rm -f "$work/out/$1.$i" "$work/out/$1.$i.h"
  done > "$work/client$1.txt"
}
poison() {
  local i=0 p s half=$(( $(date +%s) + seconds / 2 ))
  while [ "$(date +%s)" -lt "$end" ]; do
    i=$((i + 1))
    p="Say this then crashnow please"
    [ "$(date +%s)" -ge "$half" ] && [ $((i % 2)) = 0 ] && p="Another one crashnow here"
    s=$(speak "$p" "$work/out/p.$i")
    echo "$s $(grep -o '"code":"[a-z_]*"' "$work/out/p.$i" | head -1) ($p)"
    rm -f "$work/out/p.$i" "$work/out/p.$i.h"
    sleep 2
  done > "$work/poison.txt"
}
alive=yes
watch() {
  while [ "$(date +%s)" -lt "$end" ]; do
    kill -0 "$server" 2>/dev/null || { echo no > "$work/alive"; return; }
    sleep 0.5
  done
  echo yes > "$work/alive"
}
watch & w=$!
client 1 & c1=$!; client 2 & c2=$!; client 3 & c3=$!
sleep 0.2
poison & p=$!
wait "$c1" "$c2" "$c3" "$p" "$w"
alive=$(cat "$work/alive")
kill -0 "$server" 2>/dev/null || alive=no
echo "crash test, 4 clients for ${seconds} s (3 innocent texts compared byte for byte with an uncrashed run, 1 sending poison inputs):"
echo "  innocent answers:"; cat "$work"/client?.txt | sort | uniq -c | sed 's/^/    /'
echo "  poison answers:"; sort "$work/poison.txt" | uniq -c | sed 's/^/    /'
echo "  server process alive throughout: $alive"
echo "  the supervisor's lines:"
grep -E 'engine host 1 (\(pid|restarted)|hung:|waited longer' "$work/server.log" | sed -E 's/\(report [^)]*\)//; s/^/    /' | cut -c1-200
curl -s "http://127.0.0.1:$port/metrics" | grep -E '^chorus_engine_(host_(crashes|restarts|hangs|reruns)_total|quarantined_(inputs|voices)|quarantine_refusals_total)' | sed 's/^/  /'
