#!/usr/bin/env bash
# bench/cluster — two renderbank nodes on one PostgreSQL (issue 14), with the bank test's verdict.
#
#     bench/cluster/run.sh               # builds the jar, then ~8 minutes on 2 cores
#
# The same run as bench/bank/run.sh (dev.renderbank.bank.BankRun: its own PostgreSQL from the embedded
# binaries, the simulator's faults, SMTP down) with two app jars on different ports: first the
# throughput of one node and of both nodes in the same run (the same clients for
# $BANK_THROUGHPUT_SECONDS s each, no disasters), then load through both nodes with one node killed
# with SIGKILL mid-run and restarted, PostgreSQL stopped and started, and the verdict.
set -euo pipefail
export BANK_NODES=${BANK_NODES:-2}
export BANK_THROUGHPUT_SECONDS=${BANK_THROUGHPUT_SECONDS:-45}
export BANK_OUT=${BANK_OUT:-target/cluster-run-$(date +%Y%m%d-%H%M%S)}
exec "$(dirname "$0")/../bank/run.sh"
