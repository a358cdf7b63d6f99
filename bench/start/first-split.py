"""Splits one `./mvnw spring-boot:run` first start (bench/start/first.sh, BENCH_RUN=mvn) into Maven's part
and the app's part, from the log's timestamps (Maven's simpleLogger ones and the app's own).

    first-split.py N LABEL LOG T0_NS HEALTHY_S PAGE_NS

Prints one tab-separated line of seconds since the command (T0): the app JVM's start (the end of
Maven's part: the "Started ... in" line's time less its "process running for"), Spring's first line, "Embedded PostgreSQL on port", Flyway's last line, "Tomcat
started", "Started ... in", the first healthy answer and the first page. Writes Maven's steps (each
plugin execution's start, seconds since T0) next to the log as maven-steps.tsv.
"""

import re
import sys
from datetime import datetime
from pathlib import Path

n, label, log, t0, healthy, page = sys.argv[1:7]
t0 = int(t0)
STAMP = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[.,]\d+(?:Z|[+-]\d\d:?\d\d))\s")


def since_t0(stamp):
    stamp = stamp.replace(",", ".").replace("Z", "+00:00")
    return datetime.fromisoformat(stamp).timestamp() - t0 / 1e9


marks = {}
steps = []
for line in Path(log).read_text(errors="replace").splitlines():
    m = STAMP.match(line)
    if not m:
        continue
    s = since_t0(m.group(1))
    step = re.search(r"\[INFO\] --- (\S+) (\(.*?\)) @", line)
    if step:
        steps.append((s, step.group(1) + " " + step.group(2)))
    if " with PID " in line and "Starting " in line:
        marks.setdefault("spring", s)
    if "Embedded PostgreSQL on port" in line:
        marks.setdefault("db", s)
    if "Successfully applied" in line or re.search(r"Schema .* is up to date", line):
        marks["migrated"] = s
    if "Tomcat started on port" in line:
        marks.setdefault("tomcat", s)
    started = re.search(r"Started \w+ in [0-9.]+ seconds \(process running for ([0-9.]+)\)", line)
    if started:
        marks.setdefault("started", s)
        marks.setdefault("jvm", s - float(started.group(1)))

Path(log).with_name("maven-steps.tsv").write_text("".join(f"{s:.2f}\t{what}\n" for s, what in steps))
page_s = (int(page) - t0) / 1e9


def fmt(v):
    return "?" if v is None else f"{v:.2f}"


print(
    "\t".join(
        [n, label]
        + [fmt(marks.get(k)) for k in ("jvm", "spring", "db", "migrated", "tomcat", "started")]
        + [healthy, fmt(page_s)]
    )
)
