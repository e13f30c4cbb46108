#!/usr/bin/env bash
# YARA side by side: Vigil (`vigil yara`), yara 4.5.2 and YARA-X (yrx-scan) on the same rules and the same files.
#
# Per rule set (signature-base, Yara-Rules index.yar) and engine, median of N runs:
#   compile time  wall time of a run over one empty file (process start + rule compilation)
#   scan time     wall time of a run over the whole corpus (includes the compile)
#   throughput    corpus bytes / (scan time - compile time)
#   matches       rule matches reported (must agree before speeds mean anything)
# and the ratios Vigil/yara and YARA-X/yara. Writes a table to stdout and a markdown file under bench/target/.
#
# Fairness: every engine reads the same single rules file per set (the set's files concatenated, includes expanded,
# so that YARA-X's loader sees what yara sees), defines the externals signature-base uses (filename, filepath,
# extension, filetype, owner as empty strings, as yrx-scan does), scans the same files one at a time on the same one
# CPU (taskset; yara and vigil with -p 1; yrx-scan is single-threaded), with warnings off.
#
# Usage: bench/run-yara-side-by-side.sh [--reps N] [--size-mb N] [--sets signature-base,yara-rules]
#                                       [--cpu N|none] [--skip-vigil] [--skip-yara] [--skip-yarax]
#                                       [--vigil cli|jar]
# --vigil cli (the default) runs Vigil as a user does, through the ./vigil launcher (its JVM options, its start-up
# cache, C1 only for targets under 256 MiB); --vigil jar runs `java -XX:+UseSerialGC -jar cli/target/vigil.jar`.
set -euo pipefail

REPS=3
SIZE_MB=64
SETS=signature-base,yara-rules
CPU=auto
SKIP_VIGIL=0
VIGIL_MODE=cli
SKIP_YARA=0
SKIP_YARAX=0
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) REPS=$2; shift 2 ;;
    --size-mb) SIZE_MB=$2; shift 2 ;;
    --sets) SETS=$2; shift 2 ;;
    --cpu) CPU=$2; shift 2 ;;
    --skip-vigil) SKIP_VIGIL=1; shift ;;
    --vigil) VIGIL_MODE=$2; shift 2 ;;
    --skip-yara) SKIP_YARA=1; shift ;;
    --skip-yarax) SKIP_YARAX=1; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGET=$ROOT/bench/target
SHARED=${VIGIL_SHARED:-$ROOT/../shared}
YARA=${YARA:-/usr/bin/yara}
YRX=${YRX:-/opt/vigil-oracles/yara-x/yrx-scan}
TIME=/usr/bin/time
JAR=$ROOT/cli/target/vigil.jar
mkdir -p "$TARGET"
cd "$ROOT"

die() { echo "run-yara-side-by-side: $*" >&2; exit 2; }
[ -x "$TIME" ] || die "GNU time is needed at $TIME (apt-get install time)"
[ "$SKIP_YARA" = 1 ] || [ -x "$YARA" ] || die "yara not found at $YARA (set YARA=...)"
[ "$SKIP_YARAX" = 1 ] || [ -x "$YRX" ] || die "yrx-scan not found at $YRX (set YRX=..., or --skip-yarax)"
[ -d "$SHARED/signatures/yara" ] || die "rule sets not found under $SHARED/signatures/yara (set VIGIL_SHARED=...)"

# --- a Java of at least 21, and the vigil jar -----------------------------------------------------------------------
. "$ROOT/bench/lib/java.sh"
if [ "$SKIP_VIGIL" = 0 ]; then
  JAVA_BIN=$(find_java)
  if [ ! -f "$JAR" ] || [ -n "$(find engine/src/main yara/src/main cli/src/main -newer "$JAR" -type f -print -quit)" ]; then
    echo "== building cli"
    ./mvnw -q -B -o -pl cli -am package -DskipTests || ./mvnw -q -B -pl cli -am package -DskipTests
  fi
fi
VIGIL_JAVA_OPTS=${VIGIL_JAVA_OPTS:--XX:+UseSerialGC}

# --- rules: one flat file per set ----------------------------------------------------------------------------------
# expand FILE: prints FILE with its include lines replaced by the included files (recursively, relative paths), each
# preceded by a "// vigil-bench-file: PATH" marker; files listed in $DROPPED are left out.
expand() {
  local file=$1 dir line inc
  dir=$(dirname "$file")
  echo "// vigil-bench-file: $file"
  while IFS= read -r line || [ -n "$line" ]; do
    if [[ $line =~ ^[[:space:]]*include[[:space:]]+\"([^\"]+)\" ]]; then
      inc=${BASH_REMATCH[1]}
      [[ $inc == /* ]] || inc=$dir/$inc
      inc=$(realpath -m "$inc")
      grep -qxF "$inc" "$DROPPED" 2>/dev/null || expand "$inc"
      echo
    else
      printf '%s\n' "$line"
    fi
  done < "$file"
}
RULES_DIR=$TARGET/yara-rules-flat
mkdir -p "$RULES_DIR"
EMPTY=$TARGET/empty-file
: > "$EMPTY"
# rules_file SET: one flat rules file for SET (cached). Rule files that YARA-X refuses (it is stricter than yara, e.g.
# about types in Yara-Rules) are dropped for every engine, so that all three run the same rules; the dropped files are
# listed in SET.dropped and in the report.
rules_file() {
  local set=$1 out=$RULES_DIR/$1.yar line bad
  DROPPED=$RULES_DIR/$1.dropped
  if [ ! -s "$out" ]; then
    : > "$DROPPED"
    while :; do
      case "$set" in
        signature-base)
          find "$SHARED/signatures/yara/signature-base/yara" -name '*.yar' -type f | sort | while read -r f; do
            grep -qxF "$f" "$DROPPED" || { echo "// vigil-bench-file: $f"; cat "$f"; echo; }; done > "$out.tmp" ;;
        yara-rules) expand "$(realpath "$SHARED/signatures/yara/yara-rules/index.yar")" > "$out.tmp" ;;
        *) die "unknown rule set: $set" ;;
      esac
      [ "$SKIP_YARAX" = 0 ] || break
      line=$("$YRX" "$out.tmp" "$EMPTY" 2>&1 >/dev/null | sed -n 's/.*--> line:\([0-9]*\):.*/\1/p' | head -1)
      [ -n "$line" ] || break
      bad=$(head -n "$line" "$out.tmp" | sed -n 's|^// vigil-bench-file: ||p' | tail -1)
      [ -n "$bad" ] && ! grep -qxF "$bad" "$DROPPED" || die "YARA-X refuses $out.tmp at line $line"
      echo "   YARA-X refuses $bad (line $line of the flat file): dropped for every engine" >&2
      echo "$bad" >> "$DROPPED"
    done
    mv "$out.tmp" "$out"
  fi
  echo "$out"
}
DEFINES=(-d filename= -d filepath= -d extension= -d filetype= -d owner=)

# --- corpus (cached): system ELF files, plus the PE files of the YARA difftest corpus when it was built ------------
CORPUS=$TARGET/yara-corpus-${SIZE_MB}mb
if [ ! -f "$CORPUS.complete" ]; then
  echo "== building corpus $CORPUS"
  rm -rf "$CORPUS"; mkdir -p "$CORPUS"
  # take_files BUDGET: copies files named on stdin into the corpus while they fit into BUDGET bytes
  take_files() {
    local budget=$1 f size
    while read -r f; do
      size=$(stat -c %s "$f")
      [ "$size" -le "$budget" ] || continue
      budget=$((budget - size))
      cp "$f" "$CORPUS/$(sha256sum <<< "$f" | cut -c1-8)-$(basename "$f")"
      [ "$budget" -gt 65536 ] || break
    done
    echo "$budget"
  }
  is_pe() { [ "$(head -c 2 "$1" 2>/dev/null)" = MZ ]; }
  pe_files() {
    find "$ROOT/difftest/target/yara-corpus/debs" -type f -size +0 2>/dev/null | sort | while read -r f; do
      if is_pe "$f"; then echo "$f"; fi; done
  }
  total=$((SIZE_MB * 1024 * 1024))
  # PE files (from the difftest's Debian packages) fill at most half; system binaries the rest
  left=$(pe_files | take_files $((total / 2)) || true)
  find /usr/bin /usr/lib/x86_64-linux-gnu -maxdepth 1 -type f -size +0 -size -8M 2>/dev/null \
    | sort -R --random-source=<(yes) | { take_files $((total / 2 + ${left:-0})) > /dev/null; } || true
  touch "$CORPUS.complete"
fi
CORPUS_BYTES=$(find "$CORPUS" -type f -printf '%s\n' | awk '{s += $1} END {print s}')
CORPUS_FILES=$(find "$CORPUS" -type f | wc -l)
if [ "$CPU" = auto ]; then CPU=$(( $(nproc) - 1 )); fi
PIN=()
if [ "$CPU" != none ] && command -v taskset >/dev/null; then PIN=(taskset -c "$CPU"); fi

RUNS=$TARGET/yara-side-by-side-runs
rm -rf "$RUNS"; mkdir -p "$RUNS"
# measure NAME CMD...: runs CMD pinned; records "wall user sys maxrss_kb rc" in $RUNS/NAME.time
measure() {
  local name=$1; shift
  local rc=0
  "$TIME" -f '%e %U %S %M' -o "$RUNS/$name.t" "${PIN[@]}" "$@" > "$RUNS/$name.out" 2> "$RUNS/$name.err" || rc=$?
  echo "$(tail -1 "$RUNS/$name.t") $rc" > "$RUNS/$name.time"
}
engine_cmd() { # engine rules -> the command line prefix (the target follows)
  case "$1" in
    yara) echo "$YARA -w -p 1 ${DEFINES[*]} $2" ;;
    vigil)
      if [ "$VIGIL_MODE" = jar ]; then
        echo "$JAVA_BIN $VIGIL_JAVA_OPTS -jar $JAR yara -w -p 1 ${DEFINES[*]} $2"
      else
        echo "$ROOT/vigil yara -w -p 1 ${DEFINES[*]} $2"
      fi ;;
    yarax) echo "$YRX $2" ;;
  esac
}
ENGINES=()
[ "$SKIP_YARA" = 1 ] || ENGINES+=(yara)
[ "$SKIP_VIGIL" = 1 ] || ENGINES+=(vigil)
[ "$SKIP_YARAX" = 1 ] || ENGINES+=(yarax)

if [ "$SKIP_VIGIL" != 1 ] && [ "$VIGIL_MODE" = cli ]; then
  # the launcher builds what is stale and trains its start-up caches on first use: not part of any measured run
  "$ROOT/vigil" yara -w "$EMPTY" "$EMPTY" >/dev/null 2>&1 || true
fi
echo "== corpus: $CORPUS_FILES files, $CORPUS_BYTES bytes; CPU: $CPU; $REPS repetitions; engines: ${ENGINES[*]}; vigil via $VIGIL_MODE"
IFS=, read -r -a SET_LIST <<< "$SETS"
for set in "${SET_LIST[@]}"; do
  rules=$(rules_file "$set")
  for i in $(seq 1 "$REPS"); do
    for e in "${ENGINES[@]}"; do
      read -r -a cmd <<< "$(engine_cmd "$e" "$rules")"
      measure "$set-$e-compile-$i" "${cmd[@]}" "$EMPTY"
      if [ "$e" = yarax ]; then
        measure "$set-$e-scan-$i" "${cmd[@]}" "$CORPUS"
      else
        measure "$set-$e-scan-$i" "${cmd[@]}" -r "$CORPUS"
      fi
      echo "   $set run $i $e: compile $(cut -d' ' -f1 "$RUNS/$set-$e-compile-$i.time") s, scan $(cut -d' ' -f1 "$RUNS/$set-$e-scan-$i.time") s"
    done
  done
done

# --- report ---------------------------------------------------------------------------------------------------------
values() { { cat "$RUNS"/$1-*.time 2>/dev/null || true; } | awk -v f="$2" '{print $f}'; }
median() { sort -g | awk '{a[NR] = $1} END {if (NR == 0) print "nan"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
failed() { values "$1" 5 | awk '$1 != 0 {bad = 1} END {exit !bad}'; }
fmt() { awk -v v="$1" -v p="${2:-2}" 'BEGIN {if (v == "nan" || v == "") print "n/a"; else printf "%.*f", p, v}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a == "nan" || b == "nan" || a == "" || b == "" || b + 0 == 0) print "n/a"; else printf "%.2f", a / b}'; }
throughput() { awk -v s="$1" -v l="$2" -v n="$CORPUS_BYTES" 'BEGIN {if (s == "nan" || l == "nan" || s - l <= 0) print "nan"; else print n / 1e6 / (s - l)}'; }

STAMP=$(date -u +%Y%m%d-%H%M%S)
MD=$TARGET/yara-side-by-side-$STAMP.md
CPU_MODEL=$(lscpu 2>/dev/null | awk -F: '/Model name/ {sub(/^ +/, "", $2); print $2; exit}')
{
  echo "# Vigil vs yara 4.5.2 vs YARA-X, side by side ($STAMP UTC)"
  echo
  echo "Machine: $(nproc) CPUs ($CPU_MODEL), $(uname -sr); each engine pinned to CPU $CPU, one file at a time."
  echo "Corpus: $CORPUS_FILES files, $(awk -v n="$CORPUS_BYTES" 'BEGIN {printf "%.1f MB", n / 1e6}'). Medians of $REPS runs; load average now: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "Compile time = a run over one empty file (process start included); throughput = corpus bytes / (scan - compile),"
  echo "except for YARA-X, whose throughput is corpus bytes / the scan time yrx-scan measures inside its process."
  echo
  echo "| rule set | engine | compile (s) | scan (s) | throughput (MB/s) | peak RSS (MiB) | rule matches | compile vs yara | throughput vs yara |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
  for set in "${SET_LIST[@]}"; do
    declare -A M=()
    for e in "${ENGINES[@]}"; do
      M[$e.c]=$(values "$set-$e-compile" 1 | median)
      M[$e.s]=$(values "$set-$e-scan" 1 | median)
      M[$e.rss]=$(values "$set-$e-scan" 4 | median | awk '{if ($1 == "nan") print "nan"; else print $1 / 1024}')
      if failed "$set-$e-scan" || failed "$set-$e-compile"; then
        M[$e.c]=nan; M[$e.s]=nan; M[$e.rss]=nan; M[$e.n]="failed: $(head -c 100 "$RUNS/$set-$e-scan-1.err" | tr '\n|' '  ')"
      else
        M[$e.n]=$(grep -c . "$RUNS/$set-$e-scan-$REPS.out" || true)
      fi
      M[$e.tp]=$(throughput "${M[$e.s]}" "${M[$e.c]}")
      if [ "$e" = yarax ] && [ "${M[$e.s]}" != nan ]; then
        # node's start and YARA-X's compile vary a lot between runs; its own in-process scan time is steadier
        ms=$({ grep -h '^yrx-scan:' "$RUNS/$set-yarax-scan-"*.err || true; } | sed -n 's/.*scan \([0-9]*\) ms.*/\1/p' | median)
        M[$e.tp]=$(awk -v ms="$ms" -v n="$CORPUS_BYTES" 'BEGIN {if (ms == "nan" || ms + 0 <= 0) print "nan"; else print n / 1e3 / ms}')
      fi
    done
    for e in "${ENGINES[@]}"; do
      echo "| $set | $e | $(fmt "${M[$e.c]}") | $(fmt "${M[$e.s]}") | $(fmt "${M[$e.tp]}") | $(fmt "${M[$e.rss]}" 0) | ${M[$e.n]} | $(ratio "${M[$e.c]}" "${M[yara.c]:-nan}") | $(ratio "${M[$e.tp]}" "${M[yara.tp]:-nan}") |"
    done
    unset M
  done
  echo
  for set in "${SET_LIST[@]}"; do
    if [ -s "$RULES_DIR/$set.dropped" ]; then
      echo "$set: $(wc -l < "$RULES_DIR/$set.dropped") rule file(s) that YARA-X refuses were left out for all engines: $(xargs -n1 basename < "$RULES_DIR/$set.dropped" | tr '\n' ' ')"
    fi
  done
  echo
  grep -h '^yrx-scan:' "$RUNS"/*-yarax-scan-*.err 2>/dev/null | head -2 | sed 's/^/    /' | { IFS= read -r first && { echo "YARA-X's own timings (compile/scan inside one process):"; echo; echo "$first"; cat; }; } || true
} | tee "$MD"
echo
echo "Written to $MD (raw runs in $RUNS)"
