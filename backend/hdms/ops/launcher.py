"""Starts and supervises the HDMS topology on one machine (DESIGN §1).

Plain Python (no Django import), shared by deploy/launch.py (production on one box) and the
topology test, so the two start exactly the same processes:

- one ASGI process per service (``manage.py serve <service> --port P``), N for a scaled service;
- the communication service twice: HTTP (``communication``) and WebSocket (``communication_ws``);
- Celery workers (one per queue in production, one for all queues in tests) and beat;
- nginx rendered from deploy/nginx/hdms.conf.template (hdms/ops/gateway.py).

Ports come from one base: user base+1, ticket base+2 (extra ticket processes base+12, base+22,
...), communication base+3, its WebSocket process base+4, file base+5, ai base+6, the gateway base+80 (with
TLS: HTTPS on base+43 and base+80 redirecting to it, unless given). The production base is 8000
(so 8001..8006 and 8080, as DESIGN §1 lists); production with TLS passes 443 and 80.

Optional: Apache Superset on base+88 (8088, its usual port) from its own virtual environment
(deploy/superset/, opted in with ``superset=True``; deploy/launch.py: HDMS_SUPERSET=true).
"""

import contextlib
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from hdms.ops.gateway import Gateway, render_nginx

BACKEND_DIR = Path(__file__).resolve().parents[2]
PORT_OFFSETS = {"user": 1, "ticket": 2, "communication": 3, "communication_ws": 4, "file": 5, "ai": 6}
WORKER_METRICS_OFFSET = 7                    # each Celery worker's /metrics: base+7, base+17, ...
FLOWER_OFFSET = 9                            # Celery Flower (loopback; admins reach it at /flower/)
GATEWAY_OFFSET = 80
GATEWAY_TLS_OFFSET = 43
SUPERSET_OFFSET = 88                         # Apache Superset (optional; deploy/superset/)
FRONTEND_DIR = BACKEND_DIR.parent / "frontend"
SUPERSET_DIR = BACKEND_DIR.parent / "deploy" / "superset"

# Settings every production process gets unless the environment says otherwise (deploy/launch.py;
# deploy/docker-compose.yml and the Dockerfiles set the same, a test compares them).
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "hdms.settings.production",
    # The gateway runs on this host: only it speaks for the client's address (X-Real-IP, -Proto).
    "HDMS_TRUSTED_PROXIES": "127.0.0.1,::1",
    "HDMS_SERVE_STATIC": "false",
    "HDMS_TASKS_EAGER": "false",
    "PYTHONUNBUFFERED": "1",
    # Under ASGI each request runs in a fresh thread, so Django's persistent connections
    # (CONN_MAX_AGE > 0) are never reused and pile up until PostgreSQL refuses clients.
    "HDMS_DB_CONN_MAX_AGE": "0",
}


@dataclass
class Proc:
    name: str
    argv: list[str]
    port: int | None = None
    health_path: str | None = "/api/v1/health"
    popen: subprocess.Popen | None = None
    env: dict[str, str] | None = None         # added to the supervisor's environment
    scheme: str = "http"
    # An optional tool beside the desk (Superset): its exit is reported and the desk goes on.
    optional: bool = False


@dataclass
class TopologyPlan:
    base_port: int = 8000
    scale: dict[str, int] = field(default_factory=dict)  # e.g. {"ticket": 2}
    worker_queues: list[list[str]] = field(default_factory=lambda: [["high"], ["default"], ["low"]])
    worker_concurrency: int = 2
    beat: bool = True
    flower: bool = True                      # Celery Flower behind the gateway's /flower/ (admins)
    gateway: bool = True
    web_port: int | None = None              # run the built web app (next start) there, behind the gateway
    asgi_server: str = "granian"             # chosen by measurement (deploy/README.md)
    asgi_workers: int = 1                    # processes behind each port (uvicorn --workers)
    # The WebSocket process runs uvicorn: 42 vs 173 KiB per socket and half the CPU per fan-out
    # frame of granian, measured (bench/README-ws.md, "Choosing the WebSocket server").
    ws_asgi_server: str = "uvicorn"
    host: str = "127.0.0.1"                  # where the service processes listen
    gateway_host: str = "127.0.0.1"          # where nginx listens (0.0.0.0 in production)
    # TLS at the gateway (HDMS_TLS_CERTIFICATE / HDMS_TLS_KEY in deploy/launch.py): HTTPS on
    # gateway_tls_port, and gateway_port only redirects to it.
    tls_certificate: str | None = None
    tls_key: str | None = None
    http_port: int | None = None             # default base+80
    https_port: int | None = None            # default base+43
    # Email in (DESIGN §11): the SMTP listener (manage.py mail_in) on this port, when set
    # (HDMS_MAIL_IN_PORT in deploy/launch.py); the desk's mail server relays the desk's addresses to it.
    mail_in_port: int | None = None
    # Apache Superset (deploy/superset/start.sh: gunicorn from its own venv) on base+88, on the
    # service host; it reads the desk's numbers as hdms_reporting (docs/reporting.md).
    superset: bool = False

    def ports(self, service: str) -> list[int]:
        first = self.base_port + PORT_OFFSETS[service]
        return [first + 10 * index for index in range(self.scale.get(service, 1))]

    @property
    def superset_port(self) -> int:
        return self.base_port + SUPERSET_OFFSET

    @property
    def flower_port(self) -> int:
        return self.base_port + FLOWER_OFFSET

    def worker_metrics_port(self, index: int) -> int:
        return self.base_port + WORKER_METRICS_OFFSET + 10 * index

    @property
    def tls(self) -> bool:
        return bool(self.tls_certificate)

    @property
    def gateway_port(self) -> int:
        """The plain-HTTP port (with TLS on it only redirects)."""
        return self.http_port or self.base_port + GATEWAY_OFFSET

    @property
    def gateway_tls_port(self) -> int:
        return self.https_port or self.base_port + GATEWAY_TLS_OFFSET

    def gateway_origin(self, host: str | None = None) -> str:
        """Where browsers reach the desk."""
        host = host or self.host
        if self.tls:
            return f"https://{host}" + ("" if self.gateway_tls_port == 443 else f":{self.gateway_tls_port}")
        return f"http://{host}" + ("" if self.gateway_port == 80 else f":{self.gateway_port}")


class Supervisor:
    """Starts processes in their own process groups, waits for health, stops them all."""

    def __init__(self, plan: TopologyPlan, *, env: dict[str, str], run_dir: Path,
                 python: str = sys.executable, nginx: str = "nginx") -> None:
        self.plan = plan
        self.env = env
        self.run_dir = run_dir
        self.python = python
        self.nginx = nginx
        self.procs: dict[str, Proc] = {}
        self.gone: set[str] = set()  # optional tools that exited
        self.gateway: Gateway | None = None
        run_dir.mkdir(parents=True, exist_ok=True)

    # -- what runs ------------------------------------------------------------------------
    def _manage(self, *args: str) -> list[str]:
        return [self.python, str(BACKEND_DIR / "manage.py"), *args]

    def _celery(self, *args: str) -> list[str]:
        return [self.python, "-m", "celery", "-A", "hdms", *args]

    def planned(self) -> list[Proc]:
        plan = self.plan
        procs: list[Proc] = []
        for service in ("user", "ticket", "communication", "file", "ai"):
            for index, port in enumerate(plan.ports(service)):
                procs.append(Proc(f"{service}-{index + 1}", self._serve(service, port), port))
        for index, port in enumerate(plan.ports("communication_ws")):
            procs.append(Proc(f"communication_ws-{index + 1}",
                              self._serve("communication", port, server=plan.ws_asgi_server), port))
        for index, queues in enumerate(plan.worker_queues):
            label = "-".join(queues)
            procs.append(Proc(
                f"worker-{label}",
                self._celery("worker", "-Q", ",".join(queues), "-c", str(plan.worker_concurrency),
                             "-n", f"{label}@%h", "--loglevel", "INFO", "--without-gossip", "--without-mingle"),
                health_path=None,
                # Task metrics of every pool process, served by the worker (hdms/ops/celery_metrics.py).
                env={"PROMETHEUS_MULTIPROC_DIR": str(self.run_dir / "metrics" / f"worker-{label}"),
                     "HDMS_WORKER_METRICS_PORT": str(plan.worker_metrics_port(index)),
                     "HDMS_BIND_HOST": plan.host},
            ))
        if plan.beat:
            procs.append(Proc("beat", self._celery("beat", "--loglevel", "INFO", "-s",
                                                   str(self.run_dir / "celerybeat-schedule")), health_path=None))
        if plan.flower:
            procs.append(Proc("flower", self._celery(
                "flower", f"--address={plan.host}", f"--port={plan.flower_port}", "--url_prefix=flower",
                "--persistent=False", "--purge_offline_workers=300", "--logging=info",
            ), plan.flower_port, health_path="/flower/healthcheck"))
        if plan.mail_in_port:
            # Health: the port accepts a connection (it speaks SMTP, not HTTP).
            procs.append(Proc("mail_in", self._manage("mail_in", "--host", plan.host, "--port",
                                                      str(plan.mail_in_port)), plan.mail_in_port, health_path=None))
        if plan.web_port:
            # The web app built once (npm run build); it calls the API on its own origin, the gateway's.
            # Its server (what `npm run start` runs) directly, so stopping it stops the server itself.
            procs.append(Proc("frontend", ["node", str(FRONTEND_DIR / "server.mjs")], plan.web_port,
                              health_path="/login",
                              env={"HDMS_WEB_HOST": plan.host, "HDMS_WEB_PORT": str(plan.web_port)}))
        if plan.superset:
            # Set up beforehand (deploy/superset/setup.sh, as deploy/launch.py does); start.sh execs gunicorn.
            procs.append(Proc("superset", [str(SUPERSET_DIR / "start.sh")], plan.superset_port, health_path="/health",
                              env={"HDMS_SUPERSET_HOST": plan.host, "HDMS_SUPERSET_PORT": str(plan.superset_port)},
                              optional=True))
        return procs

    def _serve(self, service: str, port: int, server: str | None = None) -> list[str]:
        return self._manage("serve", service, "--host", self.plan.host, "--port", str(port),
                            "--server", server or self.plan.asgi_server, "--workers", str(self.plan.asgi_workers))

    def gateway_config(self) -> Gateway:
        plan = self.plan
        upstreams = {name: [f"{plan.host}:{port}" for port in plan.ports(name)] for name in PORT_OFFSETS}
        upstreams["frontend"] = [f"{plan.host}:{plan.web_port}"] if plan.web_port else []
        upstreams["flower"] = [f"{plan.host}:{plan.flower_port}"] if plan.flower else []
        http = f"{plan.gateway_host}:{plan.gateway_port}"
        listen, redirect_listen, certificate, key = http, None, None, None
        if plan.tls:
            listen, redirect_listen = f"{plan.gateway_host}:{plan.gateway_tls_port}", http
            certificate, key = Path(plan.tls_certificate or ""), Path(plan.tls_key or "")
        return Gateway(prefix=self.run_dir / "nginx", listen=listen, redirect_listen=redirect_listen,
                       tls_certificate=certificate, tls_key=key, upstreams=upstreams, worker_processes="2",
                       static_root=Path(self.env.get("HDMS_DATA_DIR", str(self.run_dir))) / "static")

    # -- running --------------------------------------------------------------------------
    def start(self, proc: Proc) -> Proc:
        log = (self.run_dir / f"{proc.name}.log").open("ab")
        metrics_dir = (proc.env or {}).get("PROMETHEUS_MULTIPROC_DIR")
        if metrics_dir:  # multiprocess metrics start empty: old files would add an earlier run's counts
            Path(metrics_dir).mkdir(parents=True, exist_ok=True)
            for stale in Path(metrics_dir).glob("*.db"):
                stale.unlink()
        proc.popen = subprocess.Popen(  # noqa: S603
            proc.argv, env={**self.env, **(proc.env or {})}, cwd=BACKEND_DIR, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.procs[proc.name] = proc
        return proc

    def start_all(self, timeout: float = 60.0) -> None:
        for proc in self.planned():
            self.start(proc)
        if self.plan.gateway:
            self.gateway = self.gateway_config()
            render_nginx(self.gateway)
            if self.plan.tls:
                self.start(Proc("nginx", self.gateway.command(self.nginx), self.plan.gateway_tls_port,
                                health_path="/api/v1/health", scheme="https"))
            else:
                self.start(Proc("nginx", self.gateway.command(self.nginx), self.plan.gateway_port))
        self.wait_healthy(timeout=timeout)
        if self.plan.worker_queues:
            self.wait_workers(timeout=timeout)

    def wait_workers(self, timeout: float = 60.0) -> None:
        """Until a service's health sees the Celery workers (``checks.workers`` is ``ok (N)``)."""
        port = self.plan.ports("user")[0]
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"http://{self.plan.host}:{port}/api/v1/health", timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.HTTPError, OSError):
                pass
            for proc in self.procs.values():
                self.check_alive(proc)
            if time.monotonic() > deadline:
                raise TimeoutError("Celery workers did not answer the health check's ping")
            time.sleep(0.5)

    def wait_healthy(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        for proc in self.procs.values():
            if proc.port is None:
                continue
            path = proc.health_path or "/"
            while True:
                self.check_alive(proc)
                if (_accepts(self.plan.host, proc.port) if proc.health_path is None
                        else _responds(f"{proc.scheme}://{self.plan.host}:{proc.port}{path}")):
                    break
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{proc.name} did not answer on port {proc.port}: {self.tail(proc)}")
                time.sleep(0.2)

    def check_alive(self, proc: Proc) -> None:
        if proc.popen is not None and proc.popen.poll() is not None:
            raise RuntimeError(f"{proc.name} exited with {proc.popen.returncode}: {self.tail(proc)}")

    def tail(self, proc: Proc, lines: int = 30) -> str:
        path = self.run_dir / f"{proc.name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Kills one process group at once (SIGKILL: no clean shutdown, as a crash would)."""
        proc = self.procs[name]
        if proc.popen is not None and proc.popen.poll() is None:
            os.killpg(proc.popen.pid, sig)
            proc.popen.wait(timeout=10)
            # The group's other members (an ASGI server's worker processes) die with it, a few
            # milliseconds later; until then their inherited listening socket still accepts.
            deadline = time.monotonic() + 10
            while proc.port and _accepts(self.plan.host, proc.port) and time.monotonic() < deadline:
                time.sleep(0.02)

    def stop_all(self, grace: float = 10.0) -> None:
        """SIGTERM to every process group, then SIGKILL after ``grace``. The group is signalled even
        when its leader already died: an ASGI server's worker processes can outlive their master."""
        for proc in reversed(list(self.procs.values())):
            if proc.popen is not None:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(proc.popen.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for proc in self.procs.values():
            if proc.popen is None:
                continue
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.popen.wait(timeout=max(0.1, deadline - time.monotonic()))
        for proc in self.procs.values():
            if proc.popen is None:
                continue
            while _group_alive(proc.popen.pid) and time.monotonic() < deadline:
                time.sleep(0.1)
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.popen.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.popen.wait(timeout=5)

    def stopped_process(self) -> str | None:
        """The name of a process of the desk that has exited (then everything stops), or None. An
        optional tool that exited is reported once and forgotten."""
        for proc in self.procs.values():
            if proc.popen is None or proc.popen.poll() is None or proc.name in self.gone:
                continue
            if not proc.optional:
                print(f"{proc.name} exited with {proc.popen.returncode}; stopping.", file=sys.stderr)
                return proc.name
            print(f"{proc.name} exited with {proc.popen.returncode}; the desk goes on without it. "
                  f"Its log ends: {self.tail(proc, 5)}", file=sys.stderr)
            self.gone.add(proc.name)  # still stopped with the rest (a child may outlive it)
        return None

    def run_forever(self) -> int:
        """Production: if any process of the desk dies, stop everything and exit non-zero (the init
        system (systemd) or the container runtime restarts the topology). An optional tool's exit
        (Superset) is reported once and the desk goes on without it."""
        try:
            while self.stopped_process() is None:
                time.sleep(1)
            return 1
        except KeyboardInterrupt:
            return 0
        finally:
            self.stop_all()


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _accepts(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def _responds(url: str) -> bool:
    # Whether our own local process is up, not whether its certificate is trusted (it may be the
    # deployment's real one, issued for the public name, not for 127.0.0.1).
    context = ssl._create_unverified_context() if url.startswith("https:") else None  # noqa: S323
    try:
        with urllib.request.urlopen(url, timeout=2, context=context) as response:  # noqa: S310
            return response.status < 500
    except urllib.error.HTTPError as exc:
        return exc.code not in (502, 504)  # the app's 503 "degraded" still means the process is up
    except OSError:
        return False


def migrate_with_backup(manage: list[str], env: dict[str, str], *, backup: bool = True) -> bool:
    """``migrate``, preceded by a full backup (``manage.py backup --reason pre-migrate``: encrypted,
    copied off the machine) whenever migrate has something to apply. A failed backup raises
    ``CalledProcessError`` before anything is migrated. Returns whether a backup was taken."""
    pending = subprocess.run([*manage, "migrate", "--check"], env=env, capture_output=True)  # noqa: S603
    took = False
    if backup and pending.returncode != 0:
        subprocess.run([*manage, "backup", "--reason", "pre-migrate"], env=env, check=True)  # noqa: S603
        took = True
    subprocess.run([*manage, "migrate", "--noinput"], env=env, check=True)  # noqa: S603
    return took
