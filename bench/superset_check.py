"""Asks a running Superset for the data of every chart on the HDMS dashboard, as its web page would.

    python bench/superset_check.py --url http://127.0.0.1:19288 --user admin --password ... [--dashboard hdms]
        [--min-charts 6] [--expect "Open tickets now=98"] [--json result.json]

Signs in through the REST API (/api/v1/security/login, a JWT), finds the dashboard by its slug,
lists its charts, and for each asks /api/v1/chart/<id>/data/ (the query context saved with the
chart, as the dashboard runs it). Prints a table: chart, kind, dataset, rows, seconds, result.
Exits 1 if any chart answers with an error or no rows, or the dashboard has fewer charts than
--min-charts, or an --expect'ed chart's first number differs (the caller counts it in SQL itself).
Standard library only (run it with any Python 3.11).
"""

import argparse
import json
import sys
import time
import urllib.error
import urllib.request
from typing import Any


class Superset:
    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")
        self.token = ""

    def call(self, method: str, path: str, body: dict[str, Any] | None = None, timeout: float = 180) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        # The operator's own Superset (http or https).
        request = urllib.request.Request(self.url + path, method=method, data=data)
        request.add_header("Accept", "application/json")
        if body is not None:
            request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return json.load(response)
        except urllib.error.HTTPError as error:
            detail = error.read().decode(errors="replace")[:500]
            raise RuntimeError(f"{method} {path}: HTTP {error.code}: {detail}") from error

    def login(self, user: str, password: str) -> None:
        answer = self.call("POST", "/api/v1/security/login",
                           {"username": user, "password": password, "provider": "db", "refresh": False})
        self.token = answer["access_token"]


def check(site: Superset, dashboard: str) -> tuple[str, list[dict[str, Any]]]:
    title = site.call("GET", f"/api/v1/dashboard/{dashboard}")["result"]["dashboard_title"]
    charts = site.call("GET", f"/api/v1/dashboard/{dashboard}/charts")["result"]
    rows = []
    for chart in sorted(charts, key=lambda c: c["slice_name"]):
        chart_id = chart["id"]
        detail = site.call("GET", f"/api/v1/chart/{chart_id}")["result"]
        started = time.monotonic()
        entry: dict[str, Any] = {"chart": chart["slice_name"], "viz_type": detail.get("viz_type"),
                                 "dataset": chart.get("form_data", {}).get("datasource", ""), "rows": 0, "error": ""}
        try:
            data = site.call("GET", f"/api/v1/chart/{chart_id}/data/?force=true")
            results = data["result"]
            entry["rows"] = sum(int(result.get("rowcount") or 0) for result in results)
            entry["error"] = "; ".join(str(result["error"]) for result in results if result.get("error"))
            entry["sample"] = results[0].get("data", [])[:2] if results else []
        except RuntimeError as error:
            entry["error"] = str(error)
        entry["seconds"] = round(time.monotonic() - started, 2)
        entry["ok"] = entry["rows"] > 0 and not entry["error"]
        rows.append(entry)
    return title, rows


def first_number(row: dict[str, Any]) -> float | None:
    """The first number of the chart's first row (a big number's value, a table's first metric)."""
    sample = row.get("sample") or [{}]
    return next((value for value in sample[0].values() if isinstance(value, int | float)), None)


def dataset_names(site: Superset) -> dict[str, str]:
    """``<id>__table`` -> ``schema.table`` of every dataset the signed-in user sees."""
    answer = site.call("GET", "/api/v1/dataset/?q=(page_size:100,columns:!(id,schema,table_name))")
    return {f"{item['id']}__table": f"{item['schema']}.{item['table_name']}" for item in answer["result"]}


def main() -> int:
    parser = argparse.ArgumentParser(description="Check that every chart of the HDMS dashboard returns data.")
    parser.add_argument("--url", required=True)
    parser.add_argument("--user", default="admin")
    parser.add_argument("--password", required=True)
    parser.add_argument("--dashboard", default="hdms", help="slug or id (the bundle's dashboard is 'hdms')")
    parser.add_argument("--min-charts", type=int, default=6)
    parser.add_argument("--expect", action="append", default=[], metavar="CHART=NUMBER",
                        help="the first number of the chart's first row must be NUMBER")
    parser.add_argument("--json", help="also write the results there")
    args = parser.parse_args()

    site = Superset(args.url)
    site.login(args.user, args.password)
    title, rows = check(site, args.dashboard)
    names = dataset_names(site)
    print(f"Dashboard: {title} ({len(rows)} charts)")
    print(f"{'chart':34} {'kind':24} {'dataset':32} {'rows':>6} {'s':>6}  result")
    for row in rows:
        row["dataset"] = names.get(row["dataset"], row["dataset"])
        print(f"{row['chart']:34} {row['viz_type']:24} {row['dataset']:32} {row['rows']:>6} {row['seconds']:>6}  "
              f"{'pass' if row['ok'] else 'FAIL ' + row['error'][:200]}")
    by_name = {row["chart"]: row for row in rows}
    missing = 0
    for expectation in args.expect:
        name, _, wanted = expectation.rpartition("=")
        shown = first_number(by_name[name]) if name in by_name else None
        agrees = shown is not None and float(shown) == float(wanted)
        print(f"{name}: shows {shown}, the database says {wanted}: {'pass' if agrees else 'FAIL'}")
        if name in by_name:
            by_name[name]["ok"] = by_name[name]["ok"] and agrees
        else:
            missing += 1
    passed = len(rows) >= args.min_charts and all(row["ok"] for row in rows) and not missing
    if len(rows) < args.min_charts:
        print(f"FAIL: the dashboard has {len(rows)} charts, fewer than {args.min_charts}")
    print(f"{sum(row['ok'] for row in rows)} passed, {sum(not row['ok'] for row in rows) + missing} failed")
    if args.json:
        with open(args.json, "w") as file:
            json.dump({"dashboard": title, "charts": rows, "passed": passed}, file, indent=2, default=str)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
