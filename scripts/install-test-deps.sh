#!/usr/bin/env bash
# Installs the Debian packages the tests use, only those that are missing. Safe to run again.
#   libespeak-ng1, espeak-ng-data: the espeak engine (its tests are skipped without them)
#   espeak-ng: the command-line program, for the in-process vs per-request benchmark
#   sox, ffmpeg, opus-tools, mpg123, flac: real decoders that check the audio Chorus writes
#   chromium: the headless browser that drives the web playground (chorus-server's PlaygroundBrowserTest)
#   nodejs, npm: run that browser test; it installs playwright-core itself with npm ci
#     and the client test of chorus-server's OpenAiNodeSdkTest (OpenAI's Node SDK and grpc-js, also with npm ci)
#   redis-server: a real Redis for the shared tenant rate limits and quotas (chorus-server TenantsRedisTest)
#   prometheus: for promtool, which checks deploy/prometheus/alerts.yml (19 MB download, ~40 s to install),
#     and the real Prometheus that chorus-deploy-test's LiveWorkersTest runs (its npm packages: npm ci)
#   nginx: the static file server `chorus bench --compare nginx` measures the server against
#   libpocketsphinx3, pocketsphinx-en-us: the PocketSphinx recognizer and its US English model (the back-check)
# (scripts/image/build-oci.sh, an opt-in image build, installs its own: debootstrap, umoci, skopeo, bubblewrap)
set -euo pipefail

packages=(libespeak-ng1 espeak-ng-data espeak-ng sox ffmpeg opus-tools mpg123 flac chromium prometheus redis-server
          nginx libpocketsphinx3 pocketsphinx-en-us)
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "chorus: installing test packages: ${missing[*]}" >&2
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo -n)
else
  echo "chorus: cannot install ${missing[*]}: not root and no sudo; install them and rerun" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
