#!/usr/bin/env python
"""Writes a benchmark's markdown report, with the machine's description (DESIGN §7).

    python bench/report.py api   --csv /tmp/api --out bench/reports/api.md [--note "..."]
    python bench/report.py tasks --json /tmp/tasks.json --out bench/reports/tasks.md
"""

import argparse
import csv
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
from pathlib import Path

API_GOALS = {"p95": 100, "p99": 250}


def _cmd(*argv: str) -> str:
    if shutil.which(argv[0]) is None:
        return "not installed"
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    return (out.stdout or out.stderr).strip().splitlines()[0] if (out.stdout or out.stderr) else "?"


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    rows = [
        ("CPU", f"{cpu}, {os.cpu_count()} cores"),
        ("Memory", f"{mem_gib:.1f} GiB"),
        ("OS", f"{platform.system()} {platform.release()}"),
        ("Python", platform.python_version()),
        ("PostgreSQL", _cmd("psql", "--version")),
        ("Redis", _cmd("redis-server", "--version")),
        ("nginx", _cmd("nginx", "-v")),
    ]
    return "| | |\n|---|---|\n" + "\n".join(f"| {k} | {v} |" for k, v in rows)


def api_report(prefix: str, note: str) -> str:
    rows = list(csv.DictReader(open(f"{prefix}_stats.csv")))  # noqa: SIM115
    lines = ["| route | method | requests | errors | req/s | p50 ms | p95 ms | p99 ms | p95 < 100 | p99 < 250 |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for row in rows:
        name = row["Name"]
        p95, p99 = float(row["95%"] or 0), float(row["99%"] or 0)
        ok95 = "yes" if p95 < API_GOALS["p95"] else "**no**"
        ok99 = "yes" if p99 < API_GOALS["p99"] else "**no**"
        if name == "Aggregated":
            ok95 = ok99 = ""
        lines.append(f"| {name} | {row['Type']} | {row['Request Count']} | {row['Failure Count']} | "
                     f"{float(row['Requests/s']):.1f} | {row['50%']} | {row['95%']} | {row['99%']} | {ok95} | {ok99} |")
    failures = Path(f"{prefix}_failures.csv")
    failure_text = ""
    if failures.exists():
        failed = list(csv.DictReader(failures.open()))
        if failed:
            failure_text = "\n\nFailures:\n\n" + "\n".join(
                f"- {f['Method']} {f['Name']}: {f['Error'][:200]} (x{f['Occurrences']})" for f in failed)
    return "\n".join(lines) + failure_text + (f"\n\n{note}" if note else "")


def tasks_report(path: str, note: str) -> str:
    data = json.loads(Path(path).read_text())
    lines = ["| measure | value | goal |", "|---|---|---|"]
    for key, value, goal in data.get("rows", []):
        lines.append(f"| {key} | {value} | {goal} |")
    return "\n".join(lines) + (f"\n\n{note}" if note else "")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=("api", "tasks"))
    parser.add_argument("--csv")
    parser.add_argument("--json")
    parser.add_argument("--out", required=True)
    parser.add_argument("--note", default="")
    parser.add_argument("--title", default=None)
    args = parser.parse_args()
    body = api_report(args.csv, args.note) if args.kind == "api" else tasks_report(args.json, args.note)
    title = args.title or {"api": "API load (Locust)", "tasks": "Task throughput and kill -9"}[args.kind]
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = f"# {title}\n\nMeasured {stamp}.\n\n## Machine\n\n{machine()}\n\n## Results\n\n{body}\n"
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text)
    print(text)


if __name__ == "__main__":
    main()
