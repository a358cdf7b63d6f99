#!/usr/bin/env bash
# Write transactions, commits and WAL per accepted image job on one node (docs/SCALING.md).
# Starts the jar on a fresh embedded PostgreSQL (throwaway data directory), measures the idle rate
# for 30 s, sends N generate requests as the demo user (simulator, 1 s tasks, no cooldown/cap),
# waits until every job is terminal and 15 s more, and prints the per-job deltas net of the idle
# rate. Write transactions = txid_current() advance (only transactions that write get one);
# commits = pg_stat_database.xact_commit (read-only autocommit statements count too).
#   bench/commits/run.sh [path/to/renderbank.jar] [N]
set -euo pipefail
JAR=${1:-target/renderbank.jar}
N=${2:-100}
PORT=${PORT:-18480}
PGPORT=${PGPORT:-55480}
WORK=$(mktemp -d)
java -Xmx384m -jar "$JAR" --server.port="$PORT" --renderbank.data-dir="$WORK/data" \
  --renderbank.embedded-db.port="$PGPORT" --renderbank.limits.cooldown.image=0 \
  --renderbank.limits.in-flight.image=0 --renderbank.simulator.image-duration=1s >"$WORK/app.log" 2>&1 &
APP=$!
trap 'kill $APP 2>/dev/null; wait $APP 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 1 300); do curl -sf "localhost:$PORT/actuator/health" >/dev/null && break; sleep 1; done
TOKEN=$(grep -o 'rb_[A-Za-z0-9_-]*' "$WORK/data/demo-credentials.txt" | head -1)
q() { psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -Atc "$1"; }
snap() { q "select txid_current(), (select xact_commit from pg_stat_database where datname = 'postgres'), pg_current_wal_lsn()"; }
now() { date +%s.%N; }
sleep 20
read -r X0 C0 W0 <<<"$(snap | tr '|' ' ')"; T0=$(now)
sleep 30
read -r X1 C1 W1 <<<"$(snap | tr '|' ' ')"; T1=$(now)
for i in $(seq 1 "$N"); do
  curl -s -o /dev/null -w '%{http_code}\n' -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d "{\"model\":\"nano-banana\",\"prompt\":\"commits $i\"}" "localhost:$PORT/api/v1/generate-image"
done | sort | uniq -c
for _ in $(seq 1 300); do
  [ "$(q "select count(*) from generation_job where state not in ('SUCCEEDED', 'FAILED')")" = 0 ] && break; sleep 1
done
sleep 15
read -r X2 C2 W2 <<<"$(snap | tr '|' ' ')"; T2=$(now)
q "select state, count(*) from generation_job group by 1"
echo "connections of the node: $(q "select count(*) from pg_stat_activity where datname = 'postgres' and application_name <> 'psql'")"
WAL_IDLE=$(q "select pg_wal_lsn_diff('$W1', '$W0')"); WAL_LOAD=$(q "select pg_wal_lsn_diff('$W2', '$W1')")
awk -v n="$N" -v ti="$(echo "$T1 - $T0" | bc)" -v tl="$(echo "$T2 - $T1" | bc)" \
  -v xi=$((X1 - X0)) -v xl=$((X2 - X1)) -v ci=$((C1 - C0)) -v cl=$((C2 - C1)) -v wi="$WAL_IDLE" -v wl="$WAL_LOAD" 'BEGIN {
  printf "idle: %.1f write tx/s, %.1f commits/s, %.0f WAL bytes/s\n", xi / ti, ci / ti, wi / ti;
  printf "per job (net of idle): %.1f write transactions, %.1f commits, %.1f KB WAL\n",
    (xl - xi / ti * tl) / n, (cl - ci / ti * tl) / n, (wl - wi / ti * tl) / n / 1024 }'
