"""Zips deploy/superset/bundle/ into the file Superset imports (``superset import-dashboards -p``).

    <superset venv>/bin/python deploy/superset/bundle.py OUT.zip [--uri URI]

The YAML files are the source; this only checks them and packs them under one top folder, as
Superset's own export does. The database file's ``sqlalchemy_uri`` is replaced by ``--uri``, by
default ``HDMS_REPORTING_URI``, else the desk's ``DATABASE_URL`` with the user ``hdms_reporting``
and no password: the reporting role on the desk's database, e.g.
``postgresql+psycopg2://hdms_reporting@127.0.0.1:5432/hdms``. A ``postgres://`` URI is accepted.

Checks (a failed one exits 2 and writes nothing): each physical dataset is a view of
docs/reporting.md and has only columns listed there, each chart's dataset and each dashboard chart exist, and the
dashboard shows every chart. Runs with Superset's virtual environment (it has PyYAML).
"""

import argparse
import json
import os
import re
import sys
import zipfile
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import yaml

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "bundle"
DOC = HERE.parents[1] / "docs" / "reporting.md"
ROOT_FOLDER = "hdms_superset_bundle"
ROLE = "hdms_reporting"


def documented_columns() -> dict[str, list[str]]:
    """View -> columns, read from docs/reporting.md the way hdms/ops/tests/test_reporting.py reads it."""
    views: dict[str, list[str]] = {}
    view = None
    for line in DOC.read_text().splitlines():
        if heading := re.match(r"## reporting\.(\w+)$", line):
            view = heading.group(1)
            views[view] = []
        elif view and (row := re.match(r"\| (\w+) \| \w+ \|", line)) and row.group(1) != "column":
            views[view].append(row.group(1))
    return views


def sqlalchemy_uri(uri: str) -> str:
    for prefix in ("postgres://", "postgresql://"):
        if uri.startswith(prefix):
            return "postgresql+psycopg2://" + uri.removeprefix(prefix)
    return uri


def reporting_uri(environ: Mapping[str, str]) -> str:
    """HDMS_REPORTING_URI, else the desk's DATABASE_URL with the reporting role in place of its user
    and no password (trust or peer authentication on the same machine)."""
    if environ.get("HDMS_REPORTING_URI"):
        return sqlalchemy_uri(environ["HDMS_REPORTING_URI"])
    desk = urlsplit(environ.get("DATABASE_URL", ""))
    if not desk.scheme.startswith("postgres") or not desk.hostname:
        return ""
    host = f"[{desk.hostname}]" if ":" in desk.hostname else desk.hostname
    netloc = f"{ROLE}@{host}" + (f":{desk.port}" if desk.port else "")
    return urlunsplit(("postgresql+psycopg2", netloc, desk.path, desk.query, ""))


def load() -> dict[str, dict]:
    return {str(path.relative_to(SOURCE)): yaml.safe_load(path.read_text()) for path in sorted(SOURCE.rglob("*.yaml"))}


def problems(files: dict[str, dict]) -> list[str]:
    found = []
    views = documented_columns()
    datasets = {data["uuid"]: name for name, data in files.items() if name.startswith("datasets/")}
    charts = {data["uuid"]: name for name, data in files.items() if name.startswith("charts/")}
    databases = {data["uuid"] for name, data in files.items() if name.startswith("databases/")}
    for name, data in files.items():
        if name.startswith("datasets/"):
            if data["database_uuid"] not in databases:
                found.append(f"{name}: its database is not in the bundle")
            if data.get("sql"):
                continue  # a virtual dataset: its columns are its query's
            # A column the view gained is simply not offered yet; one it lost or renamed breaks charts.
            columns = {column["column_name"] for column in data["columns"]}
            view = views.get(data["table_name"]) if data["schema"] == "reporting" else None
            if view is None:
                found.append(f"{name}: reporting.{data['table_name']} is not a view of docs/reporting.md")
            elif unknown := sorted(columns - set(view)):
                found.append(f"{name}: columns not in docs/reporting.md (reporting.{data['table_name']}): {unknown}")
        elif name.startswith("charts/") and data["dataset_uuid"] not in datasets:
            found.append(f"{name}: its dataset is not in the bundle")
    shown: set[str] = set()
    for name, data in files.items():
        if name.startswith("dashboards/"):
            for item in data["position"].values():
                if isinstance(item, dict) and item.get("type") == "CHART":
                    if item["meta"]["uuid"] not in charts:
                        found.append(f"{name}: {item['id']} is not a chart of the bundle")
                    shown.add(item["meta"]["uuid"])
    found += [f"{charts[uuid]} is on no dashboard" for uuid in set(charts) - shown]
    if len(charts) < 6:
        found.append(f"the bundle has {len(charts)} charts; the dashboard needs at least six")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path, nargs="?")
    parser.add_argument("--uri", default=reporting_uri(os.environ),
                        help="the reporting role's connection URI (default: HDMS_REPORTING_URI, else DATABASE_URL "
                             "as hdms_reporting, else the file's)")
    parser.add_argument("--print-uri", action="store_true", help="only print the URI the bundle would use")
    args = parser.parse_args()
    if args.print_uri:
        print(sqlalchemy_uri(args.uri))
        return 0 if args.uri else 2
    if args.out is None:
        parser.error("the output file is required")
    files = load()
    if found := problems(files):
        print("The Superset bundle is inconsistent:\n  " + "\n  ".join(found), file=sys.stderr)
        return 2
    # The URI may carry the role's password: the file is the owner's alone.
    args.out.touch(mode=0o600)
    args.out.chmod(0o600)
    with zipfile.ZipFile(args.out, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name in files:
            text = (SOURCE / name).read_text()
            if name.startswith("databases/") and args.uri:
                # Quoted: a password may hold ':' or '#'.
                line = "sqlalchemy_uri: " + json.dumps(sqlalchemy_uri(args.uri))
                text = re.sub(r"(?m)^sqlalchemy_uri: .*$", lambda _, line=line: line, text)
            bundle.writestr(f"{ROOT_FOLDER}/{name}", text)
    charts = sum(name.startswith("charts/") for name in files)
    print(f"{args.out}: {len(files)} files, {charts} charts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
