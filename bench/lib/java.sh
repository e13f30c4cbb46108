# Sourced by the side-by-side scripts: finds a Java of at least 21 (JAVA, JAVA_HOME, Temurin 25/21, PATH).
# Needs a die() function in the sourcing script.
java_major() { "$1" -version 2>&1 | awk -F'"' '/version/ {split($2, v, "."); print (v[1] == 1 ? v[2] : v[1]); exit}'; }
find_java() {
  local c
  for c in "${JAVA:-}" "${JAVA_HOME:+$JAVA_HOME/bin/java}" /usr/lib/jvm/temurin-25-jdk-amd64/bin/java \
           /usr/lib/jvm/temurin-21-jdk-amd64/bin/java "$(command -v java || true)"; do
    if [ -n "$c" ] && [ -x "$c" ] && [ "$(java_major "$c")" -ge 21 ] 2>/dev/null; then echo "$c"; return; fi
  done
  die "no Java >= 21 found (set JAVA=/path/to/java)"
}
