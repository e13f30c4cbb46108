#!/usr/bin/env bash
# Side-by-side benchmark: Vigil against clamscan on the same generated database and the same files, one CPU each.
#
# Measures, per engine, median of N runs:
#   load time    wall time of a run that scans one empty file (process start + database load + compile)
#   scan time    wall time of a run over the whole corpus (includes the load)
#   throughput   corpus bytes / (scan time - load time)
#   peak RSS     maximum resident set size of the corpus run (/usr/bin/time)
#   CPU time     user + system seconds of the corpus run (shows work done by helper threads, e.g. the JIT)
# and the ratios Vigil/clamscan. Writes a table to stdout and a markdown file under bench/target/.
#
# Fairness: both engines get the same database directory, the same corpus, first-match mode, clamd's default
# limits, and the same single CPU (taskset). clamscan runs with unpacking and document/mail parsers disabled
# (--scan-archive=no etc.) and without its clean-file cache, because Vigil does not unpack containers yet. ELF
# parsing stays on (entry-point offsets need it), and so does HTML/text normalisation (--scan-html), which Vigil
# does too (UTF-16 text is decoded under that switch). The corpus holds no PE files (see CorpusBuilder).
#
# Usage: bench/run-side-by-side.sh [--reps N] [--size-mb N] [--seed N] [--hashes N] [--bodies N]
#                                  [--cpu N|none] [--vigil bench|cli] [--skip-vigil] [--skip-clamscan] [--load-only]
# --vigil cli measures the product: the text databases with java -jar cli/target/vigil.jar, the engine image through
# the ./vigil launcher itself (its JVM options and, on JDK 25+, its AOT cache). --load-only skips the corpus runs.
set -euo pipefail

REPS=3
SIZE_MB=256
SEED=1
HASHES=1000000
BODIES=100000
CPU=auto
VIGIL_MODE=bench
SKIP_VIGIL=0
SKIP_CLAM=0
LOAD_ONLY=0
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) REPS=$2; shift 2 ;;
    --size-mb) SIZE_MB=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    --hashes) HASHES=$2; shift 2 ;;
    --bodies) BODIES=$2; shift 2 ;;
    --cpu) CPU=$2; shift 2 ;;
    --vigil) VIGIL_MODE=$2; shift 2 ;;
    --skip-vigil) SKIP_VIGIL=1; shift ;;
    --skip-clamscan) SKIP_CLAM=1; shift ;;
    --load-only) LOAD_ONLY=1; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGET=$ROOT/bench/target
JAR=$TARGET/benchmarks.jar
CLAMSCAN=${CLAMSCAN:-/usr/bin/clamscan}
TIME=/usr/bin/time
mkdir -p "$TARGET"
cd "$ROOT"

die() { echo "run-side-by-side: $*" >&2; exit 2; }
[ -x "$TIME" ] || die "GNU time is needed at $TIME (apt-get install time)"
[ "$SKIP_CLAM" = 1 ] || [ -x "$CLAMSCAN" ] || die "clamscan not found at $CLAMSCAN (set CLAMSCAN=...)"

# --- a Java of at least 21 -------------------------------------------------------------------------------------
. "$ROOT/bench/lib/java.sh"
JAVA_BIN=$(find_java)
VIGIL_JAVA_OPTS=${VIGIL_JAVA_OPTS:--XX:+UseSerialGC -Xmn16m}

# --- build if needed ------------------------------------------------------------------------------------------------
needs_build() {
  [ -f "$JAR" ] || return 0
  [ -n "$(find engine/src/main clamav/src/main bench/src/main -newer "$JAR" -type f -print -quit)" ] && return 0
  [ "$VIGIL_MODE" = cli ] && { [ -f cli/target/vigil.jar ] || return 0; }
  return 1
}
if needs_build; then
  modules=bench; [ "$VIGIL_MODE" = cli ] && modules=bench,cli
  echo "== building ($modules)"
  ./mvnw -q -B -o -pl "$modules" -am package -DskipTests || ./mvnw -q -B -pl "$modules" -am package -DskipTests
fi

# --- database (cached) ----------------------------------------------------------------------------------------------
# Cache keys include a digest of the generator's sources, so that a changed generator regenerates.
src_digest() { (cd bench/src/main/java/dev/vigil/bench && cat "$@") | sha256sum | cut -c1-8; }
GEN_KEY=$(src_digest DatabaseGenerator.java BodySignatureFactory.java HashSignatureFactory.java LogicShape.java \
                     SignatureNames.java SourcePool.java)
CORPUS_KEY=$(src_digest CorpusBuilder.java SourcePool.java)
DB=$TARGET/db-s$SEED-h$HASHES-b$BODIES-$GEN_KEY
EMPTY=$TARGET/empty-file
: > "$EMPTY"
if [ ! -f "$DB/.complete" ]; then
  echo "== generating database $DB"
  rm -rf "$DB"
  "$JAVA_BIN" -cp "$JAR" dev.vigil.bench.DatabaseGenerator --seed "$SEED" --out "$DB" --hashes "$HASHES" --bodies "$BODIES"
  if [ -x "$CLAMSCAN" ]; then
    # The database must load in the reference engine, with every signature counted.
    out=$("$CLAMSCAN" -d "$DB" "$EMPTY" 2>&1) || { echo "$out" >&2; die "clamscan refuses the generated database"; }
    known=$(echo "$out" | awk -F': ' '/^Known viruses/ {print $2}')
    [ "$known" = "$((HASHES + BODIES))" ] || die "clamscan loaded $known signatures, expected $((HASHES + BODIES))"
  fi
  touch "$DB/.complete"
fi

# --- the same database as a compiled engine image (vigil compile), rebuilt every run: it is tied to the build --------
IMAGE=$TARGET/image-s$SEED-h$HASHES-b$BODIES-$GEN_KEY.vimg
if [ "$SKIP_VIGIL" = 0 ]; then
  echo "== compiling the database into an engine image"
  "$JAVA_BIN" $VIGIL_JAVA_OPTS -cp "$JAR" dev.vigil.bench.ScanMain -d "$DB" --write-image "$IMAGE"
fi

# --- corpus (cached; the marker lies beside it so that it is not scanned) -------------------------------------------
CORPUS=$TARGET/corpus-s$SEED-${SIZE_MB}mb-$CORPUS_KEY
if [ ! -f "$CORPUS.complete" ]; then
  echo "== building corpus $CORPUS"
  rm -rf "$CORPUS"
  "$JAVA_BIN" -cp "$JAR" dev.vigil.bench.CorpusBuilder --seed "$SEED" --out "$CORPUS" --size-mb "$SIZE_MB" \
      --include "$DB/planted-files.lst" | tee "$CORPUS.summary"
  touch "$CORPUS.complete"
fi
CORPUS_BYTES=$(find "$CORPUS" -type f -printf '%s\n' | awk '{s += $1} END {print s}')
CORPUS_FILES=$(find "$CORPUS" -type f | wc -l)

# --- one CPU for each engine ----------------------------------------------------------------------------------------
if [ "$CPU" = auto ]; then CPU=$(( $(nproc) - 1 )); fi
PIN=()
if [ "$CPU" != none ] && command -v taskset >/dev/null; then PIN=(taskset -c "$CPU"); fi

CLAM_OPTS=(--no-summary --disable-cache --bytecode=no --heuristic-alerts=no --scan-archive=no --scan-mail=no
           --scan-ole2=no --scan-pdf=no --scan-swf=no --scan-xmldocs=no --scan-hwp3=no
           --scan-onenote=no --scan-image=no --scan-image-fuzzy-hash=no --scan-pe=no)
if [ "$VIGIL_MODE" = cli ]; then
  VIGIL_CMD=("$JAVA_BIN" $VIGIL_JAVA_OPTS -jar "$ROOT/cli/target/vigil.jar" scan -d "$DB")
else
  VIGIL_CMD=("$JAVA_BIN" $VIGIL_JAVA_OPTS -cp "$JAR" dev.vigil.bench.ScanMain -d "$DB")
fi

if [ "$VIGIL_MODE" = cli ]; then
  # The launcher as a user runs it; one run first, so that a first-use step (its AOT cache) is not measured.
  IMG_CMD=("$ROOT/vigil" scan --no-summary -d "$IMAGE")
  [ "$SKIP_VIGIL" = 1 ] || "${IMG_CMD[@]}" "$EMPTY" > /dev/null 2>&1 || true
else
  IMG_CMD=("$JAVA_BIN" $VIGIL_JAVA_OPTS -cp "$JAR" dev.vigil.bench.ScanMain -d "$IMAGE")
fi

RUNS=$TARGET/side-by-side-runs
rm -rf "$RUNS"; mkdir -p "$RUNS"
# measure NAME CMD...: runs CMD pinned, records "wall user sys maxrss_kb rc" in $RUNS/NAME.time
measure() {
  local name=$1; shift
  local rc=0
  "$TIME" -f '%e %U %S %M' -o "$RUNS/$name.t" "${PIN[@]}" "$@" > "$RUNS/$name.out" 2> "$RUNS/$name.err" || rc=$?
  echo "$(tail -1 "$RUNS/$name.t") $rc" > "$RUNS/$name.time"
}

echo "== corpus: $CORPUS_FILES files, $CORPUS_BYTES bytes; database: $DB; CPU: ${CPU}; $REPS repetitions"
for i in $(seq 1 "$REPS"); do
  if [ "$SKIP_CLAM" = 0 ]; then
    measure "clam-load-$i" "$CLAMSCAN" -d "$DB" "${CLAM_OPTS[@]}" "$EMPTY"
    [ "$LOAD_ONLY" = 1 ] || measure "clam-scan-$i" "$CLAMSCAN" -d "$DB" "${CLAM_OPTS[@]}" -i -r "$CORPUS"
    echo "   run $i clamscan: load $(cut -d' ' -f1 "$RUNS/clam-load-$i.time") s, scan $(cut -d' ' -f1 "$RUNS/clam-scan-$i.time" 2>/dev/null) s"
  fi
  if [ "$SKIP_VIGIL" = 0 ]; then
    measure "vigil-load-$i" "${VIGIL_CMD[@]}" "$EMPTY"
    [ "$LOAD_ONLY" = 1 ] || measure "vigil-scan-$i" "${VIGIL_CMD[@]}" -r "$CORPUS"
    echo "   run $i vigil:    load $(cut -d' ' -f1 "$RUNS/vigil-load-$i.time") s, scan $(cut -d' ' -f1 "$RUNS/vigil-scan-$i.time" 2>/dev/null) s"
    measure "vimg-load-$i" "${IMG_CMD[@]}" "$EMPTY"
    [ "$LOAD_ONLY" = 1 ] || measure "vimg-scan-$i" "${IMG_CMD[@]}" -r "$CORPUS"
    echo "   run $i vigil, engine image: load $(cut -d' ' -f1 "$RUNS/vimg-load-$i.time") s, scan $(cut -d' ' -f1 "$RUNS/vimg-scan-$i.time" 2>/dev/null) s"
  fi
done

# --- report ---------------------------------------------------------------------------------------------------------
# field KIND FIELD: the values of one field (1 wall, 2 user, 3 sys, 4 rss KB, 5 rc) over all repetitions
values() { { cat "$RUNS"/$1-*.time 2>/dev/null || true; } | awk -v f="$2" '{print $f}'; }
median() { sort -g | awk '{a[NR] = $1} END {if (NR == 0) print "nan"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
cpu_values() { { cat "$RUNS"/$1-*.time 2>/dev/null || true; } | awk '{print $2 + $3}'; }
failed() { values "$1" 5 | awk '$1 >= 2 {bad = 1} END {exit !bad}'; }

declare -A M
for e in clam vigil vimg; do
  M[$e.load]=$(values "$e-load" 1 | median)
  M[$e.scan]=$(values "$e-scan" 1 | median)
  M[$e.rss]=$(values "$e-scan" 4 | median)
  M[$e.loadrss]=$(values "$e-load" 4 | median)
  M[$e.cpu]=$(cpu_values "$e-scan" | median)
  M[$e.loadcpu]=$(cpu_values "$e-load" | median)
  M[$e.found]=$(grep -c ' FOUND$' "$RUNS/$e-scan-$REPS.out" 2>/dev/null || true)
  M[$e.ok]=yes
  if [ ! -f "$RUNS/$e-load-1.time" ] || failed "$e-scan" || failed "$e-load"; then M[$e.ok]=no; fi
done

fmt() { awk -v v="$1" -v p="${2:-2}" 'BEGIN {if (v == "nan" || v == "") print "n/a"; else printf "%.*f", p, v}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a == "nan" || b == "nan" || a == "" || b == "" || b + 0 == 0) print "n/a"; else printf "%.2f", a / b}'; }
throughput() { awk -v s="$1" -v l="$2" -v n="$CORPUS_BYTES" 'BEGIN {if (s == "nan" || l == "nan" || s - l <= 0) print "nan"; else print n / 1e6 / (s - l)}'; }
for e in clam vigil vimg; do
  M[$e.tp]=$(throughput "${M[$e.scan]}" "${M[$e.load]}")
  M[$e.cputp]=$(throughput "${M[$e.cpu]}" "${M[$e.loadcpu]}")
  M[$e.rssmb]=$(awk -v k="${M[$e.rss]}" 'BEGIN {if (k == "nan") print "nan"; else print k / 1024}')
  M[$e.loadrssmb]=$(awk -v k="${M[$e.loadrss]}" 'BEGIN {if (k == "nan") print "nan"; else print k / 1024}')
  [ "${M[$e.ok]}" = yes ] || { for k in load scan tp rssmb loadrssmb cpu loadcpu cputp; do M[$e.$k]=nan; done; M[$e.found]=n/a; }
done

CPU_MODEL=$(lscpu 2>/dev/null | awk -F: '/Model name/ {sub(/^ +/, "", $2); print $2; exit}')
MEM=$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
CLAM_VERSION=$("$CLAMSCAN" --version 2>/dev/null || echo "n/a")
JAVA_VERSION=$("$JAVA_BIN" -version 2>&1 | head -1)
STAMP=$(date -u +%Y%m%d-%H%M%S)
MD=$TARGET/side-by-side-$STAMP.md
{
  echo "# Vigil vs clamscan, side by side ($STAMP UTC)"
  echo
  echo "Machine: $(nproc) CPUs ($CPU_MODEL), $MEM memory, $(uname -sr). Each engine pinned to CPU ${CPU}."
  echo "clamscan: $CLAM_VERSION, unpacking and document parsers off, cache off. Vigil: ${VIGIL_CMD[*]:0:3} ($JAVA_VERSION)."
  echo "Database: $DB ($((HASHES)) hash signatures, $((BODIES)) body/logical signatures, seed $SEED)."
  echo "Corpus: $CORPUS_FILES files, $(awk -v n="$CORPUS_BYTES" 'BEGIN {printf "%.1f MB", n / 1e6}') (system files, generated text, random data)."
  echo "Medians of $REPS runs. Load time = a run scanning one empty file; throughput = corpus bytes / (scan time - load time)."
  echo "The CPU-time rows count the same on a busy machine (load average now: $(cut -d' ' -f1-3 /proc/loadavg)); trust wall times only on an idle one."
  echo
  echo "| metric | clamscan | Vigil | Vigil/clamscan |"
  echo "|---|---:|---:|---:|"
  echo "| database load time (s) | $(fmt "${M[clam.load]}") | $(fmt "${M[vigil.load]}") | $(ratio "${M[vigil.load]}" "${M[clam.load]}") |"
  echo "| total scan time (s) | $(fmt "${M[clam.scan]}") | $(fmt "${M[vigil.scan]}") | $(ratio "${M[vigil.scan]}" "${M[clam.scan]}") |"
  echo "| scan throughput (MB/s) | $(fmt "${M[clam.tp]}") | $(fmt "${M[vigil.tp]}") | $(ratio "${M[vigil.tp]}" "${M[clam.tp]}") |"
  echo "| peak RSS, corpus run (MiB) | $(fmt "${M[clam.rssmb]}" 0) | $(fmt "${M[vigil.rssmb]}" 0) | $(ratio "${M[vigil.rssmb]}" "${M[clam.rssmb]}") |"
  echo "| peak RSS, load only (MiB) | $(fmt "${M[clam.loadrssmb]}" 0) | $(fmt "${M[vigil.loadrssmb]}" 0) | $(ratio "${M[vigil.loadrssmb]}" "${M[clam.loadrssmb]}") |"
  echo "| CPU time user+sys, load only (s) | $(fmt "${M[clam.loadcpu]}") | $(fmt "${M[vigil.loadcpu]}") | $(ratio "${M[vigil.loadcpu]}" "${M[clam.loadcpu]}") |"
  echo "| CPU time user+sys, corpus run (s) | $(fmt "${M[clam.cpu]}") | $(fmt "${M[vigil.cpu]}") | $(ratio "${M[vigil.cpu]}" "${M[clam.cpu]}") |"
  echo "| scan throughput by CPU time (MB/s) | $(fmt "${M[clam.cputp]}") | $(fmt "${M[vigil.cputp]}") | $(ratio "${M[vigil.cputp]}" "${M[clam.cputp]}") |"
  echo "| files detected | ${M[clam.found]} | ${M[vigil.found]} | |"
  if [ "${M[vigil.ok]}" = yes ] && [ "${M[clam.ok]}" = yes ] && [ "$LOAD_ONLY" = 0 ]; then
    found_paths() { sed -n 's/: .* FOUND$//p' "$RUNS/$1-scan-$REPS.out" | sort; }
    comm -3 <(found_paths clam) <(found_paths vigil) > "$RUNS/found-diff.txt"
    echo "| files detected by one engine only | $(wc -l < "$RUNS/found-diff.txt") (see found-diff.txt) | | |"
  fi
  if [ "$SKIP_VIGIL" = 0 ]; then
    echo
    echo "The same database compiled once into an engine image (\`vigil compile\`), then loaded from it:"
    echo
    echo "| metric | clamscan | Vigil, image | image/clamscan |"
    echo "|---|---:|---:|---:|"
    echo "| database load time (s) | $(fmt "${M[clam.load]}") | $(fmt "${M[vimg.load]}") | $(ratio "${M[vimg.load]}" "${M[clam.load]}") |"
    echo "| CPU time user+sys, load only (s) | $(fmt "${M[clam.loadcpu]}") | $(fmt "${M[vimg.loadcpu]}") | $(ratio "${M[vimg.loadcpu]}" "${M[clam.loadcpu]}") |"
    echo "| peak RSS, load only (MiB) | $(fmt "${M[clam.loadrssmb]}" 0) | $(fmt "${M[vimg.loadrssmb]}" 0) | $(ratio "${M[vimg.loadrssmb]}" "${M[clam.loadrssmb]}") |"
    echo "| peak RSS, corpus run (MiB) | $(fmt "${M[clam.rssmb]}" 0) | $(fmt "${M[vimg.rssmb]}" 0) | $(ratio "${M[vimg.rssmb]}" "${M[clam.rssmb]}") |"
    echo "| scan throughput by CPU time (MB/s) | $(fmt "${M[clam.cputp]}") | $(fmt "${M[vimg.cputp]}") | $(ratio "${M[vimg.cputp]}" "${M[clam.cputp]}") |"
    echo "| files detected | ${M[clam.found]} | ${M[vimg.found]} | |"
    echo "| Vigil command | | \`${IMG_CMD[*]:0:3}\` | |"
    echo "| image size (MB) | | $(awk -v n="$(stat -c %s "$IMAGE")" 'BEGIN {printf "%.1f", n / 1e6}') | |"
  fi
  echo
  if [ "${M[clam.found]}" != "${M[vigil.found]}" ] && [ "${M[vigil.ok]}" = yes ] && [ "${M[clam.ok]}" = yes ]; then
    echo "Note: the engines detected different numbers of files; the speeds are only comparable once verdicts agree."
  fi
  [ "${M[vigil.ok]}" = yes ] || [ "$SKIP_VIGIL" = 1 ] || echo "Vigil failed: $(grep -m1 -E 'Exception|ERROR' "$RUNS"/vigil-*-1.err "$RUNS"/vigil-*-1.out 2>/dev/null | head -1)"
  [ "${M[clam.ok]}" = yes ] || [ "$SKIP_CLAM" = 1 ] || echo "clamscan failed: $(head -3 "$RUNS/clam-scan-1.err" 2>/dev/null)"
  grep -h 'vigil-timing' "$RUNS"/vigil-scan-*.err 2>/dev/null | sed 's/^/    /' | head -"$REPS" | { IFS= read -r first && { echo; echo "Vigil's own timings (per run):"; echo; echo "$first"; cat; }; } || true
} | tee "$MD"
echo
echo "Written to $MD (raw runs in $RUNS)"
