#!/usr/bin/env bash
# bench/favoured.sh COMMAND... — runs a benchmark command in a CPU cgroup of its own with a large weight,
# so that on a machine shared with low-priority builds the benchmark gets the CPU that `nice` was meant to
# give it.
#
# Why not nice: with kernel.sched_autogroup_enabled=1 (the default on most distributions) the scheduler
# first shares the CPU equally between sessions (autogroups), and a process's nice value only counts
# against processes of its own session. Every PostgreSQL backend calls setsid() and so is an autogroup of
# its own. A `nice -n 19` build in another session therefore still gets a full session's share, and a
# nice-0 benchmark app gets 1/N of the machine with N busy sessions (measured 2026-11-30 with ~6 other
# sessions: a trivial GET at 100 req/s answered with p50 19 s). Tasks in a cgroup other than the root
# are not subject to autogroups; everything the command starts (the app, the harness, PostgreSQL and its
# backends) inherits the cgroup and shares its weight at their ordinary nice values.
#
# Weight: BENCH_CPU_SHARES (65536 = 64 sessions' worth, about the weight ratio of nice 0 to nice 19,
# 1024:15). Needs root and the cgroup-v1 cpu controller at /sys/fs/cgroup/cpu; without them the command
# runs as it is, with a warning.
set -euo pipefail
group=/sys/fs/cgroup/cpu/renderbank-bench
if [ -w /sys/fs/cgroup/cpu ] || [ -d "$group" ]; then
  mkdir -p "$group"
  echo "${BENCH_CPU_SHARES:-65536}" >"$group/cpu.shares"
  echo $$ >"$group/cgroup.procs"
  echo "bench/favoured.sh: running in $group (cpu.shares $(cat "$group/cpu.shares"))" >&2
else
  echo "bench/favoured.sh: no writable cgroup-v1 cpu controller; running without a CPU weight" >&2
fi
exec "$@"
