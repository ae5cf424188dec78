# Finds a JDK 25 or newer and exports JAVA_HOME; sourced by ./chorus and ./test.
# Order: $JAVA_HOME if it is 25+, then the Temurin 25 JDK in /usr/lib/jvm, then any other JDK 25+ there.

chorus_java_version() { # prints the feature version of the java binary $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -1
}

chorus_find_java() {
  local candidate v
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk* /usr/lib/jvm/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    v=$(chorus_java_version "$candidate/bin/java")
    if [ -n "$v" ] && [ "$v" -ge 25 ]; then
      export JAVA_HOME="$candidate"
      return 0
    fi
  done
  echo "chorus: JDK 25 not found. Install a JDK 25 (e.g. Temurin 25 in /usr/lib/jvm/temurin-25-jdk-amd64)" \
       "or set JAVA_HOME to one. JAVA_HOME is now '${JAVA_HOME:-unset}'." >&2
  return 1
}
