#!/usr/bin/env bash
# Builds the Chorus container image without a container daemon and without a registry, as an OCI image archive:
#   a minimal Debian bookworm root file system (debootstrap --variant=minbase) with libespeak-ng1 and
#   espeak-ng-data, a Java runtime linked by jlink from the JDK 25 with only the modules Chorus needs, and the
#   program (chorus-app/target/chorus-app.jar + lib/), with the Dockerfile's user, directories, environment,
#   labels, ports, volumes, entry point and health check. umoci writes the layers and the configuration.
#
#   scripts/image/build-oci.sh [--verify] [--docker-archive] [--skip-app-build] [--fresh]
#     --verify          then run scripts/image/verify-oci.sh on the archive (unpacks it and runs it, no daemon)
#     --docker-archive  also write target/image/chorus-docker.tar (for an older `docker load`; uncompressed)
#     --skip-app-build  use chorus-app/target as it is instead of running ./mvnw package first
#     --fresh           bootstrap the Debian root file system again instead of reusing target/image/os
#   Environment: CHORUS_DEBIAN_MIRROR (default http://deb.debian.org/debian), CHORUS_IMAGE_TAG (default the
#   project's version), JAVA_HOME (a JDK 25 with jlink; found by scripts/java-env.sh otherwise).
#
# Writes target/image/chorus-oci.tar (load it with `podman load -i`, `docker load -i` (Docker 25 or later), or
# push it with `skopeo copy oci-archive:target/image/chorus-oci.tar docker://registry.example.org/chorus:TAG`).
# Needs root (debootstrap, chroot, file ownership) and the Debian archive; installs debootstrap, umoci, skopeo and
# bubblewrap with apt-get when they are missing. Safe to run again: each run rebuilds the image from its parts.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK="$ROOT/target/image"
MIRROR=${CHORUS_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SUITE=bookworm
verify=0 docker_archive=0 build_app=1 fresh=0
for arg in "$@"; do
  case "$arg" in
    --verify) verify=1 ;;
    --docker-archive) docker_archive=1 ;;
    --skip-app-build) build_app=0 ;;
    --fresh) fresh=1 ;;
    *) echo "build-oci: unknown argument '$arg' (see the header of $0)" >&2; exit 2 ;;
  esac
done
log() { echo "build-oci: $*" >&2; }
die() { echo "build-oci: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run as root: debootstrap, chroot and the image's file ownership need it"
[ "$(uname -m)" = x86_64 ] || die "this script builds linux/amd64 images on an x86_64 machine only"

# --- tools -------------------------------------------------------------------------------------------------
missing=()
for p in debootstrap debian-archive-keyring umoci skopeo bubblewrap; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
. "$ROOT/scripts/java-env.sh"
chorus_find_java
[ -x "$JAVA_HOME/bin/jlink" ] && [ -x "$JAVA_HOME/bin/jdeps" ] || die "$JAVA_HOME has no jlink/jdeps: use a full JDK 25"

VERSION=$(sed -n 's:^  <version>\(.*\)</version>:\1:p' "$ROOT/pom.xml" | head -1)
VERSION=${VERSION%-SNAPSHOT}
TAG=${CHORUS_IMAGE_TAG:-$VERSION}
REVISION=$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)
mkdir -p "$WORK"

# --- the Debian root file system (reused between runs unless --fresh) ------------------------------------------
OS="$WORK/os"
if [ "$fresh" -eq 1 ] || [ ! -f "$WORK/os.complete" ]; then
  rm -rf "$OS" "$WORK/os.complete"
  log "debootstrap --variant=minbase $SUITE from $MIRROR"
  debootstrap --variant=minbase --arch=amd64 "$SUITE" "$OS" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 \
    || { tail -20 "$WORK/debootstrap.log" >&2; die "debootstrap failed (log: $WORK/debootstrap.log)"; }
  cat >"$OS/etc/apt/sources.list" <<EOF
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb http://deb.debian.org/debian-security $SUITE-security main
EOF
  # Packages installed later (also in images built FROM this one) leave out documentation and translations.
  cat >"$OS/etc/dpkg/dpkg.cfg.d/01-chorus-slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
EOF
  cat >"$OS/etc/apt/apt.conf.d/01-chorus-slim" <<'EOF'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
EOF
  in_os() { chroot "$OS" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive "$@"; }
  log "installing libespeak-ng1 espeak-ng-data and the security updates"
  in_os apt-get update -qq
  in_os apt-get upgrade -y -qq >/dev/null
  in_os apt-get install -y -qq --no-install-recommends libespeak-ng1 espeak-ng-data >/dev/null
  in_os groupadd --system --gid 10001 chorus
  in_os useradd --system --uid 10001 --gid chorus --home-dir /var/lib/chorus --shell /usr/sbin/nologin chorus
  mkdir -p "$OS/var/lib/chorus" "$OS/var/cache/chorus" "$OS/var/lib/chorus-voices"
  chown 10001:10001 "$OS/var/lib/chorus" "$OS/var/cache/chorus" "$OS/var/lib/chorus-voices"
  # What a server does not need: package lists and caches, documentation (copyright files stay), manuals,
  # translations (the image runs in C.UTF-8, built into the C library), logs, and this machine's identity.
  in_os apt-get clean
  rm -rf "$OS"/var/lib/apt/lists/* "$OS"/var/cache/apt/* "$OS"/var/cache/debconf/*-old "$OS"/var/lib/dpkg/*-old \
         "$OS"/usr/share/man/* "$OS"/usr/share/info/* "$OS"/usr/share/locale/* "$OS"/usr/share/lintian \
         "$OS"/var/cache/ldconfig/aux-cache "$OS"/etc/resolv.conf "$OS"/etc/hostname
  find "$OS/usr/share/doc" -mindepth 1 ! -name copyright ! -type d -delete
  find "$OS/usr/share/doc" -mindepth 1 -type d -empty -delete
  find "$OS/var/log" -type f -delete
  : >"$OS/etc/machine-id"
  # Container runtimes mount their own /etc/hosts and /etc/resolv.conf; this one serves a plain chroot.
  printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$OS/etc/hosts"
  touch "$WORK/os.complete"
fi

# --- the program ---------------------------------------------------------------------------------------------
APP="$ROOT/chorus-app/target"
if [ "$build_app" -eq 1 ]; then
  log "building the program (./mvnw package)"
  (cd "$ROOT" && ./mvnw -B -ntp -q -DskipTests -pl chorus-app -am package)
fi
[ -f "$APP/chorus-app.jar" ] && [ -d "$APP/lib" ] || die "no $APP/chorus-app.jar and lib/: build it (drop --skip-app-build)"

# --- the Java runtime: jlink with the modules the program uses ------------------------------------------------
# jdeps finds the modules the classes name; these are reached by reflection or service loading instead:
#   jdk.localedata (number and date formats of other locales), jdk.charsets (legacy encodings of input
#   files), jdk.zipfs (resources inside jars as file systems), jdk.management + jdk.management.jfr + jdk.jfr
#   (the process metrics and flight recordings), jdk.naming.dns (DNS lookups through JNDI), jdk.unsupported.
EXTRA_MODULES=jdk.localedata,jdk.charsets,jdk.zipfs,jdk.management,jdk.management.jfr,jdk.jfr,jdk.naming.dns,jdk.unsupported
deps_key=$( (cd "$APP" && ls -l chorus-app.jar lib) | sha256sum | cut -c1-16)
JRE="$WORK/jre"
if [ ! -f "$JRE.modules" ] || [ "$(head -1 "$JRE.modules")" != "$deps_key" ] || [ ! -x "$JRE/bin/java" ]; then
  log "jdeps: finding the modules the program uses"
  # The program runs on the class path (java -jar), so its jars are read as plain jars: copies without their
  # module-info.class, which would make jdeps resolve them as modules.
  rm -rf "$WORK/jdeps" && mkdir -p "$WORK/jdeps"
  python3 - "$WORK/jdeps" "$APP/chorus-app.jar" "$APP"/lib/*.jar <<'PY'
import os, sys, zipfile
out = sys.argv[1]
for jar in sys.argv[2:]:
    dest = os.path.join(out, os.path.basename(jar))
    with zipfile.ZipFile(jar) as z:
        if not any(n.endswith("module-info.class") for n in z.namelist()):
            os.symlink(os.path.abspath(jar), dest)
            continue
        with zipfile.ZipFile(dest, "w") as w:
            for entry in z.infolist():
                if not entry.filename.endswith("module-info.class"):
                    w.writestr(entry, z.read(entry))
PY
  found=$(cd "$WORK/jdeps" && "$JAVA_HOME/bin/jdeps" --ignore-missing-deps --print-module-deps --multi-release 25 \
            --class-path "$WORK/jdeps/*" ./*.jar 2>"$WORK/jdeps.log") \
    || { tail -20 "$WORK/jdeps.log" >&2; die "jdeps failed"; }
  rm -rf "$WORK/jdeps"
  modules=$(echo "$found,$EXTRA_MODULES" | tr ',' '\n' | sed '/^$/d' | sort -u | paste -sd, -)
  log "jlink: $modules"
  rm -rf "$JRE"
  "$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
    --generate-cds-archive --output "$JRE"
  # The class data archive for heaps over 32 GB (no compressed object pointers): such a JVM starts without one.
  rm -f "$JRE/lib/server/classes_nocoops.jsa"
  printf '%s\n%s\n' "$deps_key" "$modules" >"$JRE.modules"
fi

# --- the image: four layers (system, Java, released libraries, Chorus) and the configuration ------------------
LAYOUT="$WORK/layout" BUNDLE="$WORK/bundle"
rm -rf "$LAYOUT" "$BUNDLE"
umoci init --layout "$LAYOUT"
umoci new --image "$LAYOUT:$TAG"
umoci unpack --image "$LAYOUT:$TAG" "$BUNDLE" >/dev/null
R="$BUNDLE/rootfs"
repack() { umoci repack --refresh-bundle --history.created_by "$1" --image "$LAYOUT:$TAG" "$BUNDLE"; }

log "layer 1: Debian $SUITE minbase + eSpeak NG"
cp -a "$OS/." "$R/"
repack "debootstrap --variant=minbase $SUITE; apt-get install libespeak-ng1 espeak-ng-data; user chorus (10001)"

log "layer 2: Java runtime"
mkdir -p "$R/opt/java"
cp -a "$JRE" "$R/opt/java/openjdk"
repack "jlink --add-modules $(sed -n 2p "$JRE.modules") --strip-debug --generate-cds-archive"

log "layer 3: released libraries"
mkdir -p "$R/opt/chorus/lib"
find "$APP/lib" -maxdepth 1 -name '*.jar' ! -name 'chorus-*' -exec cp -p {} "$R/opt/chorus/lib/" \;
# The ONNX Runtime and SQLite jars carry native libraries for every platform (macOS, Windows, Linux on ARM, musl):
# the image keeps those of linux/amd64 only, which the jars' loaders pick there.
python3 - "$R/opt/chorus/lib" <<'PY'
import glob, os, shutil, sys, zipfile
natives = {"onnxruntime-": ("ai/onnxruntime/native/", "ai/onnxruntime/native/linux-x64/"),
           "sqlite-jdbc-": ("org/sqlite/native/", "org/sqlite/native/Linux/x86_64/")}
for jar in sorted(glob.glob(os.path.join(sys.argv[1], "*.jar"))):
    rule = next((r for p, r in natives.items() if os.path.basename(jar).startswith(p)), None)
    if rule is None:
        continue
    prefix, kept = rule
    with zipfile.ZipFile(jar) as z, zipfile.ZipFile(jar + ".tmp", "w") as w:
        for entry in z.infolist():
            n = entry.filename
            if not n.startswith(prefix) or n.startswith(kept) or kept.startswith(n):
                w.writestr(entry, z.read(entry))
    shutil.copystat(jar, jar + ".tmp")
    before = os.path.getsize(jar)
    os.replace(jar + ".tmp", jar)
    print(f"build-oci:   {os.path.basename(jar)}: {kept} only, {before / 1e6:.1f} -> {os.path.getsize(jar) / 1e6:.1f} MB",
          file=sys.stderr)
PY
repack "COPY chorus-app/target/lib/ (released libraries; native libraries of linux/amd64 only) /opt/chorus/lib/"

log "layer 4: Chorus"
find "$APP/lib" -maxdepth 1 -name 'chorus-*.jar' -exec cp -p {} "$R/opt/chorus/lib/" \;
cp -p "$APP/chorus-app.jar" "$R/opt/chorus/chorus-app.jar"
mkdir -p "$R/opt/chorus/bin"
install -m 0755 "$ROOT/deploy/docker/chorus" "$R/opt/chorus/bin/chorus"
install -m 0755 "$ROOT/deploy/docker/healthcheck" "$R/opt/chorus/bin/healthcheck"
chown -R 0:0 "$R/opt/chorus"
repack "COPY chorus-app.jar, chorus-*.jar, deploy/docker/{chorus,healthcheck} /opt/chorus/"

# The same configuration as the Dockerfile's runtime stage.
log "configuration"
config=(--config.user 10001:10001 --config.workingdir /var/lib/chorus
        --config.entrypoint /opt/chorus/bin/chorus --config.cmd serve
        --config.exposedports 8080/tcp --config.exposedports 8081/tcp
        --config.volume /var/lib/chorus --config.volume /var/cache/chorus --config.volume /tmp
        --config.env CHORUS_HOST=0.0.0.0 --config.env CHORUS_PORT=8080
        --config.env CHORUS_DATA_DIR=/var/lib/chorus --config.env CHORUS_VOICES=/var/lib/chorus-voices
        --config.env XDG_CACHE_HOME=/var/cache/chorus --config.env HOME=/var/lib/chorus
        --config.env JAVA_HOME=/opt/java/openjdk --config.env LANG=C.UTF-8
        --config.env PATH=/opt/chorus/bin:/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
        --config.label "org.opencontainers.image.title=Chorus"
        --config.label "org.opencontainers.image.description=Self-hosted text-to-speech: OpenAI-compatible REST and SSE, gRPC, Wyoming and MaryTTS APIs over MaryTTS, eSpeak NG and ONNX voices"
        --config.label "org.opencontainers.image.version=$VERSION"
        --config.label "org.opencontainers.image.revision=$REVISION"
        --config.label "org.opencontainers.image.base.name=debian:$SUITE (debootstrap --variant=minbase)"
        --author "Chorus" --os linux --architecture amd64)
umoci config "${config[@]}" --history.created_by "configuration (scripts/image/build-oci.sh)" \
  --image "$LAYOUT:$TAG"

# HEALTHCHECK is Docker's field of the image configuration (the OCI one has none; Kubernetes uses its probes):
# added as Docker writes it, so that `docker load` and `podman run` of this image check /healthz as well.
python3 - "$LAYOUT" "$TAG" <<'EOF'
import hashlib, json, os, sys
layout, tag = sys.argv[1], sys.argv[2]
def blob(digest): return os.path.join(layout, "blobs", *digest.split(":"))
def put(data):
    d = "sha256:" + hashlib.sha256(data).hexdigest()
    with open(blob(d), "wb") as f: f.write(data)
    return d, len(data)
index = json.load(open(os.path.join(layout, "index.json")))
entry = next(m for m in index["manifests"] if m["annotations"]["org.opencontainers.image.ref.name"] == tag)
manifest = json.load(open(blob(entry["digest"])))
config = json.load(open(blob(manifest["config"]["digest"])))
second = 1_000_000_000
config["config"]["Healthcheck"] = {"Test": ["CMD", "/opt/chorus/bin/healthcheck"], "Interval": 15 * second,
                                   "Timeout": 6 * second, "StartPeriod": 60 * second, "Retries": 3}
manifest["config"]["digest"], manifest["config"]["size"] = put(json.dumps(config, separators=(",", ":")).encode())
entry["digest"], entry["size"] = put(json.dumps(manifest, separators=(",", ":")).encode())
with open(os.path.join(layout, "index.json"), "w") as f: json.dump(index, f, separators=(",", ":"))
EOF
umoci gc --layout "$LAYOUT"

# --- the archives ----------------------------------------------------------------------------------------------
ARCHIVE="$WORK/chorus-oci.tar"
tar -C "$LAYOUT" --sort=name --owner=0 --group=0 --numeric-owner -cf "$ARCHIVE.tmp" oci-layout index.json blobs
mv "$ARCHIVE.tmp" "$ARCHIVE"
skopeo inspect --raw "oci-archive:$ARCHIVE:$TAG" >/dev/null || die "skopeo cannot read $ARCHIVE"
if [ "$docker_archive" -eq 1 ]; then
  rm -f "$WORK/chorus-docker.tar"
  skopeo copy -q "oci-archive:$ARCHIVE:$TAG" "docker-archive:$WORK/chorus-docker.tar:chorus:$TAG"
fi

# --- sizes -----------------------------------------------------------------------------------------------------
manifest=$(skopeo inspect --raw "oci-archive:$ARCHIVE:$TAG")
compressed=$(echo "$manifest" | jq '[.layers[].size] | add')
unpacked=$(du -sb --apparent-size "$R" | cut -f1)
mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1000000 }'; }
{
  echo "image        chorus:$TAG (linux/amd64), $ARCHIVE"
  echo "archive      $(mb "$(stat -c %s "$ARCHIVE")")"
  echo "compressed   $(mb "$compressed") in $(echo "$manifest" | jq '.layers | length') layers (what a registry stores and a pull downloads):"
  echo "$manifest" | jq -r '.layers[].size' | paste -d' ' - <(printf '%s\n' "system: Debian $SUITE minbase + eSpeak NG" \
      "Java runtime (jlink)" "released libraries" "Chorus") | while read -r size name; do
    echo "               $(mb "$size")  $name"; done
  echo "unpacked     $(mb "$unpacked"): system $(mb "$(du -sb --apparent-size --exclude=opt "$R" | cut -f1)"), Java $(mb "$(du -sb --apparent-size "$R/opt/java" | cut -f1)"), /opt/chorus $(mb "$(du -sb --apparent-size "$R/opt/chorus" | cut -f1)")"
  echo "java modules $(sed -n 2p "$JRE.modules")"
} | tee "$WORK/size.txt"

if [ "$verify" -eq 1 ]; then
  "$ROOT/scripts/image/verify-oci.sh" "$ARCHIVE" "$TAG"
fi
