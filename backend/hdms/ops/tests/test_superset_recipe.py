"""The optional Superset recipe (deploy/superset/, docs/reporting.md "Superset"): the launcher plans it
only when asked, refuses to start without its virtual environment, and the dashboard bundle only
names views and columns the reporting schema documents. bench/superset_check.sh runs the real thing."""

import importlib.util
import os
import subprocess
import sys

from hdms.ops.launcher import BACKEND_DIR, PORT_OFFSETS, Supervisor, TopologyPlan

SUPERSET_DIR = BACKEND_DIR.parent / "deploy" / "superset"


def _bundle_module():
    spec = importlib.util.spec_from_file_location("superset_bundle", SUPERSET_DIR / "bundle.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_superset_is_planned_only_when_asked_on_base_plus_88_from_its_own_start_script(tmp_path):
    assert "superset" not in {proc.name for proc in Supervisor(TopologyPlan(), env={}, run_dir=tmp_path).planned()}
    plan = TopologyPlan(base_port=19200, superset=True)
    superset = {proc.name: proc for proc in Supervisor(plan, env={}, run_dir=tmp_path).planned()}["superset"]
    assert superset.port == plan.superset_port == 19288 and superset.health_path == "/health"
    assert superset.env == {"HDMS_SUPERSET_HOST": "127.0.0.1", "HDMS_SUPERSET_PORT": "19288"}
    # gunicorn of Superset's own virtual environment, through start.sh; never the desk's Python.
    assert superset.argv == [str(SUPERSET_DIR / "start.sh")]
    assert os.access(superset.argv[0], os.X_OK)
    assert plan.superset_port not in {port for name in PORT_OFFSETS for port in plan.ports(name)}


def test_launch_py_with_superset_refuses_to_start_without_its_virtual_environment(tmp_path):
    # No secret key either: the launcher stops at its checks whatever this machine has installed.
    env = {**os.environ, "HDMS_SUPERSET": "true", "HDMS_SUPERSET_VENV": str(tmp_path / "no-venv"),
           "HDMS_DATA_DIR": str(tmp_path / "data"), "HDMS_SECRET_KEY": ""}
    result = subprocess.run([sys.executable, str(BACKEND_DIR.parent / "deploy" / "launch.py")], env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert f"Superset is not installed in {tmp_path / 'no-venv'} (deploy/superset/install.sh)" in result.stderr
    without = subprocess.run([sys.executable, str(BACKEND_DIR.parent / "deploy" / "launch.py")],
                             env={**env, "HDMS_SUPERSET": ""}, capture_output=True, text=True, timeout=60)
    assert without.returncode == 2 and "HDMS_SECRET_KEY is not set" in without.stderr
    assert "Superset" not in without.stderr


def test_the_bundle_names_only_documented_views_and_columns_and_shows_every_chart():
    bundle = _bundle_module()
    files = bundle.load()
    assert bundle.problems(files) == []
    charts = [name for name in files if name.startswith("charts/")]
    assert len(charts) >= 6
    # A renamed column would break the charts that use it: the bundle refuses it.
    tickets = files["datasets/HDMS_reporting/tickets.yaml"]
    tickets["columns"][0]["column_name"] = "ticket_uuid"
    files["charts/extra.yaml"] = {**files[charts[0]], "uuid": "00000000-0000-0000-0000-000000000001"}
    found = bundle.problems(files)
    assert any("tickets.yaml: columns not in docs/reporting.md" in problem and "ticket_uuid" in problem
               for problem in found)
    assert "charts/extra.yaml is on no dashboard" in found


def test_the_database_entry_is_the_reporting_role_without_the_desks_password():
    bundle = _bundle_module()
    desk = {"DATABASE_URL": "postgres://hdms:desk-secret@db.internal:5433/hdms?sslmode=require"}
    assert bundle.reporting_uri(desk) == "postgresql+psycopg2://hdms_reporting@db.internal:5433/hdms?sslmode=require"
    chosen = {**desk, "HDMS_REPORTING_URI": "postgresql://hdms_reporting:report-pw@db.internal/hdms"}
    assert bundle.reporting_uri(chosen) == "postgresql+psycopg2://hdms_reporting:report-pw@db.internal/hdms"
    assert bundle.reporting_uri({"DATABASE_URL": "sqlite:///var/hdms.sqlite3"}) == ""
