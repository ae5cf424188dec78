#!/usr/bin/env bash
# Checks an image archive written by scripts/image/build-oci.sh, without a container daemon: unpacks it with
# umoci into a fresh directory and runs it there as a container runtime would, with bubblewrap: the image's
# user (10001), working directory, environment and entry point as umoci derives them from the image
# configuration, a read-only root file system, and writable /var/lib/chorus, /var/cache/chorus (directories of
# this machine, like volumes) and /tmp (a tmpfs). Then:
#   - `chorus say` writes a WAV with the default voice (MaryTTS HMM) and with espeak:en-us;
#   - `chorus serve` (the image's default command) turns /readyz 200, answers POST /v1/audio/speech with valid
#     audio (WAV and MP3, two engines), and the image's health check passes against it.
# Each sound file is checked with ffprobe. Exits non-zero on the first failure, with what went wrong.
#
#   scripts/image/verify-oci.sh [ARCHIVE [TAG]]   (default target/image/chorus-oci.tar and the project's version)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ARCHIVE=${1:-$ROOT/target/image/chorus-oci.tar}
VERSION=$(sed -n 's:^  <version>\(.*\)</version>:\1:p' "$ROOT/pom.xml" | head -1)
TAG=${2:-${CHORUS_IMAGE_TAG:-${VERSION%-SNAPSHOT}}}
V="$ROOT/target/image/verify"
log() { echo "verify-oci: $*" >&2; }
fail() { echo "verify-oci: FAILED: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || fail "run as root (the unpacked image keeps its owners; the check switches to uid 10001)"
for tool in umoci bwrap jq curl ffprobe python3; do
  command -v "$tool" >/dev/null || fail "$tool is missing (scripts/image/build-oci.sh installs umoci and bubblewrap; scripts/install-test-deps.sh ffmpeg)"
done
[ -f "$ARCHIVE" ] || fail "no archive $ARCHIVE: run scripts/image/build-oci.sh first"

server_pid=
cleanup() { if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi; }
trap cleanup EXIT

rm -rf "$V"
mkdir -p "$V/layout" "$V/data" "$V/cache"
tar -C "$V/layout" -xf "$ARCHIVE"
umoci unpack --image "$V/layout:$TAG" "$V/bundle" >/dev/null
RUNTIME="$V/bundle/config.json"
ROOTFS="$V/bundle/rootfs"

# The image's configuration, as a runtime reads it.
uid=$(jq -r '.process.user.uid' "$RUNTIME"); gid=$(jq -r '.process.user.gid' "$RUNTIME")
cwd=$(jq -r '.process.cwd' "$RUNTIME")
mapfile -t entry < <(jq -r '.process.args[]' "$RUNTIME")
[ "$uid:$gid" = "10001:10001" ] || fail "the image runs as $uid:$gid, not 10001:10001"
[ "${entry[*]}" = "/opt/chorus/bin/chorus serve" ] || fail "entry point and command are '${entry[*]}'"
setenv=()
while IFS= read -r kv; do setenv+=(--setenv "${kv%%=*}" "${kv#*=}"); done < <(jq -r '.process.env[]' "$RUNTIME")
chown 10001:10001 "$V/data" "$V/cache"

# A container of the image: read-only root; volumes for data and cache; a private /tmp, /proc, /dev; the host's
# network (as with --network host) and its /etc/hosts, as a runtime provides one.
in_image() {
  bwrap --ro-bind "$ROOTFS" / --ro-bind /etc/hosts /etc/hosts --proc /proc --dev /dev --perms 1777 --tmpfs /tmp \
    --bind "$V/data" /var/lib/chorus --bind "$V/cache" /var/cache/chorus \
    --unshare-pid --unshare-ipc --die-with-parent --chdir "$cwd" --clearenv "${setenv[@]}" "${extra[@]}" -- "$@"
}
extra=()
as_chorus() { in_image /usr/bin/setpriv --reuid="$uid" --regid="$gid" --clear-groups --no-new-privs "$@"; }

audio_ok() { # FILE CODEC: ffprobe decodes FILE as CODEC, at least half a second long
  local info
  info=$(ffprobe -v error -show_entries stream=codec_name,sample_rate:format=duration -of json "$1") \
    || fail "ffprobe cannot read $1"
  [ "$(jq -r '.streams[0].codec_name' <<<"$info")" = "$2" ] || fail "$1 is not $2: $info"
  jq -e '(.format.duration | tonumber) > 0.5' <<<"$info" >/dev/null || fail "$1 is too short: $info"
  log "  $(basename "$1"): $2, $(jq -r '.streams[0].sample_rate' <<<"$info") Hz, $(jq -r '.format.duration' <<<"$info") s"
}

log "java in the image: $(as_chorus java -version 2>&1 | head -1)"
as_chorus touch /opt/chorus/x 2>/dev/null && fail "the root file system is writable" || true

log "chorus say, default voice"
as_chorus "${entry[0]}" say "Hello from the Chorus image." -o /var/lib/chorus/default.wav >"$V/say-default.log" 2>&1 \
  || { tail -30 "$V/say-default.log" >&2; fail "chorus say (default voice) failed"; }
audio_ok "$V/data/default.wav" pcm_s16le
log "chorus say -v espeak:en-us"
as_chorus "${entry[0]}" say "Hello from eSpeak in the Chorus image." -v espeak:en-us -o /var/lib/chorus/espeak.wav \
  >"$V/say-espeak.log" 2>&1 || { tail -30 "$V/say-espeak.log" >&2; fail "chorus say -v espeak:en-us failed"; }
audio_ok "$V/data/espeak.wav" pcm_s16le

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log "chorus serve (the image's command) on port $port"
extra=(--setenv CHORUS_PORT "$port")
as_chorus "${entry[@]}" >"$V/serve.log" 2>&1 &
server_pid=$!
ready=
for _ in $(seq 1 180); do
  kill -0 "$server_pid" 2>/dev/null || { tail -30 "$V/serve.log" >&2; fail "chorus serve exited"; }
  if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz")" = 200 ]; then ready=1; break; fi
  sleep 1
done
[ -n "$ready" ] || { tail -30 "$V/serve.log" >&2; fail "/readyz did not answer 200 within 180 s"; }
log "  /readyz 200"
speech() { # BODY FILE
  local code
  code=$(curl -s -o "$2" -w '%{http_code}' --max-time 60 -H 'Content-Type: application/json' -d "$1" \
    "http://127.0.0.1:$port/v1/audio/speech")
  [ "$code" = 200 ] || fail "POST /v1/audio/speech $1 answered $code: $(head -c 300 "$2")"
}
speech '{"model":"tts-1","input":"The image answers over HTTP.","voice":"alloy","response_format":"wav"}' "$V/speech.wav"
audio_ok "$V/speech.wav" pcm_s16le
speech '{"model":"espeak","input":"And in MP3 from eSpeak.","voice":"en-us","response_format":"mp3"}' "$V/speech.mp3"
audio_ok "$V/speech.mp3" mp3
metrics=$(curl -s --max-time 30 "http://127.0.0.1:$port/metrics") || fail "GET /metrics failed"
for series in jvm_memory_used_bytes process_cpu_usage chorus_; do
  grep -q "^$series" <<<"$metrics" || fail "/metrics has no $series series"
done
log "  /metrics: $(grep -c -v '^#' <<<"$metrics") samples"
as_chorus /opt/chorus/bin/healthcheck || fail "the image's health check failed against the running server"
log "  health check passes"
echo "verify-oci: OK: $ARCHIVE ($TAG) runs as $uid:$gid on a read-only root: say (hmm, espeak), serve (readyz, speech, health check)"
