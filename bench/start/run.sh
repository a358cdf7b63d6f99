#!/usr/bin/env bash
# bench/start — time from `java` to the first healthy answer (GET /actuator/health = 200), cold and
# warm, for the ways of starting the jar (issue 15). Not a test. One command, run from anywhere:
#
#     bench/start/run.sh                  # builds target/renderbank.jar, ~3 minutes on an idle machine
#     BENCH_SKIP_BUILD=1 bench/start/run.sh
#
# Every start uses the app's embedded PostgreSQL in its own data directory (out/data). The first start
# ("cold") also creates that database (initdb + all migrations); every later start is "warm": the
# embedded database is already initialised, as in the goal "warm start to first healthy answer <= 5 s".
# Variants, each started BENCH_STARTS times (3) after one untimed start that builds its archive:
#   jar           java -jar target/renderbank.jar
#   extracted     java -jar out/extracted/renderbank.jar (Spring Boot's `-Djarmode=tools extract` layout)
#   extracted+cds the same with a class data sharing archive (-XX:SharedArchiveFile, written by a training
#                 start with -XX:ArchiveClassesAtExit)
#   jdk25+aot     the extracted layout on JDK 25 with its AOT cache (-XX:AOTCacheOutput, JEP 514), when
#                 $JAVA25 (default /usr/lib/jvm/temurin-25-jdk-amd64/bin/java) exists
# Each line of out/starts.tsv: variant, seconds to healthy, Spring's own "Started ... in" figure, and
# the 1-minute load average when the start began (a loaded machine makes every figure longer).
# Knobs: APP_PORT (18491), BENCH_STARTS (3), JAVA (java), JAVA25, APP_ARGS (more --key=value).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
OUT=$ROOT/bench/start/out
PORT=${APP_PORT:-18491}
STARTS=${BENCH_STARTS:-3}
JAVA=${JAVA:-java}
JAVA25=${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
JAR=$ROOT/target/renderbank.jar
mkdir -p "$OUT"
rm -rf "$OUT/data" "$OUT/extracted" "$OUT"/*.jsa "$OUT"/*.aot
: >"$OUT/starts.tsv"

if [ "${BENCH_SKIP_BUILD:-0}" != 1 ] || [ ! -f "$JAR" ]; then
  echo "building $JAR ..."
  ./mvnw -B -ntp -q -DskipTests package
fi
"$JAVA" -Djarmode=tools -jar "$JAR" extract --destination "$OUT/extracted" >/dev/null
EXTRACTED=$OUT/extracted/renderbank.jar

app_args=(--server.port="$PORT" --renderbank.data-dir="$OUT/data" --renderbank.demo.enabled=false ${APP_ARGS:-})
pid=""
stop_app() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid"                      # SIGTERM: a graceful stop (also writes an ArchiveClassesAtExit archive)
    for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  fi
  pid=""
}
trap stop_app EXIT

# start VARIANT JAVA-AND-ARGS... : starts, waits for health, records a line, stops.
start() {
  local variant=$1; shift
  local log="$OUT/$variant.log" load t0 t1 spring
  load=$(cut -d' ' -f1 /proc/loadavg)
  t0=$(date +%s%N)
  "$@" "${app_args[@]}" >"$log" 2>&1 &
  pid=$!
  until curl -fsS -o /dev/null "http://127.0.0.1:$PORT/actuator/health" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then echo "$variant: the app exited, see $log" >&2; tail -20 "$log" >&2; exit 1; fi
    sleep 0.05
  done
  t1=$(date +%s%N)
  spring=$(sed -nE 's/.*Started [A-Za-z]+ in ([0-9.]+) seconds.*/\1/p' "$log" | tail -1)
  stop_app
  printf '%s\t%.2f\t%s\t%s\n' "$variant" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print (b - a) / 1e9 }')" \
    "${spring:-?}" "$load" | tee -a "$OUT/starts.tsv"
}

start cold "$JAVA" -jar "$JAR"
for _ in $(seq "$STARTS"); do start jar "$JAVA" -jar "$JAR"; done
for _ in $(seq "$STARTS"); do start extracted "$JAVA" -jar "$EXTRACTED"; done
start cds-training "$JAVA" -XX:ArchiveClassesAtExit="$OUT/app.jsa" -jar "$EXTRACTED"
for _ in $(seq "$STARTS"); do start extracted+cds "$JAVA" -XX:SharedArchiveFile="$OUT/app.jsa" -jar "$EXTRACTED"; done
if [ -x "$JAVA25" ]; then
  start aot-training "$JAVA25" -XX:AOTCacheOutput="$OUT/app.aot" -jar "$EXTRACTED"
  for _ in $(seq "$STARTS"); do start jdk25+aot "$JAVA25" -XX:AOTCache="$OUT/app.aot" -jar "$EXTRACTED"; done
fi

echo
echo "median seconds to the first healthy answer (warm: embedded database already initialised):"
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }
for v in jar extracted extracted+cds jdk25+aot; do
  grep -q "^$v"$'\t' "$OUT/starts.tsv" || continue
  printf '  %-14s %s s (Spring: %s s; load %s)\n' "$v" \
    "$(awk -F'\t' -v v="$v" '$1 == v { print $2 }' "$OUT/starts.tsv" | median)" \
    "$(awk -F'\t' -v v="$v" '$1 == v { print $3 }' "$OUT/starts.tsv" | median)" \
    "$(awk -F'\t' -v v="$v" '$1 == v { printf "%s ", $4 }' "$OUT/starts.tsv")"
done
echo "cold (initdb + migrations): $(awk -F'\t' '$1 == "cold" { print $2 " s, load " $4 }' "$OUT/starts.tsv")"
