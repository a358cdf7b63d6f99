#!/usr/bin/env bash
# bench/bank — the Jepsen-style bank test against real processes (issue 14). Not run by `./mvnw verify`
# (verify runs the small version, dev.renderbank.bank.BankIT: 1 node, 16 clients).
#
#     bench/bank/run.sh                  # builds the jar, then ~6 minutes on 2 cores
#     BANK_SKIP_BUILD=1 bench/bank/run.sh
#
# What one run does (all of it in dev.renderbank.bank.BankRun, src/test/java):
#   1. starts its own PostgreSQL from the embedded binaries the project already brings (zonky's, as
#      the app itself does without DATABASE_URL), data under $BANK_OUT/postgres, on a free port;
#   2. starts $BANK_NODES node(s) of target/renderbank.jar with DATABASE_URL pointing at it: the built-in
#      provider simulator with injected faults (createTask 5xx, slow createTask past the read timeout,
#      402, duplicate and late/reordered callbacks, failed output downloads), SMTP pointing at a closed
#      port, a Creem webhook secret so purchases can be signed;
#   3. seeds an admin and $BANK_CLIENTS users with API tokens (SQL), grants them credits through the
#      admin API (Idempotency-Key), registers webhook endpoints for a quarter of them (a loopback receiver);
#   4. $BANK_CLIENTS clients for $BANK_SECONDS s: generate image/video (with and without Idempotency-Key,
#      some keys repeated), cancel, status, SSE, Creem-signed purchases (duplicated, concurrent, refunds
#      before and after), admin grants; at 30 % the first node gets SIGKILL and is restarted; at 60 %
#      PostgreSQL is stopped for $BANK_DB_OUTAGE_SECONDS s and started again;
#   5. waits until every job has settled, then prints the verdict (BankVerdict) and exits non-zero on
#      any violation. Everything it started is stopped at the end, also on failure.
# Knobs (environment): BANK_CLIENTS (64), BANK_SECONDS (150), BANK_NODES (1), BANK_DB_OUTAGE_SECONDS (10),
# BANK_THROUGHPUT_SECONDS (0: off; >0 measures one node vs all nodes first), BANK_DEADLINE_SECONDS (150: the
# image jobs' deadline, videos 30 s more; a fifth of each is the minimum time left to submit; the settling lasts up to one), BANK_OUT (target/bank-run-<time>).
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ "${BANK_SKIP_BUILD:-}" = 1 ] && [ -f target/renderbank.jar ] && [ -d target/test-classes ]; then
  echo "reusing target/renderbank.jar"
else
  ./mvnw -B -ntp -q -DskipTests package
fi
./mvnw -B -ntp -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bank-classpath.txt >/dev/null
export BANK_OUT=${BANK_OUT:-target/bank-run-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$BANK_OUT"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); output in $BANK_OUT"
java -Xmx512m -cp "target/test-classes:target/classes:$(cat target/bank-classpath.txt)" dev.renderbank.bank.BankRun \
  2>&1 | tee "$BANK_OUT/verdict.txt"
exit "${PIPESTATUS[0]}"
