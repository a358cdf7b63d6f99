#!/usr/bin/env bash
# bench/start/first.sh — the first start of the default run (issue 14's performance report): the packaged
# jar with no settings but a port, on an EMPTY data directory (so the embedded PostgreSQL is created with
# initdb, all migrations run and the demo users are seeded), timed from `java` to the first page
# (GET / answered 200 after following its redirects, as a browser would: the sign-in page) and, on the
# way, to the first healthy answer. Goal: first page <= 10 s. Not a test.
#
#     bench/start/first.sh                 # builds target/renderbank.jar, then BENCH_STARTS (3) starts
#     BENCH_SKIP_BUILD=1 bench/start/first.sh
#
# Each start gets a new empty data directory (out/first-N/data); the embedded PostgreSQL's binaries are
# unpacked once per machine by the library that brings them (outside the data directory), as on a
# developer's second project checkout. `./mvnw spring-boot:run` runs the same application on exploded
# classes (plus Maven's own start); the jar is what an operator runs.
# Output: out/first.tsv (start, jar, seconds to healthy, seconds to first page, Spring's "Started ... in",
# 1-minute load average before and after). Knobs: APP_PORT (18493), BENCH_STARTS (3), JAVA (java),
# APP_JAR (target/renderbank.jar), BENCH_BASE_JAR (another build's jar, e.g. main's copied aside: each
# round then starts it too, right after APP_JAR, for a before/after in the same rounds).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
OUT=$ROOT/bench/start/out
PORT=${APP_PORT:-18493}
STARTS=${BENCH_STARTS:-3}
JAVA=${JAVA:-java}
JAR=${APP_JAR:-$ROOT/target/renderbank.jar}
mkdir -p "$OUT"
: >"$OUT/first.tsv"

if [ -z "${APP_JAR:-}" ] && { [ "${BENCH_SKIP_BUILD:-0}" != 1 ] || [ ! -f "$JAR" ]; }; then
  echo "building $JAR ..."
  ./mvnw -B -ntp -q -DskipTests package
fi
if ss -ltn | grep -q ":$PORT "; then echo "port $PORT is in use: set APP_PORT" >&2; exit 1; fi

pid=""
stop_app() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  fi
  pid=""
}
trap stop_app EXIT

seconds_since() { awk -v a="$1" -v b="$(date +%s%N)" 'BEGIN { printf "%.2f", (b - a) / 1e9 }'; }

printf 'start\tjar\thealthy_s\tfirst_page_s\tspring_s\tload_before\tload_after\n' | tee -a "$OUT/first.tsv"
first_start() { # N JAR LABEL
  local n=$1 jar=$2 label=$3
  dir=$OUT/first-$n-$label
  rm -rf "$dir"
  mkdir -p "$dir"
  log=$dir/app.log
  load=$(cut -d' ' -f1 /proc/loadavg)
  t0=$(date +%s%N)
  "$JAVA" -jar "$jar" --server.port="$PORT" --renderbank.data-dir="$dir/data" >"$log" 2>&1 &
  pid=$!
  healthy=""
  until curl -fsSL -o /dev/null "http://127.0.0.1:$PORT/" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then echo "start $n: the app exited, see $log" >&2; tail -20 "$log" >&2; exit 1; fi
    if [ -z "$healthy" ] && curl -fs -o /dev/null "http://127.0.0.1:$PORT/actuator/health" 2>/dev/null; then
      healthy=$(seconds_since "$t0")
    fi
    sleep 0.05
  done
  page=$(seconds_since "$t0")
  [ -n "$healthy" ] || healthy=$page
  spring=$(sed -nE 's/.*Started [A-Za-z]+ in ([0-9.]+) seconds.*/\1/p' "$log" | tail -1)
  stop_app
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$label" "$healthy" "$page" "${spring:-?}" "$load" \
    "$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$OUT/first.tsv"
}
for n in $(seq "$STARTS"); do
  first_start "$n" "$JAR" jar
  [ -z "${BENCH_BASE_JAR:-}" ] || first_start "$n" "$BENCH_BASE_JAR" base
done
