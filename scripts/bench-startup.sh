#!/usr/bin/env bash
# Start-up to first audio of `chorus say`: process wall time of speaking one short sentence, per voice.
# Prints the median, min and max of N runs (default 7) for each voice, measured in this one command.
#   scripts/bench-startup.sh [N]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-7}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
"$root/chorus" say "Warm up." -o "$out/warm.wav" -q   # builds if needed; fills the engine cache

for voice in hmm:cmu-slt-hsmm espeak:en-us; do
  times=()
  for _ in $(seq "$runs"); do
    t0=$(date +%s%N)
    "$root/chorus" say "Hello." -v "$voice" -o "$out/x.wav" -q
    t1=$(date +%s%N)
    times+=($(( (t1 - t0) / 1000000 )))
  done
  sorted=($(printf '%s\n' "${times[@]}" | sort -n))
  echo "$voice: median ${sorted[$(( runs / 2 ))]} ms, min ${sorted[0]} ms, max ${sorted[$(( runs - 1 ))]} ms over $runs runs"
done
