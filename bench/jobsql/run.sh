#!/usr/bin/env bash
# The SQL floor of a generate job (issue 15; a benchmark, not a test): PostgreSQL's CPU per job when
# pgbench runs exactly the statements the app sends for one accepted image job up to SUBMITTED, and
# nothing else (no app, no HTTP, no provider), against the same for the trivial authenticated GET
# (GET /api/v1/credits: the token lookup and the balance read), on one throwaway PostgreSQL, side by
# side in each round. Variants answer "what would grouping more work per commit buy":
#
#   get         the GET's two statements (autocommit each)
#   accept      the accept's transaction alone (provider status, limit row lock, reserve CTE, job insert,
#               task insert), one per transaction, as the app commits it today
#   accept8     the same, eight accepts per transaction (what a group commit of accepts could do at best:
#               no savepoints, no refusals)
#   job         a whole job as the app sends it today: the POST's token lookup, the accept's transaction,
#               the submit-started mark (autocommit), the SUBMITTED transaction (mark + provider task row,
#               db-scheduler's read of its task and its reschedule)
#   job-acc8    the job with its accepts grouped by eight, the marks one job each
#   job-all8    the job with the accepts, the submit-started marks and the SUBMITTED transactions each
#               grouped by eight (the app groups the two marks already when submits overlap)
#
# Figures per unit (a GET or a job): PostgreSQL server CPU (its processes in /proc: the postmaster with
# its reaped children and the live ones, so the backends, the WAL writer and autovacuum count), WAL bytes
# (pg_current_wal_lsn; one checkpoint before the first round, none forced between variants, so a
# variant's full-page images depend on when the server's own checkpoints fall), and the ratio of each
# variant's CPU to the GET's in the same round. pgbench runs with -M prepared (the app's driver
# prepares a statement on its fifth use on a connection) and an explicit BEGIN (the app's driver sends
# BEGIN with the first statement in one round trip, so the grouped variants' gain is, if anything,
# overstated here).
#
#   bench/jobsql/run.sh             throwaway PostgreSQL on PG_PORT (55491), migrated by the app's Flyway
#                                   scripts (LedgerBench migrate), wiped at the end
# Knobs: BENCH_ROUNDS (3), BENCH_JOBS (16000 jobs per variant and round; the GET runs twice as many),
# BENCH_CLIENTS (8), PG_PORT, BENCH_PGSS (1: afterwards the job variant once more, 2,000 jobs, with
# pg_stat_statements: each statement's execution time and WAL records per call in pgss-job.txt), BENCH_KEEP_PG (1: leave the server running for a look afterwards), BENCH_SKIP_BUILD (1: use target/ as built), BENCH_OUT_DIR (target/bench-jobsql).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
rounds=${BENCH_ROUNDS:-3}
jobs=${BENCH_JOBS:-16000}
clients=${BENCH_CLIENTS:-8}
port=${PG_PORT:-55491}
out=${BENCH_OUT_DIR:-target/bench-jobsql}
mkdir -p "$out"
if ! command -v pgbench >/dev/null || ! command -v psql >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-client postgresql-contrib
fi
if (( jobs % (clients * 8) != 0 )); then
  echo "BENCH_JOBS ($jobs) must be a multiple of 8 x BENCH_CLIENTS ($((clients * 8)))" >&2
  exit 2
fi
pg_tool=${PG_THROWAWAY:-$root/bench/pg-throwaway}
if [ "${BENCH_PGSS:-0}" = 1 ]; then
  export PG_THROWAWAY_OPTS="${PG_THROWAWAY_OPTS:-} -c shared_preload_libraries=pg_stat_statements"
fi
url=$("$pg_tool" start "$port")
[ "${BENCH_KEEP_PG:-0}" = 1 ] || trap '"$pg_tool" stop "$port"' EXIT
export PGHOST=127.0.0.1 PGPORT=$port PGUSER=postgres PGDATABASE=postgres
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ] || [ ! -f target/bench-classpath.txt ]; then
  echo "Building the migration harness..."
  ./mvnw -q -B -ntp -DskipTests test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >/dev/null
fi
java -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" dev.renderbank.ledger.LedgerBench \
  migrate "$url" >"$out/migrate.log" 2>&1 || { cat "$out/migrate.log"; exit 1; }

# 10,000 funded accounts with their limit rows (jobs), 1,000 users with one API token each ('t<n>').
psql -q -v ON_ERROR_STOP=1 <<'SQL'
insert into credit_account (user_id, balance) select g, 1000000000 from generate_series(1, 10000) g;
insert into generation_limit (user_id, type) select g, 'IMAGE' from generate_series(1, 10000) g;
insert into app_user (id, email, password_hash, role) select g + 100000, 'bench' || g || '@bench.test', 'x', 'USER'
  from generate_series(1, 1000) g;
insert into api_token (user_id, token_hash, name) select g + 100000, sha256(('t' || g)::bytea), 'bench'
  from generate_series(1, 1000) g;
insert into credit_account (user_id, balance) select g + 100000, 100 from generate_series(1, 1000) g;
insert into provider_status (id, state, since) values (1, 'AVAILABLE', now()) on conflict do nothing;
vacuum analyze;
SQL

token() { # $1 = suffix
  echo "\\set t$1 random(1, 1000)"
  echo "select t.id as token_id, t.last_used_at, u.id, u.email, u.role, u.enabled from api_token t join app_user u on u.id = t.user_id where t.token_hash = sha256(('t' || :t$1)::bytea) and t.revoked_at is null and (t.expires_at is null or t.expires_at > now());"
}
accept() { # $1 = suffix: the accept's statements (AcceptanceTest's order), inside a transaction
  cat <<EOF
\\set u$1 random(1, 10000)
\\set j$1 random(1, 999999999999)
select state, since, detail from provider_status where id = 1;
select cooldown_until, closed from generation_limit where user_id = :u$1 and type = 'IMAGE' for update;
with h as (
    insert into credit_hold (hold_key, user_id, amount, state, expires_at, created_at)
    select 'gen_' || :j$1, a.user_id, 5, 'OPEN', now() + interval '10 min', now() from credit_account a where a.user_id = :u$1
    on conflict (hold_key) do nothing
    returning hold_key),
upd as (
    update credit_account a set held = a.held + 5
      from h where a.user_id = :u$1 and a.balance - a.held >= 5 and a.debt = 0
    returning a.user_id),
e as (
    insert into ledger_entry (user_id, kind, amount, balance_delta, held_delta, debt_delta, ref_key, created_at)
    select user_id, 'HOLD', 5, 0, 5, 0, 'gen_' || :j$1, now() from upd)
select (select count(*) from h) as inserted, (select count(*) from upd) as held;
insert into generation_job (id, user_id, type, model, prompt, options, provider_model, provider_input, price, state,
    callback_token, progress, created_at, updated_at, deadline_at)
values ('gen_' || :j$1, :u$1, 'IMAGE', 'nano-banana', 'a lighthouse at dawn, bench', '{"aspectRatio":"1:1"}',
    'google/nano-banana', '{"prompt":"a lighthouse at dawn, bench","output_format":"png","image_size":"1:1"}', 5,
    'RESERVED', md5(:j$1::text), 0, now(), now(), now() + interval '10 min');
insert into scheduled_tasks (task_name, task_instance, task_data, execution_time, picked, version)
values ('generation-job', 'gen_' || :j$1, decode(repeat('ac', 60), 'hex'), now() + interval '1 min', false, 1);
EOF
}
started() { # $@ = suffixes: one submit-started mark for these jobs (autocommit)
  local ids=() s
  for s in "$@"; do ids+=("'gen_' || :j$s"); done
  local IFS=,
  echo "update generation_job set submit_started_at = now(), attempts = attempts + 1, updated_at = now() where id = any(array[${ids[*]}]) and state = 'RESERVED' and submit_started_at is null returning id;"
}
submitted() { # $1 = suffix: the SUBMITTED mark with its provider task and the task's move, inside a transaction
  cat <<EOF
with marked as (update generation_job set state = 'SUBMITTED', provider_task_id = 'task_' || :j$1, submitted_at = now(), progress = greatest(progress, 5), version = version + 1, updated_at = now() where id = 'gen_' || :j$1 and state in ('RESERVED', 'UNKNOWN') returning id) insert into generation_provider_task (provider_task_id, job_id) select 'task_' || :j$1, id from marked;
select * from scheduled_tasks where task_name = 'generation-job' and task_instance = 'gen_' || :j$1;
update scheduled_tasks set execution_time = now() + interval '2 s', version = version + 1 where task_name = 'generation-job' and task_instance = 'gen_' || :j$1 and version = 1;
EOF
}
eight=(1 2 3 4 5 6 7 8)
{ token 1; echo "select balance, held, debt from credit_account where user_id = :t1 + 100000;"; } >"$out/get.sql"
{ echo "BEGIN;"; accept 1; echo "COMMIT;"; } >"$out/accept.sql"
{ echo "BEGIN;"; for i in "${eight[@]}"; do accept "$i"; done; echo "COMMIT;"; } >"$out/accept8.sql"
{ token 1; echo "BEGIN;"; accept 1; echo "COMMIT;"; started 1; echo "BEGIN;"; submitted 1; echo "COMMIT;"; } >"$out/job.sql"
{ for i in "${eight[@]}"; do token "$i"; done; echo "BEGIN;"; for i in "${eight[@]}"; do accept "$i"; done; echo "COMMIT;"
  for i in "${eight[@]}"; do started "$i"; echo "BEGIN;"; submitted "$i"; echo "COMMIT;"; done; } >"$out/job-acc8.sql"
{ for i in "${eight[@]}"; do token "$i"; done; echo "BEGIN;"; for i in "${eight[@]}"; do accept "$i"; done; echo "COMMIT;"
  started "${eight[@]}"; echo "BEGIN;"; for i in "${eight[@]}"; do submitted "$i"; done; echo "COMMIT;"; } >"$out/job-all8.sql"

postmaster=$(head -1 "$(psql -tA -c 'show data_directory')/postmaster.pid")
server_ticks() { # CPU clock ticks of the server: the postmaster (with its reaped children) and its live children
  { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v pm="$postmaster" '{ pid = $1; line = $0; sub(/.*\) /, "", line);
      split(line, f, " "); if (f[2] == pm) s += f[12] + f[13]; if (pid == pm) s += f[12] + f[13] + f[14] + f[15] }
    END { print s + 0 }'
}
lsn() { psql -tA -c "select pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint"; }
hz=$(getconf CLK_TCK)
declare -A cpu wal tps
measure() { # variant units transactions_per_client
  local v=$1 units=$2 per_client=$3 t0 w0 t1 w1 res
  t0=$(server_ticks); w0=$(lsn)
  res=$(pgbench -n -M prepared -f "$out/$v.sql" -c "$clients" -j 2 -t "$per_client" 2>&1) \
    || { echo "$res" >&2; exit 1; }
  t1=$(server_ticks); w1=$(lsn)
  if grep -qE "number of failed transactions: [1-9]" <<<"$res"; then
    echo "$res" >&2; echo "pgbench reported failed transactions for $v" >&2; exit 1
  fi
  cpu[$v]+="$(awk -v d=$((t1 - t0)) -v hz="$hz" -v n="$units" 'BEGIN { printf "%.4f", d * 1000 / hz / n }') "
  wal[$v]+="$(( (w1 - w0) / units )) "
  tps[$v]+="$(sed -nE 's/^tps = ([0-9.]+).*/\1/p' <<<"$res" | cut -d. -f1) "
  printf '  %-9s %6d units: %s ms PG CPU each, %s WAL bytes each\n' "$v" "$units" \
    "$(awk '{ print $NF }' <<<"${cpu[$v]}")" "$(awk '{ print $NF }' <<<"${wal[$v]}")"
}
mean() { tr ' ' '\n' <<<"$1" | awk 'NF { s += $1; n++ } END { printf "%.3f", s / n }'; }
range() { tr ' ' '\n' <<<"$1" | awk 'NF { if (n == 0 || $1 < lo) lo = $1; if (n == 0 || $1 > hi) hi = $1; n++ } END { printf "%.3f–%.3f", lo, hi }'; }
variants=(get accept accept8 job job-acc8 job-all8)
echo "date: $(date -u); load: $(cut -d' ' -f1 /proc/loadavg); PostgreSQL: $(psql -tA -c 'show server_version')"
# the server's commit speed for the record (fsync moves every absolute figure)
pgbench -q -i -s 1 >/dev/null 2>&1
pgb=$(pgbench -n -N -c 8 -j 2 -T 10 2>&1 | sed -nE 's/^tps = ([0-9.]+).*/\1/p' | cut -d. -f1)
echo "pgbench simple-update: $pgb tps"
psql -q -c checkpoint
for r in $(seq 1 "$rounds"); do
  echo "round $r (load $(cut -d' ' -f1 /proc/loadavg))"
  for v in "${variants[@]}"; do
    case $v in
      get) measure get $((jobs * 2)) $((jobs * 2 / clients)) ;;
      accept | job) measure "$v" "$jobs" $((jobs / clients)) ;;
      *) measure "$v" "$jobs" $((jobs / clients / 8)) ;;
    esac
  done
done
{
  echo "# bench/jobsql: PostgreSQL's CPU per job for the app's own SQL (pgbench), $(date -u +%FT%TZ)"
  echo "commit $(git rev-parse --short HEAD); pgbench simple-update $pgb tps; $rounds rounds; $clients clients; load at end $(cut -d' ' -f1 /proc/loadavg)"
  echo
  echo "| variant | PG CPU ms per unit: mean (range over rounds) | / the GET's | WAL bytes per unit | tps (transactions of the script) |"
  echo "|---|---|---|---|---|"
  g=$(mean "${cpu[get]}")
  for v in "${variants[@]}"; do
    m=$(mean "${cpu[$v]}")
    echo "| $v | $m ($(range "${cpu[$v]}")) | $(awk -v a="$m" -v b="$g" 'BEGIN { printf "%.1f×", a / b }') | $(mean "${wal[$v]}" | cut -d. -f1) | $(mean "${tps[$v]}" | cut -d. -f1) |"
  done
} | tee "$out/summary.md"
if [ "${BENCH_PGSS:-0}" = 1 ]; then
  psql -q -c "create extension if not exists pg_stat_statements" -c "select pg_stat_statements_reset()" >/dev/null
  pgbench -n -M prepared -f "$out/job.sql" -c "$clients" -j 2 -t $((2000 / clients)) >/dev/null 2>&1
  psql -c "select calls, round((total_exec_time / calls)::numeric, 4) as exec_ms_per_call,
                  round(wal_records::numeric / calls, 1) as wal_records_per_call,
                  left(regexp_replace(query, '\s+', ' ', 'g'), 100) as statement
             from pg_stat_statements where query not like '%pg_stat_statements%'
            order by total_exec_time desc limit 15" | tee "$out/pgss-job.txt"
fi
