#!/usr/bin/env bash
# Builds chorus-bench and runs JMH with the given arguments, e.g.
#   scripts/bench.sh EngineThroughputBenchmark -t 2
#   scripts/bench.sh EspeakProcessBenchmark -rf json -rff target/espeak.json
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/scripts/java-env.sh"
chorus_find_java
cd "$root"
./mvnw -q -B -DskipTests -pl chorus-bench -am package >&2
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
  -cp "chorus-bench/target/chorus-bench-0.1.0-SNAPSHOT.jar:chorus-bench/target/lib/*" org.openjdk.jmh.Main "$@"
