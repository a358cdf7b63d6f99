#!/usr/bin/env bash
# bench/start — time from `java` to the first healthy answer (GET /actuator/health = 200), cold and
# warm, for the ways of starting the jar (issue 15). Not a test. One command, run from anywhere:
#
#     bench/start/run.sh                  # builds target/renderbank.jar, ~3 minutes on an idle machine
#     BENCH_SKIP_BUILD=1 bench/start/run.sh
#     BENCH_REUSE=1 bench/start/run.sh    # the same jar again: keep its database and archives, no build
#
# Every start uses the app's embedded PostgreSQL in its own data directory (out/data). The first start
# ("cold") also creates that database (initdb + all migrations); every later start is "warm": the
# embedded database is already initialised, as in the goal "warm start to first healthy answer <= 5 s".
# Variants (BENCH_VARIANTS, default all that can run here):
#   jar           java -jar target/renderbank.jar
#   extracted     java -jar out/extracted/renderbank.jar (Spring Boot's `-Djarmode=tools extract` layout)
#   extracted+cds the same with a class data sharing archive (-XX:SharedArchiveFile, written by a training
#                 start with -XX:ArchiveClassesAtExit)
#   extracted+cds+opts  the same with more JVM options, $BENCH_CDS_OPTS (default: the JIT's compiler
#                 threads at nice 10, "-XX:ThreadPriorityPolicy=1 -XX:CompilerThreadPriority=10"), to
#                 measure an option for bin/run-jar.sh's JAVA_OPTS side by side with the same archive
#   jdk25         the extracted layout on JDK 25 without a cache (separates the JDK's own share)
#   jdk25+aot     the extracted layout on JDK 25 with its AOT cache (-XX:AOTCacheOutput, JEP 514), when
#                 $JAVA25 (default /usr/lib/jvm/temurin-25-jdk-amd64/bin/java) exists
#   base          java -jar $BENCH_BASE_JAR: the plain jar of another build (e.g. main's, copied aside before
#                 building), for a before/after of a change in the same rounds (left out when unset)
# The archives are written by untimed training starts first; then BENCH_STARTS (3) rounds each start
# every variant once, in turn, so that a change of the machine's load hits all variants alike.
# Each line of out/starts.tsv: variant, round, seconds to healthy, Spring's own "Started ... in" figure,
# the 1-minute load average when the start began, the ratio to the plain jar's start of the same
# round, and the CPU seconds the JVM had used when it answered (all its threads: the start's own
# work). The summary gives medians and the median of the per-round ratios: on a loaded machine only
# the ratios and the CPU seconds say something, the absolute seconds only "under load X".
# Knobs: APP_PORT (18491), BENCH_STARTS (3), BENCH_VARIANTS, BENCH_REUSE (0), JAVA (java), JAVA25,
# BENCH_BASE_JAR, APP_JAR (target/renderbank.jar; not built when set), APP_ARGS (more --key=value),
# BENCH_CDS_OPTS (the extracted+cds+opts variant's JVM options).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
OUT=$ROOT/bench/start/out
PORT=${APP_PORT:-18491}
STARTS=${BENCH_STARTS:-3}
JAVA=${JAVA:-java}
JAVA25=${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
JAR=${APP_JAR:-$ROOT/target/renderbank.jar}
CDS_OPTS=${BENCH_CDS_OPTS:--XX:ThreadPriorityPolicy=1 -XX:CompilerThreadPriority=10}
mkdir -p "$OUT"
REUSE=${BENCH_REUSE:-0}
if [ "$REUSE" = 1 ] && [ -d "$OUT/data" ] && [ -d "$OUT/extracted" ]; then
  echo "BENCH_REUSE=1: the database, extracted layout and archives of the last run are used again" >&2
  [ -f "$OUT/starts.tsv" ] && mv "$OUT/starts.tsv" "$OUT/starts.previous.tsv"
else
  REUSE=0
  rm -rf "$OUT/data" "$OUT/extracted" "$OUT"/*.jsa "$OUT"/*.aot
fi
: >"$OUT/starts.tsv"

if { [ "${BENCH_SKIP_BUILD:-0}" != 1 ] && [ "$REUSE" != 1 ] && [ -z "${APP_JAR:-}" ]; } || [ ! -f "$JAR" ]; then
  echo "building $JAR ..."
  ./mvnw -B -ntp -q -DskipTests package
fi
[ "$REUSE" = 1 ] || "$JAVA" -Djarmode=tools -jar "$JAR" extract --destination "$OUT/extracted" >/dev/null
EXTRACTED=$OUT/extracted/$(basename "$JAR")  # the tools extract names it after the jar

app_args=(--server.port="$PORT" --renderbank.data-dir="$OUT/data" --renderbank.demo.enabled=false ${APP_ARGS:-})
pid=""
stop_app() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid"                      # SIGTERM: a graceful stop (also writes a training start's archive)
    # a training start writes its archive at exit, which under load can take minutes: wait up to 10
    for _ in $(seq 6000); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  fi
  pid=""
}
trap stop_app EXIT

# cpu_seconds PID: the CPU time (user + system, all threads: the start's own work, which the load of
# other processes does not change much, unlike the wall clock) the process has used so far.
cpu_seconds() {
  awk -v t="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); printf "%.2f", ($12 + $13) / t }' "/proc/$1/stat" 2>/dev/null || echo "?"
}

# [ROUND=n] start VARIANT JAVA-AND-ARGS... : starts, waits for health, records a line, stops.
start() {
  local variant=$1; shift
  local log="$OUT/$variant${ROUND:+-$ROUND}.log" load t0 t1 spring cpu
  load=$(cut -d' ' -f1 /proc/loadavg)
  t0=$(date +%s%N)
  "$@" "${app_args[@]}" >"$log" 2>&1 &
  pid=$!
  until curl -fsS -o /dev/null "http://127.0.0.1:$PORT/actuator/health" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then echo "$variant: the app exited, see $log" >&2; tail -20 "$log" >&2; exit 1; fi
    sleep 0.05
  done
  t1=$(date +%s%N)
  cpu=$(cpu_seconds "$pid")
  spring=$(sed -nE 's/.*Started [A-Za-z]+ in ([0-9.]+) seconds.*/\1/p' "$log" | tail -1)
  stop_app
  local secs ratio="-" base
  secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
  base=$(awk -F'\t' -v r="${ROUND:--}" '$1 == "jar" && $2 == r { print $3 }' "$OUT/starts.tsv")
  [ -n "$base" ] && ratio=$(awk -v a="$secs" -v b="$base" 'BEGIN { printf "%.2f", a / b }')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$variant" "${ROUND:--}" "$secs" "${spring:-?}" "$load" "$ratio" "$cpu" \
    | tee -a "$OUT/starts.tsv"
}

[ "$REUSE" = 1 ] || start cold "$JAVA" -jar "$JAR"
variants=${BENCH_VARIANTS:-jar extracted extracted+cds jdk25 jdk25+aot${BENCH_BASE_JAR:+ base}}
if [ -z "${BENCH_BASE_JAR:-}" ]; then variants=$(tr ' ' '\n' <<<"$variants" | grep -v '^base$' | tr '\n' ' '); fi
if [ ! -x "$JAVA25" ]; then
  echo "no JDK 25 at $JAVA25: the jdk25 variants are left out" >&2
  variants=$(tr ' ' '\n' <<<"$variants" | grep -v '^jdk25' | tr '\n' ' ')
fi
wants() { [[ " $variants " == *" $1 "* ]]; }
if { wants extracted+cds || wants extracted+cds+opts; } && [ ! -f "$OUT/app.jsa" ]; then
  start cds-training "$JAVA" -XX:ArchiveClassesAtExit="$OUT/app.jsa" -jar "$EXTRACTED"
fi
if wants jdk25+aot && [ ! -f "$OUT/app.aot" ]; then
  start aot-training "$JAVA25" -XX:AOTCacheOutput="$OUT/app.aot" -jar "$EXTRACTED"
fi

for round in $(seq "$STARTS"); do
  for v in $variants; do
    case $v in
      jar) cmd=("$JAVA" -jar "$JAR") ;;
      extracted) cmd=("$JAVA" -jar "$EXTRACTED") ;;
      extracted+cds) cmd=("$JAVA" -XX:SharedArchiveFile="$OUT/app.jsa" -jar "$EXTRACTED") ;;
      # shellcheck disable=SC2206
      extracted+cds+opts) cmd=("$JAVA" -XX:SharedArchiveFile="$OUT/app.jsa" $CDS_OPTS -jar "$EXTRACTED") ;;
      jdk25) cmd=("$JAVA25" -jar "$EXTRACTED") ;;
      jdk25+aot) cmd=("$JAVA25" -XX:AOTCache="$OUT/app.aot" -jar "$EXTRACTED") ;;
      base) cmd=("$JAVA" -jar "$BENCH_BASE_JAR") ;;
      *) echo "unknown variant $v" >&2; exit 2 ;;
    esac
    ROUND=$round start "$v" "${cmd[@]}"
  done
done

echo
echo "warm starts (embedded database already initialised), median seconds to the first healthy answer;"
echo "ratio: median over rounds of (this variant's start / the plain jar's start in the same round):"
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }
for v in $variants; do
  printf '  %-18s %6s s  ratio %-5s CPU %6s s (Spring: %s s; load %s)\n' "$v" \
    "$(awk -F'\t' -v v="$v" '$1 == v { print $3 }' "$OUT/starts.tsv" | median)" \
    "$(awk -F'\t' -v v="$v" '$1 == v { print $6 }' "$OUT/starts.tsv" | median)" \
    "$(awk -F'\t' -v v="$v" '$1 == v { print $7 }' "$OUT/starts.tsv" | median)" \
    "$(awk -F'\t' -v v="$v" '$1 == v { print $4 }' "$OUT/starts.tsv" | median)" \
    "$(awk -F'\t' -v v="$v" '$1 == v { printf "%s ", $5 }' "$OUT/starts.tsv")"
done
if grep -q "^cold"$'\t' "$OUT/starts.tsv"; then
  echo "cold (initdb + migrations): $(awk -F'\t' '$1 == "cold" { print $3 " s, load " $5 }' "$OUT/starts.tsv")"
fi
