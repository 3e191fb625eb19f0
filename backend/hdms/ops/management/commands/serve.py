"""``manage.py serve <service>``: one service of DESIGN §1 as a server process on its port.

The command replaces itself (exec) with the server, with ``HDMS_SERVICE`` set, so the new
process's settings, ``hdms/api.py`` and ``hdms/asgi.py`` mount only that service's routers and
consumers (hdms/topology.py). Granian is the default server, chosen by measurement
(deploy/README.md, "Choosing the ASGI server"); uvicorn and daphne remain selectable
(``--server`` or ``HDMS_ASGI_SERVER``).

Under granian the services of ``WSGI_SERVICES`` are served through WSGI (``hdms/wsgi.py``) on a
fixed set of threads: the ticket service spent 12-33 % less CPU per request so, the communication
service's HTTP process 15 % (bench/RESULTS.md, "The ticket service under WSGI" and "The
communication service under WSGI"); its WebSockets have a process of their own under uvicorn
(the launcher's ``communication_ws``, compose's ``communication-ws``). The others stay on ASGI:
the file service streams uploads to quarantine as they arrive, the ai service mounts FastAPI, and
"all" (``make run``) serves WebSockets.
"""

import os
import shutil
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from hdms.topology import SERVICE_NAMES

DEFAULT_PORTS = {"all": 8000, "user": 8001, "ticket": 8002, "communication": 8003, "file": 8005, "ai": 8006}
SERVERS = ("uvicorn", "granian", "daphne")
APP = "hdms.asgi:application"
WSGI_APP = "hdms.wsgi:application"
WSGI_SERVICES = ("ticket", "communication")
# Requests one WSGI process serves at once: its database pool's size (HDMS_DB_POOL_MAX), so a
# request never waits for a connection behind the others; 4 without a pool.
WSGI_THREADS_DEFAULT = 4


def wsgi_threads() -> int:
    from django.conf import settings

    pool = settings.DATABASES["default"].get("OPTIONS", {}).get("pool")
    return int(pool["max_size"]) if isinstance(pool, dict) and "max_size" in pool else WSGI_THREADS_DEFAULT


def server_argv(server: str, *, host: str, port: int, workers: int, access_log: bool,
                service: str = "all") -> list[str]:
    python = sys.executable
    if server == "uvicorn":
        argv = [python, "-m", "uvicorn", APP, "--host", host, "--port", str(port), "--lifespan", "off",
                "--loop", "uvloop", "--http", "httptools",
                # WebSocket: the sans-I/O websockets protocol without permessage-deflate, measured
                # best for the communication WebSocket process (bench/README-ws.md): compressing
                # every frame of a room's fan-out costs more CPU than the bytes are worth on a LAN.
                "--ws", "websockets-sansio", "--ws-per-message-deflate", "false",
                "--timeout-keep-alive", "75", "--timeout-graceful-shutdown", "20",
                # The client's address is the socket's peer; only the proxies named in
                # HDMS_TRUSTED_PROXIES may name another (hdms.core.middleware.client_ip), never
                # uvicorn's default of trusting X-Forwarded-For from 127.0.0.1.
                "--no-proxy-headers"]
        if workers > 1:
            argv += ["--workers", str(workers)]
        if not access_log:
            argv.append("--no-access-log")
        return argv
    if server == "granian":
        binary = shutil.which("granian", path=os.path.dirname(python)) or "granian"
        wsgi = service in WSGI_SERVICES
        argv = [binary, "--interface", "wsgi" if wsgi else "asgi", "--host", host, "--port", str(port),
                "--workers", str(workers), "--respawn-failed-workers"]
        argv += ["--blocking-threads", str(wsgi_threads())] if wsgi else []
        argv += ["--access-log"] if access_log else []
        return [*argv, WSGI_APP if wsgi else APP]
    if server == "daphne":
        binary = shutil.which("daphne", path=os.path.dirname(python)) or "daphne"
        if workers > 1:
            raise CommandError("daphne runs one process; start more processes on more ports instead.")
        argv = [binary, "-b", host, "-p", str(port)]  # no --proxy-headers: see uvicorn above
        argv += [] if access_log else ["--access-log", os.devnull]
        return [*argv, APP]
    raise CommandError(f"Unknown server {server!r}; expected one of {', '.join(SERVERS)}")


class Command(BaseCommand):
    help = "Serve one service (user, ticket, communication, file, ai or all) as an ASGI process."

    def add_arguments(self, parser) -> None:
        parser.add_argument("service", choices=SERVICE_NAMES)
        parser.add_argument("--host", default=os.environ.get("HDMS_BIND_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=None, help="default: the service's port (DESIGN §1)")
        parser.add_argument("--server", choices=SERVERS, default=os.environ.get("HDMS_ASGI_SERVER", "granian"))
        parser.add_argument("--workers", type=int, default=1, help="processes behind this one port")
        parser.add_argument("--access-log", action="store_true", help="the gateway keeps the access log")
        parser.add_argument("--dry-run", action="store_true", help="print the command instead of running it")

    def handle(self, *args: Any, **options: Any) -> None:
        service = str(options["service"])
        port = options["port"] or DEFAULT_PORTS[service]
        argv = server_argv(
            str(options["server"]), host=str(options["host"]), port=int(port),
            workers=int(options["workers"]), access_log=bool(options["access_log"]), service=service,
        )
        env = {**os.environ, "HDMS_SERVICE": service}
        env.setdefault("DJANGO_SETTINGS_MODULE", os.environ.get("DJANGO_SETTINGS_MODULE", "hdms.settings.production"))
        if options["dry_run"]:
            self.stdout.write(f"HDMS_SERVICE={service} " + " ".join(argv))
            return
        sys.stdout.flush()
        sys.stderr.flush()
        os.chdir(_backend_dir())
        os.execve(argv[0], argv, env)  # noqa: S606 - replaces this process with the server


def _backend_dir() -> str:
    from django.conf import settings

    return str(settings.BACKEND_DIR)
