#!/usr/bin/env python
"""Production launcher: the whole HDMS topology on one machine (deploy/README.md).

System packages (the distribution's): nginx, PostgreSQL, Redis, clamd, ffmpeg (and pgbouncer if
used). The rest comes from the project's virtualenv. This script does not install or start
PostgreSQL, Redis or clamd (the distribution's service manager runs them); it checks they answer,
takes a backup if there is something to migrate (encrypted, copied off the machine: deploy/README.md,
"Backups"), migrates, then starts and supervises:

    user :8001   ticket :8002 (+:8012, :8022 ... with --scale ticket=N)   communication :8003
    communication WebSocket :8004   file :8005   Celery worker per queue (high, default, low) + beat
    nginx gateway :8080 (rendered from deploy/nginx/hdms.conf.template)   [pgbouncer, web app :3000]
    with HDMS_TLS_CERTIFICATE and HDMS_TLS_KEY: HTTPS on :8043 (--https-port 443) and the HTTP port
    (--http-port 80) redirecting to it, HSTS on
    with HDMS_SUPERSET=true (or --superset): Apache Superset on 127.0.0.1:8088 from its own virtualenv
    (deploy/superset/install.sh first), set up after migrate (deploy/superset/setup.sh)

If any process dies, everything is stopped and the launcher exits 1, so systemd
(``Restart=always``) or the container runtime brings the topology back whole.

    HDMS_SECRET_KEY=... DATABASE_URL=postgres://hdms@127.0.0.1:6432/hdms REDIS_URL=redis://127.0.0.1:6379/0 \\
    HDMS_CLAMD_URL=unix:///run/clamav/clamd.ctl HDMS_PGBOUNCER=true \\
      .venv/bin/python deploy/launch.py --scale ticket=2 --pgbouncer deploy/pgbouncer/pgbouncer.ini
"""

import argparse
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "backend"))

from hdms.ops.launcher import (  # noqa: E402
    PRODUCTION_ENV,
    SUPERSET_DIR,
    Proc,
    Supervisor,
    TopologyPlan,
    migrate_with_backup,
)

REQUIRED_BINARIES = ("nginx", "pg_dump", "ffmpeg", "age", "rclone")


def _reachable(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or default_port), timeout=3):
            return True
    except OSError:
        return False


def superset_venv(env: dict[str, str]) -> Path:
    return Path(env.get("HDMS_SUPERSET_VENV") or REPO / "var" / "superset-venv")


def preflight(env: dict[str, str], *, superset: bool = False) -> list[str]:
    problems = [f"{name} is not installed (apt-get install {name})" for name in REQUIRED_BINARIES
                if shutil.which(name) is None]
    for name in ("HDMS_SECRET_KEY", "DATABASE_URL", "REDIS_URL"):
        if not env.get(name):
            problems.append(f"{name} is not set")
    if env.get("DATABASE_URL") and not _reachable(env["DATABASE_URL"], 5432):
        problems.append("PostgreSQL (DATABASE_URL) does not answer")
    if env.get("REDIS_URL") and not _reachable(env["REDIS_URL"], 6379):
        problems.append("Redis (REDIS_URL) does not answer")
    certificate, key = env.get("HDMS_TLS_CERTIFICATE", ""), env.get("HDMS_TLS_KEY", "")
    if bool(certificate) != bool(key):
        problems.append("HDMS_TLS_CERTIFICATE and HDMS_TLS_KEY go together: set both or neither")
    for name, path in (("HDMS_TLS_CERTIFICATE", certificate), ("HDMS_TLS_KEY", key)):
        if path and not os.access(path, os.R_OK):
            problems.append(f"{name} {path} is not a readable file")
    clamd = env.get("HDMS_CLAMD_URL", "")
    if not clamd:
        problems.append("HDMS_CLAMD_URL is not set (clamd: unix:///run/clamav/clamd.ctl)")
    elif clamd.startswith("unix://") and not Path(clamd.removeprefix("unix://")).exists():
        problems.append(f"clamd socket {clamd} does not exist (systemctl start clamav-daemon)")
    if superset and not (superset_venv(env) / "bin" / "gunicorn").exists():
        problems.append(f"Superset is not installed in {superset_venv(env)} (deploy/superset/install.sh)")
    return problems


def parse_scale(values: list[str]) -> dict[str, int]:
    scale = {}
    for value in values:
        service, _, count = value.partition("=")
        scale[service] = int(count)
    return scale


def main() -> int:
    parser = argparse.ArgumentParser(description="Start the HDMS topology on this machine.")
    parser.add_argument("--listen", default="0.0.0.0", help="address the gateway listens on")  # noqa: S104
    parser.add_argument("--base-port", type=int, default=8000, help="user = base+1 ... gateway = base+80")
    parser.add_argument("--scale", action="append", default=[], metavar="SERVICE=N",
                        help="processes of a service, e.g. ticket=2 (user, ticket, communication, "
                             "communication_ws, file)")
    parser.add_argument("--asgi-server", default="granian", choices=("uvicorn", "granian", "daphne"))
    parser.add_argument("--worker-concurrency", type=int, default=2)
    parser.add_argument("--single-worker", action="store_true", help="one worker for all queues (small boxes)")
    parser.add_argument("--pgbouncer", metavar="INI", help="also run pgbouncer with this configuration")
    parser.add_argument("--frontend", action="store_true", help="run the built web app (npm run start) on :3000")
    parser.add_argument("--web-port", type=int, default=3000, help="port of the web app behind the gateway")
    parser.add_argument("--superset", action="store_true",
                        help="also run Apache Superset on base+88 (also HDMS_SUPERSET=true; deploy/superset/README.md)")
    parser.add_argument("--http-port", type=int, default=None, help="gateway's HTTP port (default base+80)")
    parser.add_argument("--https-port", type=int, default=None,
                        help="gateway's HTTPS port with HDMS_TLS_CERTIFICATE/HDMS_TLS_KEY set (default base+43)")
    parser.add_argument("--run-dir", default=None, help="logs, pid files, nginx prefix (default <data dir>/run)")
    parser.add_argument("--skip-checks", action="store_true")
    parser.add_argument("--no-backup", action="store_true",
                        help="migrate without the pre-migrate backup (only for a database you can lose)")
    args = parser.parse_args()

    env = {**PRODUCTION_ENV, **os.environ}
    data_dir = Path(env.setdefault("HDMS_DATA_DIR", str(REPO / "var")))
    run_dir = Path(args.run_dir or data_dir / "run")

    superset = args.superset or env.get("HDMS_SUPERSET", "").lower() == "true"
    if superset:
        env.setdefault("HDMS_SUPERSET_HOME", str(data_dir / "superset"))
    problems = [] if args.skip_checks else preflight(env, superset=superset)
    if problems:
        print("Cannot start:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 2

    plan = TopologyPlan(base_port=args.base_port, scale=parse_scale(args.scale), asgi_server=args.asgi_server,
                        worker_concurrency=args.worker_concurrency,
                        worker_queues=[["high", "default", "low"]] if args.single_worker
                        else [["high"], ["default"], ["low"]],
                        web_port=args.web_port if args.frontend else None, gateway_host=args.listen,
                        tls_certificate=env.get("HDMS_TLS_CERTIFICATE") or None,
                        tls_key=env.get("HDMS_TLS_KEY") or None,
                        http_port=args.http_port, https_port=args.https_port, superset=superset,
                        # Email in (DESIGN §11): the SMTP listener, when the desk has a port for it.
                        mail_in_port=int(env.get("HDMS_MAIL_IN_PORT") or 0) or None)
    # Links in emails go to the desk's public address: set HDMS_FRONTEND_URL to it (the default is
    # the gateway on this machine).
    env.setdefault("HDMS_FRONTEND_URL", plan.gateway_origin())
    supervisor = Supervisor(plan, env=env, run_dir=run_dir)
    manage = [sys.executable, str(REPO / "backend" / "manage.py")]
    if args.pgbouncer:
        supervisor.start(Proc("pgbouncer", ["pgbouncer", args.pgbouncer], None, health_path=None))
    # A backup (encrypted, copied off the machine) before migrate changes anything; if it fails
    # nothing is migrated and the launcher stops (deploy/README.md, "Backups").
    try:
        migrate_with_backup(manage, env, backup=not args.no_backup)
    except subprocess.CalledProcessError as exc:
        supervisor.stop_all()
        if "backup" not in exc.cmd:
            raise
        print("Cannot start: the pre-migrate backup failed, so nothing was migrated. Fix the backup "
              "settings (deploy/README.md, \"Backups\") or pass --no-backup.", file=sys.stderr)
        return 2
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=env, check=True)  # noqa: S603
    if superset:  # after migrate: the reporting views and role exist; idempotent
        subprocess.run([str(SUPERSET_DIR / "setup.sh")], env=env, check=True)  # noqa: S603
    supervisor.start_all(timeout=120)
    print(f"HDMS is up: {plan.gateway_origin()}/ (logs in {run_dir})", flush=True)
    return supervisor.run_forever()


if __name__ == "__main__":
    sys.exit(main())
