#!/usr/bin/env python
"""One py-spy flame graph per route (bench/reports/flame-<route>.svg) and the frames that cost the
most in it (issue 18 item 3). Runs ``profile_harness.py <route> N --no-floor`` twice under
``py-spy record --rate 500``: once writing the SVG, once the raw collapsed stacks, from which the
top self-time frames are counted, over the samples taken inside the measured requests only (stacks
through ``measured_request``; start-up, warm-up, a route's preparation and the worker's tasks are
left out). ``--raw-only`` skips the SVG.

    DATABASE_URL=postgres://root@127.0.0.1:5432/hdms_bench1m REDIS_URL=redis://127.0.0.1:6379/5 \\
      .venv/bin/python bench/profile_flames.py list,detail,search-en,create,action,message [N]

Writes bench/reports/flame-<route>.svg and bench/reports/flame-top.md.
"""

import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPORTS = HERE / "reports"
TMP = Path(os.environ.get("TMPDIR", "/tmp"))  # noqa: S108 - the raw stacks and py-spy's log
PY = sys.executable
PYSPY = str(Path(PY).with_name("py-spy"))
FRAME = re.compile(r"^(?P<func>.*) \((?P<file>[^:()]*)(?::(?P<line>\d+))?\)$")


def short(frame: str) -> str:
    """``func (path/to/file.py:12)`` -> ``func (to/file.py)``: one entry per function."""
    match = FRAME.match(frame)
    if not match:
        return frame
    path = match["file"]
    for marker in ("site-packages/", "/backend/", "/lib/python3.11/"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{match['func']} ({path})"


def record(route: str, count: int, fmt: str, out: Path, harness_args: list[str]) -> None:
    cmd = [PYSPY, "record", "--rate", "500", "--format", fmt, "--nolineno", "-o", str(out), "--",
           PY, str(HERE / "profile_harness.py"), route, str(count), "--no-floor", *harness_args]
    with open(TMP / (out.stem + ".log"), "w") as log:
        subprocess.run(cmd, check=True, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603 - our own command


WAIT = "Connection.wait (psycopg/connection.py)"


def bucket(frame: str) -> str:
    """Where a leaf frame's code lives: hdms, a library's top-level package, or the standard library."""
    match = FRAME.match(frame)
    path = match["file"] if match else ""
    if path.startswith("hdms/"):
        return "/".join(path.split("/")[:2])
    if "/" in path:
        parts = path.split("/")
        return "/".join(parts[:2]) if parts[0] == "django" else parts[0]
    return "stdlib " + path if path else frame


def top_frames(raw: Path, limit: int = 5) -> tuple[int, int, list, list, list]:
    """(samples in measured requests, of which waiting for PostgreSQL, top self frames, top inclusive
    HDMS frames). py-spy counts psycopg's wait for the server's answer as active: it is the
    database's time, not the application's, so it is counted apart and left out of the top frames."""
    waiting = 0
    self_time: Counter = Counter()
    inclusive: Counter = Counter()
    buckets: Counter = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        frames = stack.split(";")
        cut = next((i for i, f in enumerate(frames) if f.startswith("measured_request (")), None)
        if cut is None:
            continue  # start-up, warm-up, preparation, the worker's tasks (timed apart)
        inner = [short(f) for f in frames[cut + 1:]]
        count = int(n)
        total += count
        if WAIT in inner:
            waiting += count
            continue
        leaf = inner[-1] if inner else "measured_request (the harness)"
        self_time[leaf] += count
        buckets[bucket(leaf)] += count
        for f in set(inner):
            if "hdms/" in f and "profile_" not in f and "Middleware.__call__" not in f:
                inclusive[f] += count
    return total, waiting, self_time.most_common(limit), inclusive.most_common(limit * 2), buckets.most_common(8)


def main() -> None:
    raw_only = "--raw-only" in sys.argv
    argv = [a for a in sys.argv if a != "--raw-only"]
    routes = argv[1].split(",")
    count = int(argv[2]) if len(argv) > 2 else 0
    REPORTS.mkdir(exist_ok=True)
    lines = ["# Top frames per route (py-spy, 500 Hz, measured requests only)", ""]
    for route in routes:
        n = count or {"search-en": 10, "search-ur": 10, "search-roman": 10, "create": 60, "action": 60,
                      "message": 80}.get(route, 200)
        svg = REPORTS / f"flame-{route}.svg"
        raw = TMP / f"flame-{route}.txt"
        # A staff search takes a minute at 5,000,000 messages (RESULTS.md): the requestor's only.
        extra = ["--warmup", "1", "--roles", "requestor"] if route.startswith("search") else []
        if not raw_only:
            record(route, n, "flamegraph", svg, extra)
        record(route, n, "raw", raw, extra)
        total, waiting, selfs, incl, buckets = top_frames(raw)
        cpu = max(1, total - waiting)
        lines += [f"## {route} ({n} requests per role, {total} samples inside requests, "
                  f"{100 * waiting / total:.0f} % of them waiting for PostgreSQL; % below are of the other "
                  f"{cpu})", "", "| self time | frame |", "|---|---|"]
        lines += [f"| {100 * c / cpu:.1f} % | `{f}` |" for f, c in selfs]
        lines += ["", "| self time | where the code lives |", "|---|---|"]
        lines += [f"| {100 * c / cpu:.1f} % | {f} |" for f, c in buckets]
        lines += ["", "| inclusive | HDMS frame (middleware left out) |", "|---|---|"]
        lines += [f"| {100 * c / cpu:.1f} % | `{f}` |" for f, c in incl]
        lines.append("")
        size = "" if raw_only else f", {svg.stat().st_size // 1024} KiB"
        print(f"{route}: {total} samples{size}", flush=True)
    (REPORTS / "flame-top.md").write_text("\n".join(lines))


if __name__ == "__main__":
    main()
