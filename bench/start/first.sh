#!/usr/bin/env bash
# bench/start/first.sh — the first start of the default run (issue 14's performance report) on an EMPTY
# data directory (so the embedded PostgreSQL is created with initdb, all migrations run and the demo users
# are seeded), timed from the command to the first page (GET / answered 200 after following its
# redirects, as a browser would: the sign-in page) and, on the way, to the first healthy answer.
# Goal: first page <= 10 s. Not a test. Two modes:
#
#     bench/start/first.sh                 # the packaged jar: builds target/renderbank.jar, then
#     BENCH_SKIP_BUILD=1 bench/start/first.sh          #   BENCH_STARTS (3) starts of `java -jar`
#     BENCH_RUN=mvn bench/start/first.sh   # README's first command: `./mvnw spring-boot:run`
#
# Each start gets a new empty data directory (out/first-N-LABEL/data); the embedded PostgreSQL's binaries
# are unpacked once per machine by the library that brings them (outside the data directory), as on a
# developer's second project checkout.
#
# BENCH_RUN=mvn runs `./mvnw -B -ntp spring-boot:run` with the port and the data directory passed as
# `-Dspring-boot.run.arguments=...`, from a checkout that is already built (target up to date, as a
# newcomer's second command finds it after the first build: the script runs `test-compile` first unless
# BENCH_SKIP_BUILD=1). BENCH_MVN_CLEAN=1 adds one start from `./mvnw clean`'s state before the rounds
# (compilation included; label "clean"; dependencies already in ~/.m2). BENCH_BASE_DIR (another
# checkout, e.g. `git archive main` unpacked aside) is started too in each round, right after this one
# (label "base"), for a before/after in the same rounds. MVN_ARGS adds Maven arguments. Maven's lines
# carry timestamps (simpleLogger) and the app's log its own, so each start is split (first-split.py):
# Maven's part (the command to the app JVM's start: Spring's "Started ... in" line less its "process
# running for"), then the app's:
# Spring's first line, "Embedded PostgreSQL on port", Flyway's last line, "Tomcat started", "Started
# ... in", healthy, first page; Maven's own steps go to out/first-N-LABEL/maven-steps.tsv.
# Maven forks the app JVM: the process group that the script started (Maven and its fork) is stopped
# with SIGTERM (SIGKILL after 60 s), nothing else.
#
# BENCH_CPU=1 also writes each start's CPU seconds by thread and process (cpu_split, below).
#
# Output: out/first.tsv (start, label, seconds to healthy, seconds to first page, Spring's "Started ...
# in", 1-minute load average before and after) and, for BENCH_RUN=mvn, out/first-split.tsv. Knobs:
# APP_PORT (18493), BENCH_STARTS (3), JAVA (java), APP_JAR (target/renderbank.jar), BENCH_BASE_JAR
# (another build's jar, e.g. main's copied aside: each round then starts it too, right after APP_JAR).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
OUT=$ROOT/bench/start/out
PORT=${APP_PORT:-18493}
STARTS=${BENCH_STARTS:-3}
JAVA=${JAVA:-java}
JAR=${APP_JAR:-$ROOT/target/renderbank.jar}
RUN=${BENCH_RUN:-jar}
mkdir -p "$OUT"
: >"$OUT/first.tsv"
if [ "$RUN" = mvn ]; then
  printf 'start\tlabel\tapp_jvm\tspring\tdb_ready\tmigrated\ttomcat\tstarted\thealthy\tfirst_page\n' \
    >"$OUT/first-split.tsv"
  if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
    for checkout in "$ROOT" ${BENCH_BASE_DIR:+"$BENCH_BASE_DIR"}; do
      echo "compiling $checkout ..."
      (cd "$checkout" && ./mvnw -B -ntp -q test-compile)
    done
  fi
elif [ -z "${APP_JAR:-}" ] && { [ "${BENCH_SKIP_BUILD:-0}" != 1 ] || [ ! -f "$JAR" ]; }; then
  echo "building $JAR ..."
  ./mvnw -B -ntp -q -DskipTests package
fi
if ss -ltn | grep -q ":$PORT "; then echo "port $PORT is in use: set APP_PORT" >&2; exit 1; fi

# pid: the java of the jar mode, or the leader of the process group of the mvn mode (Maven and the app
# JVM it forks); group=1 while such a group runs.
pid=""
group=0
dir=""
alive() { if [ "$group" = 1 ]; then kill -0 -- "-$pid" 2>/dev/null; else kill -0 "$pid" 2>/dev/null; fi; }
stop_app() {
  if [ -n "$pid" ] && alive; then
    if [ "$group" = 1 ]; then kill -TERM -- "-$pid" 2>/dev/null || true; else kill "$pid"; fi
    for _ in $(seq 600); do alive || break; sleep 0.1; done
    if alive; then
      if [ "$group" = 1 ]; then kill -KILL -- "-$pid" 2>/dev/null || true; else kill -9 "$pid"; fi
    fi
  fi
  # the app stops its own PostgreSQL; after a SIGKILL the one in this start's data directory (found
  # by its own pid file and command line) is stopped here, cleanly
  local pm_file=$dir/data/postgres/postmaster.pid pm
  if [ -n "$dir" ] && [ -f "$pm_file" ]; then
    pm=$(head -1 "$pm_file")
    if [ -n "$pm" ] && grep -qF "$dir/data/postgres" "/proc/$pm/cmdline" 2>/dev/null; then
      kill -INT "$pm"
      for _ in $(seq 300); do kill -0 "$pm" 2>/dev/null || break; sleep 0.1; done
    fi
  fi
  pid=""
  group=0
}
trap stop_app EXIT

# BENCH_CPU=1: at the first page, the CPU seconds (user + system) spent so far by each thread of the app
# JVM (summed by name, digits dropped: "C2 CompilerThread0" and "...1" are one line; the main thread is
# "java"), the whole JVM ("process": ended threads too), by the processes
# it ran and waited for (initdb, pg_ctl: "children"), and by the embedded PostgreSQL's server processes
# ("postgres": the postmaster and its live backends), into out/first-N-LABEL/cpu.tsv.
cpu_split() {
  local app tick pm
  app=$(if [ "$group" = 1 ]; then pgrep -g "$pid" -f RenderbankApplication | head -1; else echo "$pid"; fi)
  tick=$(getconf CLK_TCK)
  [ -n "$app" ] || return 0
  for t in /proc/"$app"/task/*; do
    # comm may hold spaces: the fields after ") " start with the state (field 3)
    printf '%s\t%s\n' "$(tr -d '0-9' <"$t/comm")" "$(sed 's/.*) //' "$t/stat" | awk '{ print $12 + $13 }')"
  done | awk -F'\t' -v tick="$tick" '{ s[$1] += $2 } END { for (n in s) printf "%s\t%.2f\n", n, s[n] / tick }' \
    | sort -t$'\t' -k2 -rn
  # the whole process (threads that ended, such as embedded-postgres-start, are only in this sum)
  sed 's/.*) //' "/proc/$app/stat" \
    | awk -v tick="$tick" '{ printf "process\t%.2f\nchildren\t%.2f\n", ($12 + $13) / tick, ($14 + $15) / tick }'
  pm=$(head -1 "$1/data/postgres/postmaster.pid" 2>/dev/null || true)
  if [ -n "$pm" ]; then
    { echo "$pm"; pgrep -P "$pm"; } | while read -r p; do sed 's/.*) //' "/proc/$p/stat" 2>/dev/null; done \
      | awk -v tick="$tick" '{ s += $12 + $13 + $14 + $15 } END { printf "postgres\t%.2f\n", s / tick }'
  fi
}

seconds_since() { awk -v a="$1" -v b="$(date +%s%N)" 'BEGIN { printf "%.2f", (b - a) / 1e9 }'; }

printf 'start\tlabel\thealthy_s\tfirst_page_s\tspring_s\tload_before\tload_after\n' | tee -a "$OUT/first.tsv"
# N LABEL COMMAND...  (jar mode: the java command; mvn mode: the checkout to run in)
first_start() {
  local n=$1 label=$2 log load t0 t_page healthy page spring
  shift 2
  dir=$OUT/first-$n-$label
  rm -rf "$dir"
  mkdir -p "$dir"
  log=$dir/app.log
  load=$(cut -d' ' -f1 /proc/loadavg)
  t0=$(date +%s%N)
  if [ "$RUN" = mvn ]; then
    set -m # the background job gets a process group of its own (pgid = its pid)
    # shellcheck disable=SC2086 # MVN_ARGS: several arguments
    (cd "$1" && exec ./mvnw -B -ntp -Dorg.slf4j.simpleLogger.showDateTime=true \
      "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSSXXX" ${MVN_ARGS:-} spring-boot:run \
      "-Dspring-boot.run.arguments=--server.port=$PORT --renderbank.data-dir=$dir/data") >"$log" 2>&1 &
    pid=$!
    group=1
    set +m
  else
    "$@" --server.port="$PORT" --renderbank.data-dir="$dir/data" >"$log" 2>&1 &
    pid=$!
  fi
  healthy=""
  until curl -fsSL -o /dev/null "http://127.0.0.1:$PORT/" 2>/dev/null; do
    if ! alive; then echo "start $n: the app exited, see $log" >&2; tail -20 "$log" >&2; exit 1; fi
    if [ -z "$healthy" ] && curl -fs -o /dev/null "http://127.0.0.1:$PORT/actuator/health" 2>/dev/null; then
      healthy=$(seconds_since "$t0")
    fi
    sleep 0.05
  done
  t_page=$(date +%s%N)
  page=$(seconds_since "$t0")
  [ "${BENCH_CPU:-0}" != 1 ] || cpu_split "$dir" >"$dir/cpu.tsv"
  [ -n "$healthy" ] || healthy=$page
  spring=$(sed -nE 's/.*Started [A-Za-z]+ in ([0-9.]+) seconds.*/\1/p' "$log" | tail -1)
  stop_app
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$label" "$healthy" "$page" "${spring:-?}" "$load" \
    "$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$OUT/first.tsv"
  if [ "$RUN" = mvn ]; then
    python3 "$ROOT/bench/start/first-split.py" "$n" "$label" "$log" "$t0" "$healthy" "$t_page" \
      | tee -a "$OUT/first-split.tsv"
  fi
}
if [ "$RUN" = mvn ]; then
  if [ "${BENCH_MVN_CLEAN:-0}" = 1 ]; then
    ./mvnw -B -ntp -q clean
    first_start 0 clean "$ROOT"
  fi
  for n in $(seq "$STARTS"); do
    first_start "$n" mvn "$ROOT"
    [ -z "${BENCH_BASE_DIR:-}" ] || first_start "$n" base "$BENCH_BASE_DIR"
  done
else
  for n in $(seq "$STARTS"); do
    first_start "$n" jar "$JAVA" -jar "$JAR"
    [ -z "${BENCH_BASE_JAR:-}" ] || first_start "$n" base "$JAVA" -jar "$BENCH_BASE_JAR"
  done
fi
