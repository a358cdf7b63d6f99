#!/usr/bin/env bash
# bench/generate — the generation engine under load (issue 4). Not a test: `./mvnw verify` never runs it.
#
# Run from anywhere (it cd's to the repository root), on an otherwise idle machine:
#
#     bench/generate/run.sh                       # ~8 minutes on 2 cores
#     BENCH_UPDATE_DOCS=1 bench/generate/run.sh   # also rewrite the measured part of docs/BENCHMARKS.md
#     BENCH_MODE=inflight bench/generate/run.sh   # accept cost with 0, 10,000 and 50,000 jobs in flight
#     BENCH_MODE=polling bench/generate/run.sh    # provider polls per 1,000 jobs in flight per minute,
#                                                 # callbacks arriving, then lost (~13 minutes)
#
# What one run does:
#   1. builds target/renderbank.jar (./mvnw -q -DskipTests package; BENCH_SKIP_BUILD=1 reuses it) and the
#      load harness bench/generate/src/GenerateBench.java (javac, against the project's classpath);
#   2. starts a throwaway PostgreSQL (bench/pg-throwaway, or $PG_THROWAWAY) on $PG_PORT, unless
#      DATABASE_URL (a jdbc:postgresql:// URL of an existing, EMPTY database) is given;
#   3. starts the provider with 3-minute image tasks: in accept mode by default the provider stub
#      (BENCH_SIM=stub, bench/generate/src/StubKie.java: KIE's endpoints from memory, no database, 0.1-0.4 ms of
#      CPU per job against ~2-4 ms for the simulator process with its PostgreSQL), otherwise the KIE simulator
#      with its callback loop slowed right down in a process of its own (BENCH_SIM=process): a second instance
#      of the same jar, "the provider", on
#      $SIM_PORT with its own throwaway PostgreSQL on $SIM_PG_PORT (or $SIM_DATABASE_URL) and a fixed simulator
#      key (renderbank.simulator.api-key); then the app jar: demo off, cooldowns and in-flight caps off, the
#      app's own polling slowed right down (so jobs stay in flight, and phase 6 decides when each one hears
#      back), heap -Xmx$APP_HEAP, calling the provider as a real KIE (renderbank.provider.kie.api-key and
#      .base-url=http://127.0.0.1:$SIM_PORT/sim/kie), so neither the app's CPU nor its PostgreSQL's holds any
#      of the simulator's work. BENCH_SIM=inproc: the built-in simulator inside the app's JVM and database,
#      as before (its connector's threads counted apart);
#   4. seeds 1,000 users with API tokens and credits straight into SQL (GRANT entries included);
#   5. open-loop load at fixed rates ($BENCH_RATES, $BENCH_STEP_SECONDS s each, after a warm-up) of
#      POST /api/v1/generate-image (nano-banana) and the baseline GET /api/v1/credits, over the 1,000 users;
#      After each step (BENCH_FLOOR, on by default): the same rate of bare durable commits (one-row SELECTs
#      after a GET step) through pgbench on the app's PostgreSQL server, the disk's floor (see the knobs);
#   6. the in-flight checkpoint: after the first step that leaves >= 10,000 live jobs (counted in SQL), the
#      app's VmRSS and heap (jcmd); again after the last step;
#   7. KIE callbacks POSTed by the harness for jobs the simulator has finished, timed until the job's
#      CAPTURE ledger entry exists (the endpoint processes inline; confirmed in SQL);
#   8. stops the app and the PostgreSQL it started (by pid / pg-throwaway stop) and prints the summary.
# Raw output: bench/generate/out/ (gitignored): results.txt, latency-*.tsv, callbacks.tsv, app.log, ...
#
# Knobs (environment): APP_PORT (18471), PG_PORT (55487), APP_HEAP (384m), APP_HEAP_MIN (empty: G1 sizes the
# heap; e.g. 384m: -Xms, a fixed heap. On 2026-12-02 runs of one jar with G1's sizing settled at ~90 MB or
# ~230 MB, and so at 3-4x as many young pauses, which moved the POST's p99 more than the code did; a fixed
# heap also raises the RSS that the in-flight figures report), SIM_IMAGE_DURATION (3m),
# BENCH_RATES (100,150,200,300,400,700,1000), BENCH_STEP_SECONDS (15), BENCH_WARMUP_SECONDS (20) and
# BENCH_WARMUP_RATE (200): one warm-up round is a GET then a POST phase of that length at that rate; rounds
# repeat until the JIT compiler threads used at most BENCH_WARMUP_JIT_MS_PER_S (50) ms of CPU per second in
# both phases of a round, at least BENCH_WARMUP_MIN_ROUNDS (2), at most BENCH_WARMUP_MAX_ROUNDS (5; 1 is the
# warm-up before 2026-12-01's ninth session); then BENCH_IDLE_SECONDS (10) of no load measure the app's idle
# CPU per second. Every step also records the app's CPU per request by thread group (JIT, GC, requests,
# submit, scheduler, other) and without the JIT's threads, the same for POST and GET; and what ran beside it,
# second by second (StepTimeline.java: timeline-<step>.tsv and a table in the summary): each second's p99 next
# to PostgreSQL's autovacuum workers and their tables, checkpoint writes, WAL full-page images, app sessions
# waiting on a lock, and the app's GC pauses (the app runs with -Xlog:gc into out/app-gc-<mode>.log), so a
# step whose p99 is high says whether a neighbour made it so;
# BENCH_POST_UNTIL_MISS=1 (0: off): once a POST step misses p99 <= 50 ms, higher rates run only their GET
# step, so the GET's highest rate is found without the POST's overload backlog beside it;
# BENCH_CALLBACKS (400), BENCH_CALLBACK_RATE (25), BENCH_INFLIGHT_TARGET (10000),
# BENCH_WARMUP_DRAIN_MAX_SECONDS (120: how long the warm-up's submit backlog may take before the first step),
# APP_JAR (target/renderbank.jar; another build, e.g. a baseline, with BENCH_SKIP_BUILD=1),
# APP_EXTRA_ARGS (more --key=value arguments for the app, for experiments), SIM_PORT (APP_PORT+1: the
# built-in simulator is called on a connector of its own with its own threads, as a real provider would
# not share the app's; SIM_PORT=0 serves it from the app's own port and threads, as before issue 15),
# APP_START_TIMEOUT (300 s to the first healthy answer),
# BENCH_JFR=1 (record the app with Java Flight Recorder into out/app.jfr, to see where the time goes),
# BENCH_PGSS=1 (pg_stat_statements on the throwaway server; each accept step's statements, reset before
# the step and read after its submits are done, go to out/pgss-<step>.tsv; the harness connects as a role
# of its own, "bench", so statements per request are the app's without the harness's; planning is tracked
# too, per statement "plans/req" and "plan_ms/req", since total_exec_time leaves it out).
# BENCH_SIM (process | inproc | stub; default stub in accept mode, process otherwise): where the provider runs
# (see 3.). stub: not the
# simulator but bench/generate/src/StubKie.java, KIE's endpoints answered from memory in a small JVM of its own
# with no database (a real provider's work is on its machines, not on the app's cores); the harness reads the
# finished tasks from it; BENCH_STUB_SUBMIT_DELAY_MS (0) makes every createTask answer that much later (accepts
# while submits are slow), BENCH_STUB_THREADS (64) its threads. In process mode:
# SIM_PORT (APP_PORT+1) is the provider's own HTTP port, SIM_PG_PORT (PG_PORT+1) its throwaway PostgreSQL
# (SIM_DATABASE_URL: an existing empty database instead), SIM_HEAP (384m); its log is out/provider-*.log and
# its CPU (process + its PostgreSQL) is printed apart from the app's.
# BENCH_FLOOR (1; 0 turns it off): the floor under the POST's latency, in accept mode. Right after each step
# (once its submits are done, so the app's load does not overlap), pgbench runs at the step's rate (-R, open
# loop, latency from the scheduled start) on a database of its own on the app's PostgreSQL server (same WAL,
# same disk): a bare durable commit (one autocommitted INSERT) after a POST step, a one-row SELECT after a
# GET step, each BENCH_FLOOR_SECONDS (10) with BENCH_FLOOR_CLIENTS (64) connections; p50/p99/max from
# pgbench's per-transaction log (out/floor/), results floor.commit_p99_ms.<rate>, floor.read_p99_ms.<rate>,
# floor.post_over_commit_p99.<rate>, floor.best_commit_rate_p99_50ms, and a table in the summary. Adds
# ~2 x (BENCH_FLOOR_SECONDS + 7) s per rate. Needs the throwaway server (not DATABASE_URL) and pgbench.
# BENCH_FLOOR_DURING=N (0, off): also a probe DURING each step, N tx/s of bare commits and N of one-row SELECTs
# mixed in one pgbench (8 clients): what each costs while the app's load holds the CPU and the WAL (a slow
# commit beside a fast read points at the WAL flush, both slow at the CPU); its work adds to the step's.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
OUT=${BENCH_OUT_DIR:-$ROOT/bench/generate/out}
APP_PORT=${APP_PORT:-18471}
PG_PORT=${PG_PORT:-55487}
APP_HEAP=${APP_HEAP:-384m}
APP_HEAP_MIN=${APP_HEAP_MIN:-}
HEAP_OPTS=("-Xmx$APP_HEAP")
[ -z "$APP_HEAP_MIN" ] || HEAP_OPTS=("-Xms$APP_HEAP_MIN" "-Xmx$APP_HEAP")
SIM_PORT=${SIM_PORT:-$((APP_PORT + 1))}
PG_THROWAWAY=${PG_THROWAWAY:-$ROOT/bench/pg-throwaway}
# the provider: the stub for the accept steps (no provider work on the app's cores), the simulator where the
# run needs its callbacks (polling) or its task table (inflight)
if [ "${BENCH_MODE:-accept}" = accept ]; then BENCH_SIM=${BENCH_SIM:-stub}; else BENCH_SIM=${BENCH_SIM:-process}; fi
case "$BENCH_SIM" in process|inproc|stub) ;; *) echo "BENCH_SIM must be process, inproc or stub" >&2; exit 2 ;; esac
SIM_PG_PORT=${SIM_PG_PORT:-$((PG_PORT + 1))}
SIM_HEAP=${SIM_HEAP:-384m}
if [ "$BENCH_SIM" != inproc ] && [ "$SIM_PORT" = 0 ]; then echo "BENCH_SIM=$BENCH_SIM needs a SIM_PORT" >&2; exit 2; fi
export BENCH_RATES=${BENCH_RATES:-100,150,200,300,400,700,1000}
export BENCH_OUT=$OUT BENCH_BASE_URL=http://127.0.0.1:$APP_PORT

APP_PID=
SIM_PID=
PG_STARTED=
SIM_PG_STARTED=
stop_pid() { # TERM, then KILL after 30 s
  if [ -n "$1" ] && kill -0 "$1" 2>/dev/null; then
    kill -TERM "$1"
    for _ in $(seq 1 60); do kill -0 "$1" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$1" 2>/dev/null && kill -KILL "$1"
  fi
  return 0
}
cleanup() {
  stop_pid "$APP_PID"
  stop_pid "$SIM_PID"
  if [ -n "$PG_STARTED" ]; then "$PG_THROWAWAY" stop "$PG_PORT" || true; fi
  if [ -n "$SIM_PG_STARTED" ]; then "$PG_THROWAWAY" stop "$SIM_PG_PORT" || true; fi
}
trap cleanup EXIT

say() { echo "$(date +%H:%M:%S) $*"; }
result() { echo "$1=$2" >>"$OUT/results.txt"; }

rm -rf "$OUT"
mkdir -p "$OUT"
{
  echo "date: $(date -u)"; echo "nproc: $(nproc)"; free -m; java -version 2>&1; echo "loadavg: $(cat /proc/loadavg)"
  echo "busiest processes at start:"; ps -eo pid,pcpu,rss,comm --sort=-pcpu | head -8
} >"$OUT/machine.txt"
result machine.date "$(date -u +%Y-%m-%d)"
result machine.nproc "$(nproc)"
result machine.memory "$(free -g | awk '/^Mem:/{print $2 " GiB"}')"
result machine.jdk "$(java -version 2>&1 | head -1 | sed 's/"//g')"
result machine.load_start "$(cut -d' ' -f1-3 /proc/loadavg)"
result app.heap "${HEAP_OPTS[*]}"
result bench.sim "$BENCH_SIM"
result bench.sim_port "$SIM_PORT"
[ "$BENCH_SIM" = process ] && result bench.sim_heap "-Xmx$SIM_HEAP"

if [ "${BENCH_SKIP_BUILD:-}" = 1 ] && [ -f "${APP_JAR:-target/renderbank.jar}" ]; then
  say "reusing ${APP_JAR:-target/renderbank.jar}"
else
  say "building target/renderbank.jar"
  ./mvnw -q -DskipTests package
fi
./mvnw -q dependency:build-classpath -Dmdep.outputFile="$OUT/classpath.txt" >/dev/null
CP=$(cat "$OUT/classpath.txt")
javac -d "$OUT/classes" -cp "$CP" bench/generate/src/GenerateBench.java bench/generate/src/InFlightBench.java \
  bench/generate/src/CommitFloor.java bench/generate/src/StubKie.java bench/generate/src/StepTimeline.java
harness() { java -Xmx512m -cp "$OUT/classes:$CP" GenerateBench "$@"; }

if [ -n "${DATABASE_URL:-}" ]; then
  JDBC_URL=$DATABASE_URL
  say "using DATABASE_URL (must be an empty database)"
else
  # never share a port or data directory with someone else's throwaway server
  if [ -e "${TMPDIR:-/tmp}/renderbank-pg-$PG_PORT" ] || ss -ltn | grep -q ":$PG_PORT "; then
    echo "port $PG_PORT (or ${TMPDIR:-/tmp}/renderbank-pg-$PG_PORT) is in use: set PG_PORT" >&2; exit 1
  fi
  say "starting a throwaway PostgreSQL on port $PG_PORT"
  if [ "${BENCH_PGSS:-}" = 1 ]; then
    export PG_THROWAWAY_OPTS="${PG_THROWAWAY_OPTS:-} -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all -c pg_stat_statements.track_planning=on"
  fi
  JDBC_URL=$("$PG_THROWAWAY" start "$PG_PORT")
  PG_STARTED=1
  if [ "${BENCH_PGSS:-}" = 1 ]; then
    PGHOST=127.0.0.1 PGPORT=$PG_PORT PGUSER=postgres psql -qc 'create extension pg_stat_statements' >/dev/null
    # the harness's own queries under a role of their own, so pg_stat_statements tells them from the app's
    PGHOST=127.0.0.1 PGPORT=$PG_PORT PGUSER=postgres psql -qc 'create role bench superuser login' >/dev/null
    export BENCH_PGSS BENCH_HARNESS_ROLE=bench
  fi
  export BENCH_PG_PID=$(head -1 "${TMPDIR:-/tmp}/renderbank-pg-$PG_PORT/data/postmaster.pid")
fi
export BENCH_JDBC_URL=$JDBC_URL
if [ -n "${BENCH_HARNESS_ROLE:-}" ]; then BENCH_JDBC_URL=${JDBC_URL/user=postgres/user=$BENCH_HARNESS_ROLE}; fi

# The provider's own database (BENCH_SIM=process): never the app's server, so the app's PostgreSQL CPU and
# write transactions hold none of the simulator's.
if [ "$BENCH_SIM" = process ]; then
  if [ -n "${SIM_DATABASE_URL:-}" ]; then
    SIM_JDBC_URL=$SIM_DATABASE_URL
  else
    if [ -e "${TMPDIR:-/tmp}/renderbank-pg-$SIM_PG_PORT" ] || ss -ltn | grep -q ":$SIM_PG_PORT "; then
      echo "port $SIM_PG_PORT (or ${TMPDIR:-/tmp}/renderbank-pg-$SIM_PG_PORT) is in use: set SIM_PG_PORT" >&2; exit 1
    fi
    say "starting the provider's throwaway PostgreSQL on port $SIM_PG_PORT"
    SIM_JDBC_URL=$(PG_THROWAWAY_OPTS= "$PG_THROWAWAY" start "$SIM_PG_PORT")
    SIM_PG_STARTED=1
    export BENCH_SIM_PG_PID=$(head -1 "${TMPDIR:-/tmp}/renderbank-pg-$SIM_PG_PORT/data/postmaster.pid")
  fi
  export BENCH_SIM_JDBC_URL=$SIM_JDBC_URL
fi
if [ "$BENCH_SIM" != inproc ]; then
  # the key the provider accepts and the app sends, new for each run
  SIM_API_KEY=bench-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
  export BENCH_SIM_BASE_URL=http://127.0.0.1:$SIM_PORT
  if [ "$BENCH_SIM" = stub ]; then export BENCH_SIM_STUB_URL=http://127.0.0.1:$SIM_PORT; fi
fi

# The machine's commit speed, which moves every absolute figure: pgbench's simple-update run (one
# write transaction per row update, 8 clients, 10 s) on a database of its own on the same server.
if [ -n "$PG_STARTED" ] && command -v pgbench >/dev/null; then
  PGHOST=127.0.0.1 PGPORT=$PG_PORT PGUSER=postgres psql -qc 'create database fsync_probe' >/dev/null
  PGHOST=127.0.0.1 PGPORT=$PG_PORT PGUSER=postgres pgbench -q -i -s 1 fsync_probe >/dev/null 2>&1
  probe=$(PGHOST=127.0.0.1 PGPORT=$PG_PORT PGUSER=postgres pgbench -n -N -c 8 -j 2 -T 10 fsync_probe 2>&1 \
    | sed -nE 's/^tps = ([0-9]+)\..*/\1/p' | head -1)
  result machine.pgbench_simple_update_tps "${probe:-?}"
  result machine.pgbench_load "$(cut -d' ' -f1 /proc/loadavg)"
fi

# The floor under the accept's latency (CommitFloor.java): a database of its own on the app's server (same WAL,
# same disk), a table for bare durable INSERTs and one of 100,000 rows for one-row SELECTs, and the two pgbench
# scripts; the harness runs them at each step's rate right after the step.
if [ "${BENCH_FLOOR:-1}" != 0 ] && [ "${BENCH_MODE:-accept}" = accept ]; then
  if [ -n "$PG_STARTED" ] && command -v pgbench >/dev/null; then
    PGHOST=127.0.0.1 PGPORT=$PG_PORT PGUSER=postgres psql -qc 'create database commit_floor' >/dev/null
    PGHOST=127.0.0.1 PGPORT=$PG_PORT PGUSER=postgres psql -q -d commit_floor >/dev/null <<'SQL'
create table floor_write (id bigserial primary key, v int not null, at timestamptz not null default now());
create table floor_read (id int primary key, v int not null);
insert into floor_read select g, g from generate_series(1, 100000) g;
vacuum analyze floor_read;
SQL
    mkdir -p "$OUT/floor"
    printf '%s\n' '\set v random(1, 1000000)' 'INSERT INTO floor_write (v) VALUES (:v);' >"$OUT/floor/commit.sql"
    printf '%s\n' '\set id random(1, 100000)' 'SELECT v FROM floor_read WHERE id = :id;' >"$OUT/floor/read.sql"
    export BENCH_FLOOR_DIR=$OUT/floor BENCH_FLOOR_PGPORT=$PG_PORT
  else
    say "no commit floor: it needs the throwaway PostgreSQL (not DATABASE_URL) and pgbench"
  fi
fi

wait_healthy() { # PID PORT LOG NAME
  local tries=$((${APP_START_TIMEOUT:-300} * 2))
  for i in $(seq 1 "$tries"); do
    curl -sf "http://127.0.0.1:$2/actuator/health" >/dev/null 2>&1 && return 0
    kill -0 "$1" 2>/dev/null || { tail -40 "$3"; echo "$4 died at startup" >&2; exit 1; }
    [ "$i" = "$tries" ] && { echo "$4 did not become healthy in ${APP_START_TIMEOUT:-300} s" >&2; exit 1; }
    sleep 0.5
  done
}
# The simulator's settings, for whichever process runs it.
sim_args() {
  printf '%s\n' --renderbank.simulator.image-duration="$SIM_IMAGE_DURATION" \
    --renderbank.simulator.video-duration=1h \
    --renderbank.simulator.balance=1000000000 \
    --renderbank.simulator.callback-interval="$SIM_CALLBACK_INTERVAL"
}
access_log_args() { # DIR PREFIX
  printf '%s\n' --server.tomcat.accesslog.enabled=true --server.tomcat.accesslog.directory="$1" \
    --server.tomcat.accesslog.prefix="$2" --server.tomcat.accesslog.pattern='%r %s' \
    --server.tomcat.accesslog.buffered=false
}
seconds_of() { # a Spring duration as the simulator takes it (90s, 3m, 1h) in whole seconds
  case "$1" in
    *ms) echo $(( ${1%ms} / 1000 )) ;; *s) echo "${1%s}" ;; *m) echo $(( ${1%m} * 60 )) ;;
    *h) echo $(( ${1%h} * 3600 )) ;; *) echo "$1" ;;
  esac
}
start_provider() { # BENCH_SIM=process: a second instance of the jar, only its simulator is used; stub: StubKie
  if ss -ltn | grep -q ":$SIM_PORT "; then echo "port $SIM_PORT is in use: set SIM_PORT" >&2; exit 1; fi
  if [ "$BENCH_SIM" = stub ]; then
    say "starting the provider stub (StubKie, no database) on port $SIM_PORT"
    java -Xmx128m -XX:+UseSerialGC -cp "$OUT/classes" StubKie "$SIM_PORT" "$SIM_API_KEY" \
      "$(seconds_of "$SIM_IMAGE_DURATION")" "${BENCH_STUB_THREADS:-64}" "${BENCH_STUB_SUBMIT_DELAY_MS:-0}" \
      >"$OUT/provider-$1.log" 2>&1 &
    SIM_PID=$!
    wait_healthy "$SIM_PID" "$SIM_PORT" "$OUT/provider-$1.log" "the provider stub"
    export BENCH_SIM_PID=$SIM_PID
    say "provider stub up (pid $SIM_PID)"
    return
  fi
  say "starting the provider (the simulator in its own process) on port $SIM_PORT (heap $SIM_HEAP)"
  mapfile -t SIM_ARGS < <(sim_args)
  mapfile -t LOG_ARGS < <(access_log_args "$OUT/access-$1" provider_access_log)
  DATABASE_URL=$SIM_JDBC_URL RENDERBANK_SIMULATOR_API_KEY=$SIM_API_KEY \
    java "-Xmx$SIM_HEAP" -jar "${APP_JAR:-target/renderbank.jar}" \
    --server.port="$SIM_PORT" \
    --renderbank.data-dir="$OUT/provider-data" \
    --renderbank.demo.enabled=false \
    "${SIM_ARGS[@]}" "${LOG_ARGS[@]}" \
    >"$OUT/provider-$1.log" 2>&1 &
  SIM_PID=$!
  wait_healthy "$SIM_PID" "$SIM_PORT" "$OUT/provider-$1.log" "the provider"
  export BENCH_SIM_PID=$SIM_PID
  say "provider up (pid $SIM_PID)"
}
start_app() { # the app against $JDBC_URL; the polling and simulator timings come from the variables below
  if ss -ltn | grep -q ":$APP_PORT "; then echo "port $APP_PORT is in use: set APP_PORT" >&2; exit 1; fi
  local provider=()
  if [ "$BENCH_SIM" != inproc ]; then
    start_provider "$1"
    # a KIE key turns the app's own simulator off; its callback task (db-scheduler, a no-op then) is slowed
    # as in inproc mode, so the app's database holds no simulator scheduling either
    provider=(--renderbank.provider.kie.base-url="http://127.0.0.1:$SIM_PORT/sim/kie"
      --renderbank.download.allow-private-hosts=true --renderbank.simulator.callback-interval=1h)
  else
    mapfile -t provider < <(sim_args)
    provider+=(--renderbank.simulator.port="$SIM_PORT")
  fi
  say "starting the app on port $APP_PORT (heap ${HEAP_OPTS[*]}; simulator $BENCH_SIM, tasks $SIM_IMAGE_DURATION, callbacks every $SIM_CALLBACK_INTERVAL, polls $FIRST_POLL..$MAX_POLL)"
  JFR=()
  if [ "${BENCH_JFR:-}" = 1 ]; then JFR=("-XX:StartFlightRecording=filename=$OUT/app-$1.jfr,settings=profile,dumponexit=true"); fi
  mapfile -t LOG_ARGS < <(access_log_args "$OUT/access-$1" access_log)
  DATABASE_URL=$JDBC_URL RENDERBANK_PROVIDER_KIE_API_KEY=${SIM_API_KEY:-} \
    java "${HEAP_OPTS[@]}" "${JFR[@]}" "-Xlog:gc:file=$OUT/app-gc-$1.log:time" -jar "${APP_JAR:-target/renderbank.jar}" \
    --server.port="$APP_PORT" \
    --renderbank.data-dir="$OUT/data" \
    --renderbank.demo.enabled=false \
    --renderbank.limits.cooldown.image=0 --renderbank.limits.cooldown.video=0 \
    --renderbank.limits.in-flight.image=0 --renderbank.limits.in-flight.video=0 \
    --renderbank.jobs.first-poll="$FIRST_POLL" --renderbank.jobs.max-poll="$MAX_POLL" \
    "${provider[@]}" "${LOG_ARGS[@]}" \
    ${APP_EXTRA_ARGS:-} \
    >"$OUT/app-$1.log" 2>&1 &
  APP_PID=$!
  wait_healthy "$APP_PID" "$APP_PORT" "$OUT/app-$1.log" "the app"
  export BENCH_APP_PID=$APP_PID BENCH_ACCESS_LOG_DIR=$OUT/access-$1 BENCH_GC_LOG=$OUT/app-gc-$1.log
  say "app up (pid $APP_PID)"
}
stop_app() {
  stop_pid "$APP_PID"
  APP_PID=
  stop_pid "$SIM_PID"
  SIM_PID=
}

# The app's own polling and the simulator's callbacks slowed right down, so jobs stay in flight and
# the harness decides when each one hears back (accept and inflight modes).
SIM_IMAGE_DURATION=${SIM_IMAGE_DURATION:-3m} SIM_CALLBACK_INTERVAL=1h FIRST_POLL=30m MAX_POLL=30m
case "${BENCH_MODE:-accept}" in
  accept)
    start_app accept
    harness seed
    harness accept
    harness callbacks
    ;;
  inflight)
    start_app inflight
    harness seed
    java -Xmx512m -cp "$OUT/classes:$CP" InFlightBench levels
    ;;
  polling)
    # callbacks arriving: 20 s tasks, the simulator calls back every second, the app's default polling
    SIM_IMAGE_DURATION=20s SIM_CALLBACK_INTERVAL=1s FIRST_POLL=2s MAX_POLL=60s
    start_app polling-normal
    harness seed
    java -Xmx512m -cp "$OUT/classes:$CP" InFlightBench polling normal
    stop_app
    # callbacks lost: the tasks never finish within the run and no callback is sent; polling only
    SIM_IMAGE_DURATION=1h SIM_CALLBACK_INTERVAL=1h
    start_app polling-lost
    java -Xmx512m -cp "$OUT/classes:$CP" InFlightBench polling lost
    ;;
  *) echo "BENCH_MODE must be accept, inflight or polling" >&2; exit 2 ;;
esac

result machine.load_end "$(cut -d' ' -f1-3 /proc/loadavg)"
result run.seconds "$SECONDS"
report=(harness report)
[ "${BENCH_MODE:-accept}" = accept ] || report=(java -cp "$OUT/classes:$CP" InFlightBench report)
if [ "${BENCH_UPDATE_DOCS:-}" = 1 ]; then
  "${report[@]}" "$ROOT/docs/BENCHMARKS.md"
else
  "${report[@]}"
fi
say "done in ${SECONDS}s; raw output in $OUT"
