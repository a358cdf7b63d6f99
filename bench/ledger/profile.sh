#!/usr/bin/env bash
# Where a reserve+capture pair's cost goes (not a timing to report): one ledger measurement with a
# JFR recording of the ledger's JVM, then one pgbench measurement of the minimal SQL, each on a fresh
# throwaway PostgreSQL with pg_stat_statements, printing per pair: statements (calls and server time
# of each), commits, WAL records and bytes, and the JVM's hottest methods (jfr print --events
# jdk.ExecutionSample, top frames).
#
#   bench/ledger/profile.sh [ACCOUNTS]     default 10000; output in target/bench-ledger-profile/
#
# Knobs: BENCH_SECONDS (15), BENCH_WARMUP (5), BENCH_CLIENTS (32), PG_PORT (55479).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/bench/ledger"
cd "$root"
accounts=${1:-10000}
seconds=${BENCH_SECONDS:-15}
warmup=${BENCH_WARMUP:-5}
clients=${BENCH_CLIENTS:-32}
port=${PG_PORT:-55479}
out="$root/target/bench-ledger-profile"
mkdir -p "$out"
pg_tool=${PG_THROWAWAY:-$root/bench/pg-throwaway}

./mvnw -q -B -ntp -DskipTests test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >/dev/null
cp="target/test-classes:target/classes:$(cat target/bench-classpath.txt)"

fresh_server() {
  "$pg_tool" stop "$port" >/dev/null 2>&1 || true
  PG_THROWAWAY_OPTS="-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all" \
    "$pg_tool" start "$port"
}
trap '"$pg_tool" stop "$port" >/dev/null 2>&1 || true' EXIT
export PGHOST=127.0.0.1 PGPORT=$port PGDATABASE=postgres PGUSER=postgres

stats() { # label pairs
  echo "== $1: per pair ($2 pairs), statements by server time"
  psql -P pager=off -c "
    select round(calls::numeric / $2, 2) as calls_per_pair,
           round((total_exec_time * 1000 / $2)::numeric, 1) as exec_us_per_pair,
           round((total_plan_time * 1000 / $2)::numeric, 1) as plan_us_per_pair,
           round(wal_records::numeric / $2, 2) as wal_records_per_pair,
           round(wal_bytes::numeric / $2, 0) as wal_bytes_per_pair,
           left(regexp_replace(query, '\s+', ' ', 'g'), 110) as query
      from pg_stat_statements
     where calls >= $2 / 2
     order by total_exec_time desc limit 12"
}

url=$(fresh_server)
java -cp "$cp" dev.renderbank.ledger.LedgerBench migrate "$url" >"$out/migrate.log" 2>&1
psql -q -c "create extension if not exists pg_stat_statements"
# The harness resets pg_stat_statements after its warm-up (BENCH_PSS_RESET) and records JFR over the
# measurement only (BENCH_JFR).
BENCH_PSS_RESET=1 BENCH_JFR="$out/ledger.jfr" java -Xms512m -Xmx2g -cp "$cp" dev.renderbank.ledger.LedgerBench run "$url" "$here/reset.sql" "$accounts" "$clients" "$seconds" "$warmup" \
  >"$out/ledger.log" 2>&1
grep '^RESULT' "$out/ledger.log"
pairs=$(sed -E 's/.* pairs=([0-9]+).*/\1/' <<<"$(grep '^RESULT' "$out/ledger.log")")
stats ledger "$pairs" | tee "$out/ledger-statements.txt"
jfr print --events jdk.ExecutionSample "$out/ledger.jfr" \
  | awk '/stackTrace = \[/ { getline; sub(/^[ \t]+/, ""); sub(/line:.*/, ""); top[$0]++; n++ }
         END { for (f in top) printf "%6.1f%%  %s\n", 100 * top[f] / n, f }' \
  | sort -rn | head -25 | tee "$out/ledger-top-frames.txt"
echo "== ledger JVM: samples by the top frame's package"
jfr print --events jdk.ExecutionSample "$out/ledger.jfr" \
  | awk '/stackTrace = \[/ { getline; sub(/^[ \t]+/, ""); split($0, p, "."); top[p[1] "." p[2] "." p[3]]++; n++ }
         END { for (f in top) printf "%6.1f%%  %s\n", 100 * top[f] / n, f; printf "%6d   samples\n", n }' \
  | sort -rn | head -15 | tee "$out/ledger-top-packages.txt"

url=$(fresh_server)
java -cp "$cp" dev.renderbank.ledger.LedgerBench migrate "$url" >>"$out/migrate.log" 2>&1
psql -q -c "create extension if not exists pg_stat_statements"
psql -q -v ON_ERROR_STOP=1 -f "$here/reset.sql" >/dev/null
psql -q -c "select pg_stat_statements_reset()" >/dev/null
pgbench -n -M prepared -c "$clients" -j 2 -T "$seconds" -D accounts="$accounts" -f "$here/pair.sql" >"$out/pgbench.log" 2>&1
pairs=$(sed -nE 's/^number of transactions actually processed: ([0-9]+).*/\1/p' "$out/pgbench.log")
grep -E '^tps' "$out/pgbench.log"
stats pgbench "$pairs" | tee "$out/pgbench-statements.txt"
