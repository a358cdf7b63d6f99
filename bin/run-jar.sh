#!/usr/bin/env bash
# bin/run-jar.sh [--key=value ...] — starts the packaged jar the fast way: Spring Boot's extracted
# layout with a class data sharing (CDS) archive, so the JVM maps most of the classes it needs
# instead of finding, reading and verifying them in the jar (README "Starting fast"; the gain,
# measured side by side with the plain jar, is in docs/BENCHMARKS.md "Start").
#
#     ./mvnw -DskipTests package && bin/run-jar.sh                  # the same arguments as java -jar
#     RENDERBANK_JAR=/opt/renderbank.jar bin/run-jar.sh --server.port=9000
#
# After each new build the first call extracts the jar into <jar's folder>/app and makes one training
# start, which runs the application (with your arguments, on a throwaway port) until it has started,
# stops it and writes the archive app/renderbank.jsa; every later call only starts. A stale archive is
# never used for a newer jar (the JVM would refuse it with a warning; the script rebuilds it first).
# The JIT's compiler threads run at nice 10 (-XX:ThreadPriorityPolicy=1 -XX:CompilerThreadPriority=10):
# during a start the C1 and C2 compilers want as much CPU as the main thread, and on two cores they
# take it from the main thread, which does the start; at nice 10 they use what the main thread leaves,
# and compile less of the start's run-once code. Measured: 9.1 s instead of 10.4 s to the first healthy
# answer, 19 % less CPU (docs/BENCHMARKS.md "Start"). A JVM not run by root prints a warning that
# priorities may need privileges: lowering them does not, the compiler threads do get nice 10. The
# value is absolute: under `nice -n 15` give RENDERBANK_JIT_NICE=19 (or leave it empty).
# On JDK 25 or later (JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java, say) the training start writes
# the JDK's AOT cache instead (app/renderbank.aot, JEP 514: classes loaded and linked, and method
# profiles): measured 4.6 s to the first healthy answer against 5.5 s with the CDS archive
# (docs/BENCHMARKS.md "Starts on the twelfth session's machine").
# Knobs: RENDERBANK_JAR (target/renderbank.jar), JAVA (java), JAVA_OPTS (more JVM options),
# RENDERBANK_JIT_NICE (10; empty: the compiler threads at the process's own priority, no warning).
set -euo pipefail
JAR=${RENDERBANK_JAR:-$(dirname "$0")/../target/renderbank.jar}
JAVA=${JAVA:-java}
APP=$(dirname "$JAR")/app
JIT_NICE=${RENDERBANK_JIT_NICE-10}
jit_opts=()
[ -z "$JIT_NICE" ] || jit_opts=(-XX:ThreadPriorityPolicy=1 -XX:CompilerThreadPriority="$JIT_NICE")
if [ ! -f "$JAR" ]; then
  echo "no $JAR: build it first (./mvnw -DskipTests package)" >&2
  exit 1
fi
if [ ! -f "$APP/renderbank.jar" ] || [ "$JAR" -nt "$APP/renderbank.jar" ]; then
  rm -rf "$APP"
  "$JAVA" -Djarmode=tools -jar "$JAR" extract --destination "$APP" >/dev/null
  touch "$APP/renderbank.jar" # newer than the jar it came from
fi
# JDK 25 and later: the AOT cache; before: the CDS archive. Each is trained once per build.
feature=$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
if [ "${feature:-0}" -ge 25 ] 2>/dev/null; then
  archive=$APP/renderbank.aot
  train_opt=-XX:AOTCacheOutput="$archive"
  use_opt=-XX:AOTCache="$archive"
else
  archive=$APP/renderbank.jsa
  train_opt=-XX:ArchiveClassesAtExit="$archive"
  use_opt=-XX:SharedArchiveFile="$archive"
fi
if [ ! -f "$archive" ]; then
  echo "training start: writing $archive (once per build)" >&2
  log=$APP/training.log
  args=()
  for a in "$@"; do [[ $a == --server.port=* ]] || args+=("$a"); done
  # shellcheck disable=SC2086
  "$JAVA" "$train_opt" ${JAVA_OPTS:-} -jar "$APP/renderbank.jar" ${args[@]+"${args[@]}"} \
    --server.port=0 >"$log" 2>&1 &
  training=$!
  until grep -q 'Started [A-Za-z]* in' "$log"; do
    if ! kill -0 "$training" 2>/dev/null; then
      echo "the training start failed, see $log:" >&2
      tail -20 "$log" >&2
      exit 1
    fi
    sleep 0.2
  done
  kill "$training" # a graceful stop; the JVM writes the archive as it exits
  wait "$training" || true
  [ -f "$archive" ] || { echo "no archive written, see $log" >&2; exit 1; }
fi
# shellcheck disable=SC2086
exec "$JAVA" "$use_opt" ${jit_opts[@]+"${jit_opts[@]}"} ${JAVA_OPTS:-} -jar "$APP/renderbank.jar" "$@"
