#!/usr/bin/env bash
# Ledger benchmark (not a test): reserve+capture pairs per second through the real Ledger code and
# through pgbench running the minimal equivalent SQL (bench/ledger/pair.sql), on the same PostgreSQL,
# for 1 hot account and for 10,000 accounts, then writes the "Ledger" section of docs/BENCHMARKS.md.
# With BENCH_BASE_REF (a git commit or branch) the ledger code of that commit runs too, in each round
# right after this tree's, in a database of its own migrated by that commit's migrations (the same
# harness drives both: this tree's LedgerBench on that commit's main classes), so a change is measured
# before and after in one run. Every run reports WAL bytes and records per pair (pg_current_wal_lsn,
# pg_stat_wal), the hold updates that were HOT (pg_stat_user_tables), and CPU per pair of the client
# (the ledger's JVM, or pgbench) and of the PostgreSQL server (its processes in /proc), so the
# figures explain each other.
#
#   bench/ledger/run.sh                 starts a throwaway PostgreSQL (bench/pg-throwaway)
#   BENCH_BASE_REF=main bench/ledger/run.sh   also measures main's ledger in the same rounds
#   PG_URL=jdbc:postgresql://127.0.0.1:5432/bench?user=postgres bench/ledger/run.sh   uses that one
#
# Knobs: BENCH_SECONDS (20), BENCH_WARMUP (5, ledger JIT warm-up), BENCH_CLIENTS (32),
# BENCH_ROUNDS (2: ledger and pgbench alternate, the table shows the mean), PG_PORT (55471),
# BENCH_BASE_REF (none), BENCH_SKIP_BUILD (0; 1: use target/ as it is), BENCH_UPDATE_DOCS (1: rewrite the "## Ledger" section of docs/BENCHMARKS.md;
# 0: print it only).
# The run wipes the ledger tables of the database it is pointed at: never point it at real data.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/bench/ledger"
cd "$root"
seconds=${BENCH_SECONDS:-20}
base_ref=${BENCH_BASE_REF:-}
warmup=${BENCH_WARMUP:-5}
clients=${BENCH_CLIENTS:-32}
rounds=${BENCH_ROUNDS:-2}
port=${PG_PORT:-55471}

if ! command -v pgbench >/dev/null || ! command -v psql >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-client postgresql-contrib
fi

started=""
if [ -z "${PG_URL:-}" ]; then
  pg_tool=${PG_THROWAWAY:-$root/bench/pg-throwaway}
  PG_URL=$("$pg_tool" start "$port")
  started="$port"
  trap '"$pg_tool" stop "$started"' EXIT
fi
echo "PostgreSQL: $PG_URL"

# jdbc:postgresql://HOST:PORT/DB?user=U[&password=P] -> libpq settings for psql and pgbench
if [[ ! "$PG_URL" =~ ^jdbc:postgresql://([^:/]+):?([0-9]*)/([^?]+)\??(.*)$ ]]; then
  echo "PG_URL must look like jdbc:postgresql://host:port/db?user=name" >&2
  exit 2
fi
export PGHOST=${BASH_REMATCH[1]} PGPORT=${BASH_REMATCH[2]:-5432} PGDATABASE=${BASH_REMATCH[3]}
query=${BASH_REMATCH[4]}
for kv in ${query//&/ }; do
  case "$kv" in
    user=*) export PGUSER=${kv#user=} ;;
    password=*) export PGPASSWORD=${kv#password=} ;;
  esac
done

if [ "${BENCH_SKIP_BUILD:-0}" != 1 ] || [ ! -f target/bench-classpath.txt ]; then
  echo "Building the harness..."
  ./mvnw -q -B -ntp -DskipTests test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >/dev/null
fi
cp="target/test-classes:target/classes:$(cat target/bench-classpath.txt)"
# Run with the classes of side "head" (this tree) or "base" (BENCH_BASE_REF's main classes).
harness() {
  local side=$1 classes=target/classes
  shift
  [ "$side" = base ] && classes="$base_dir/target/classes"
  java -Xms512m -Xmx2g -cp "target/test-classes:$classes:$(cat target/bench-classpath.txt)" \
    dev.renderbank.ledger.LedgerBench "$@"
}
harness head migrate "$PG_URL" >target/bench-ledger-migrate.log 2>&1 || { cat target/bench-ledger-migrate.log; exit 1; }
declare -A url=([head]="$PG_URL")
sides="head"
if [ -n "$base_ref" ]; then
  base_sha=$(git rev-parse --short "$base_ref")
  base_dir=${TMPDIR:-/tmp}/renderbank-ledger-base-$base_sha
  echo "Building the base ($base_ref = $base_sha) in $base_dir..."
  if [ ! -f "$base_dir/target/classes/dev/renderbank/ledger/Ledger.class" ]; then
    rm -rf "$base_dir" && mkdir -p "$base_dir"
    git archive "$base_sha" | tar -x -C "$base_dir"
    (cd "$base_dir" && ./mvnw -q -B -ntp -DskipTests -Dspotless.check.skip=true compile >/dev/null)
  fi
  psql -q -c "drop database if exists ledger_base" -c "create database ledger_base" >/dev/null
  url[base]=$(sed -E "s#^(jdbc:postgresql://[^/]+/)[^?]+#\1ledger_base#" <<<"$PG_URL")
  harness base migrate "${url[base]}" >target/bench-ledger-migrate-base.log 2>&1 \
    || { cat target/bench-ledger-migrate-base.log; exit 1; }
  sides="head base"
fi
field() { sed -nE "s/.*[ ]$1=([^ ]+).*/\1/p" <<<"$2"; }

ledger_run() { # accounts side -> "pairs_per_second wal_per_pair hot/updates records/fpi client_us server_us invariants"
  local out log="target/bench-ledger-$1-$2.log"
  if ! harness "$2" run "${url[$2]}" "$here/reset.sql" "$1" "$clients" "$seconds" "$warmup" >"$log" 2>&1 \
      || ! out=$(grep '^RESULT' "$log"); then
    tail -40 "$log" >&2
    echo "0 0 0/0 0/0 0 0 failed"
    return
  fi
  echo "$out" >&2
  echo "$(field pairs_per_second "$out") $(field wal_bytes_per_pair "$out")" \
    "$(field hold_hot_updates "$out")/$(field hold_updates "$out")" \
    "$(field wal_records_per_pair "$out")/$(field wal_fpi_per_pair "$out")" \
    "$(field client_cpu_us_per_pair "$out") $(field server_cpu_us_per_pair "$out") $(sed -E 's/.*invariants=(.*)$/\1/' <<<"$out")"
}
# CPU clock ticks of the PostgreSQL server: the postmaster (with its reaped children) and its live
# children (the same sum as LedgerBench's ServerCpu).
postmaster=$(head -1 "$(psql -tA -c 'show data_directory')/postmaster.pid" 2>/dev/null || echo 0)
server_ticks() {
  { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v pm="$postmaster" '{ pid = $1; line = $0; sub(/.*\) /, "", line);
      split(line, f, " "); if (f[2] == pm) s += f[12] + f[13]; if (pid == pm) s += f[12] + f[13] + f[14] + f[15] }
    END { print s + 0 }'
}
lsn() { psql -tA -c "select pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint"; }
walstat() { psql -tA -F' ' -c "select wal_records, wal_fpi from pg_stat_wal"; }
pgbench_run() { # accounts -> "pairs_per_second failed wal_per_pair records/fpi client_us server_us"
  psql -q -v ON_ERROR_STOP=1 -f "$here/reset.sql" >/dev/null
  sleep 11 # as LedgerBench: idle sessions report the reset's own WAL counts first
  local out start end r0 f0 r1 f1 s0 s1
  start=$(lsn)
  read -r r0 f0 < <(walstat)
  s0=$(server_ticks)
  out=$(/usr/bin/time -f 'CPU %U %S' pgbench -n -M prepared -c "$clients" -j 2 -T "$seconds" -D accounts="$1" -f "$here/pair.sql" 2>&1)
  end=$(lsn)
  sleep 1 # pgbench's sessions report their WAL counts when they end (and are reaped by the postmaster)
  s1=$(server_ticks)
  read -r r1 f1 < <(walstat)
  grep -E '^(tps|number of failed|number of transactions actually)' <<<"$out" >&2 || true
  local tps failed n
  tps=$(grep -E '^tps' <<<"$out" | head -1 | sed -E 's/tps = ([0-9]+)\..*/\1/')
  failed=$(grep -E '^number of failed' <<<"$out" | sed -E 's/number of failed transactions: ([0-9]+).*/\1/' || true)
  n=$(grep -E '^number of transactions actually processed' <<<"$out" | sed -E 's/.*: ([0-9]+).*/\1/')
  local client
  client=$(grep -E '^CPU ' <<<"$out" | awk -v n="${n:-0}" '{ printf "%.0f", (n > 0 ? ($2 + $3) * 1e6 / n : 0) }')
  echo "$tps ${failed:-0} $(awk -v a="$start" -v b="$end" -v n="${n:-0}" 'BEGIN { printf "%.0f", (n > 0 ? (b - a) / n : 0) }')" \
    "$(awk -v r="$((r1 - r0))" -v f="$((f1 - f0))" -v n="${n:-0}" 'BEGIN { if (n > 0) printf "%.2f/%.2f", r / n, f / n; else print "0/0" }')" \
    "$client $(awk -v t="$((s1 - s0))" -v n="${n:-0}" 'BEGIN { printf "%.0f", (n > 0 ? t * 1e4 / n : 0) }')"
}

declare -A pps wal hot rec ccpu scpu inv pgb pgwal pgrec pgccpu pgscpu failed
loads=""
for accounts in 1 10000; do
  for round in $(seq "$rounds"); do
    for side in $sides; do
      echo "== $accounts account(s), $clients clients, ${seconds}s, round $round: ledger ($side)"
      read -r p w h rf cc sc result < <(ledger_run "$accounts" "$side")
      k="$side,$accounts"
      pps[$k]+="$p " wal[$k]+="$w " hot[$k]+="$h " rec[$k]+="$rf " ccpu[$k]+="$cc " scpu[$k]+="$sc "
      inv[$accounts]+="$result "
    done
    echo "== $accounts account(s), $clients clients, ${seconds}s, round $round: pgbench"
    read -r tps nfailed w rf cc sc < <(pgbench_run "$accounts")
    pgb[$accounts]+="$tps " pgwal[$accounts]+="$w " pgrec[$accounts]+="$rf " pgccpu[$accounts]+="$cc " pgscpu[$accounts]+="$sc "
    failed[$accounts]+="$nfailed "
    loads+="$(cut -d' ' -f1 /proc/loadavg) "
  done
done

mean() { awk '{ s = 0; for (i = 1; i <= NF; i++) s += $i; printf "%.0f", (NF ? s / NF : 0) }' <<<"$1"; }
rounds_of() { sed -E 's/ +$//; s/ /, /g' <<<"$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
verdict() { awk -v r="$1" -v t="$2" 'BEGIN { print (r >= t ? "meets" : "below") }'; }
load=$(cut -d' ' -f1 /proc/loadavg)
loadnote=""
awk -v l="$load" -v n="$(nproc)" 'BEGIN { exit !(l > n) }' && loadnote=" (load average ${load} when the run ended: other work shared the cores, so absolute numbers are noisy; the ratio compares runs that alternated under the same conditions)"
cpu=$(lscpu | sed -nE 's/^Model name:[[:space:]]+//p' | head -1)
mem=$(free -g | awk '/^Mem:/ { print $2 " GiB" }')
pgver=$(psql -tA -c 'show server_version' | cut -d' ' -f1)
pgconf=$(psql -tA -c "select string_agg(name || '=' || current_setting(name), ', ' order by name) from pg_settings
                      where name in ('fsync', 'synchronous_commit', 'shared_buffers', 'max_connections')")
javaver=$(java -version 2>&1 | head -1)
head_sha=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src bench || echo "+changes")
label() { if [ "$1" = head ]; then echo "ledger at $head_sha"; else echo "ledger at $base_sha ($base_ref)"; fi; }

section=$(mktemp)
{
  cat <<SECTION
## Ledger

Reserve+capture pairs per second, measured by \`bench/ledger/run.sh\` on $(date -u +%Y-%m-%d)${base_ref:+ with \`BENCH_BASE_REF=$base_ref\`} (${seconds} s per
measurement, ${clients} clients, ${rounds} alternating rounds of $(sed 's/ / then /' <<<"$sides") ledger then pgbench, mean shown with
the rounds in brackets; the ledger JVM warms up ${warmup} s before each measurement). Machine: ${cpu},
$(nproc) cores, ${mem} RAM; PostgreSQL ${pgver} from Debian (${pgconf}); ${javaver}. Client and server
share the machine${loadnote}.

| accounts | side | pairs/s | / pgbench | target | WAL bytes/pair (/ pgbench) | WAL records / FPI per pair | hold updates HOT | client CPU µs/pair | server CPU µs/pair |
|---|---|---|---|---|---|---|---|---|---|
SECTION
  for accounts in 1 10000; do
    target=0.7 name="10,000 (spread)"
    [ "$accounts" = 1 ] && target=1 name="1 (hot)"
    p=$(mean "${pgb[$accounts]}")
    pw=$(mean "${pgwal[$accounts]}")
    for side in $sides; do
      k="$side,$accounts"
      l=$(mean "${pps[$k]}") w=$(mean "${wal[$k]}")
      echo "| $name | $(label "$side") | $l ($(rounds_of "${pps[$k]}")) | $(ratio "$l" "$p") | ≥ ${target}×: $(verdict "$(ratio "$l" "$p")" "$target") | $w ($(ratio "$w" "$pw")×) | $(rounds_of "${rec[$k]}") | $(rounds_of "${hot[$k]}") | $(mean "${ccpu[$k]}") | $(mean "${scpu[$k]}") |"
    done
    echo "| $name | pgbench, minimal SQL | $p ($(rounds_of "${pgb[$accounts]}")) | 1 | — | $pw | $(rounds_of "${pgrec[$accounts]}") | — | $(mean "${pgccpu[$accounts]}") | $(mean "${pgscpu[$accounts]}") |"
  done
  cat <<SECTION

Load average (1 min) after each round: $(rounds_of "$loads").

- **ledger**: the real \`Ledger.reserve\` then \`Ledger.capture\` (HikariCP pool of ${clients}, \`JdbcClient\`), each
  step atomic on its own; with \`BENCH_BASE_REF\` the base commit's ledger classes run in a database
  migrated by that commit's migrations, driven by the same harness. Invariant check after each ledger
  run: $(rounds_of "${inv[1]}") (1 account), $(rounds_of "${inv[10000]}") (10,000 accounts).
- **pgbench**: \`bench/ledger/pair.sql\` with \`-M prepared -c ${clients} -j 2\`: per step \`BEGIN\`, the
  conditional \`UPDATE credit_account\`, the \`INSERT\` into \`ledger_entry\`, \`END\` (failed transactions
  per round: $(rounds_of "${failed[1]}") and $(rounds_of "${failed[10000]}")), on this tree's schema.
- WAL: \`pg_current_wal_lsn\` and \`pg_stat_wal\` before and after each measurement, divided by its pairs
  (each measurement starts right after a \`CHECKPOINT\`; full-page images (FPI) are counted apart).
  CPU: the client's process (the ledger's JVM with all its threads; pgbench) and the PostgreSQL
  server's processes (postmaster and backends, from /proc) over the measurement, divided by its pairs.
SECTION
} >"$section"

doc=docs/BENCHMARKS.md
if [ "${BENCH_UPDATE_DOCS:-1}" = 1 ]; then
  mkdir -p docs
  [ -f "$doc" ] || printf '# Benchmarks\n\nMeasured results; each section is written by its script under `bench/`.\n' >"$doc"
  # Replace the "## Ledger" section (up to the next "## " heading) with the new one, in place.
  awk -v sec="$section" '
    /^## Ledger[[:space:]]*$/ { skip = 1; while ((getline line < sec) > 0) print line; printed = 1; next }
    skip && /^## / { skip = 0; print ""; }
    !skip { print }
    END { if (!printed) { print ""; while ((getline line < sec) > 0) print line } }
  ' "$doc" >"$doc.new" && mv "$doc.new" "$doc"
  echo "Wrote the Ledger section of $doc"
fi
cat "$section"
rm -f "$section"
