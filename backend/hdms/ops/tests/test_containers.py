"""The containers run what the launcher runs (issue 11, item 6).

deploy/docker-compose.yml and deploy/docker/Dockerfile.* against hdms/ops/launcher.py's plan for
a container: host 0.0.0.0 (peers on the compose network must reach every process), base port 8000,
the web app on 3000, run directory /var/lib/hdms/run. Same processes, same commands, same ports,
same settings; the web image has no API origin baked in.
"""

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from hdms.ops.gateway import docker_gateway
from hdms.ops.launcher import BACKEND_DIR, FRONTEND_DIR, PRODUCTION_ENV, Supervisor, TopologyPlan, migrate_with_backup

REPO = BACKEND_DIR.parent
DEPLOY = REPO / "deploy"
RUN_DIR = "/var/lib/hdms/run"                     # <HDMS_DATA_DIR>/run, as the launcher's default
INFRASTRUCTURE = {"postgres", "pgbouncer", "redis", "clamd", "migrate", "gateway"}
BACKEND_IMAGES = ("user", "ticket", "communication", "file", "ai", "worker")


# --- reading the files ------------------------------------------------------------------------------

def _interpolate(value):
    """Compose's variable substitution, with unset variables: defaults taken, required ones named."""
    if isinstance(value, dict):
        return {k: _interpolate(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_interpolate(v) for v in value]
    if not isinstance(value, str):
        return value
    value = re.sub(r"\$\{(\w+):-([^}]*)\}", r"\2", value)
    value = re.sub(r"\$\{(\w+)(?::\?[^}]*)?\}", r"<\1>", value)
    return value.replace("$$", "$")


@pytest.fixture(scope="module")
def compose() -> dict:
    return _interpolate(yaml.safe_load((DEPLOY / "docker-compose.yml").read_text()))


def dockerfile(path: Path) -> dict:
    """ENV, EXPOSE, CMD and HEALTHCHECK of the final stage."""
    text = re.sub(r"\\\n", " ", path.read_text())
    image: dict = {"env": {}, "expose": [], "cmd": None, "healthcheck": ""}
    for line in text.splitlines():
        instruction, _, rest = line.strip().partition(" ")
        if instruction == "FROM":
            image = {"env": {}, "expose": [], "cmd": None, "healthcheck": ""}
        elif instruction == "ENV":
            image["env"].update(dict(word.split("=", 1) for word in shlex.split(rest)))
        elif instruction == "EXPOSE":
            image["expose"] += [int(p) for p in rest.split()]
        elif instruction == "CMD":
            image["cmd"] = json.loads(rest)
        elif instruction == "HEALTHCHECK":
            image["healthcheck"] = rest
    return image


def container(compose: dict, service: str) -> tuple[list[str], dict[str, str], dict]:
    """What a compose service runs: its command (or its image's CMD) and its environment."""
    spec = compose["services"][service]
    image = dockerfile(REPO / spec["build"]["dockerfile"]) if "build" in spec else {"env": {}, "cmd": None}
    return spec.get("command") or image["cmd"], {**image["env"], **spec.get("environment", {})}, image


def launcher_processes(tmp_path: Path) -> dict:
    """The launcher's processes for a container, keyed by compose service name, paths as in the images."""
    plan = TopologyPlan(base_port=8000, host="0.0.0.0", gateway_host="0.0.0.0", web_port=3000)
    run_dir = tmp_path / "run"
    supervisor = Supervisor(plan, env={}, run_dir=run_dir, python="python")

    def as_in_image(word: str) -> str:
        word = word.replace(str(BACKEND_DIR / "manage.py"), "manage.py")
        word = word.replace(str(FRONTEND_DIR), "/app/frontend")
        return word.replace(str(run_dir), RUN_DIR)

    procs = {}
    for proc in supervisor.planned():
        name = proc.name.removesuffix("-1").replace("_", "-")
        procs[name] = {"argv": [as_in_image(w) for w in proc.argv], "port": proc.port,
                       "env": {k: as_in_image(v) for k, v in (proc.env or {}).items()}}
    return procs


# --- the tests ------------------------------------------------------------------------------------------

def test_every_process_of_the_launcher_is_a_compose_service_running_the_same_command(compose, tmp_path):
    procs = launcher_processes(tmp_path)
    assert set(compose["services"]) - INFRASTRUCTURE == set(procs)
    for name, proc in procs.items():
        argv, env, _ = container(compose, name)
        assert argv == proc["argv"], f"{name}: compose/Dockerfile runs {argv}, the launcher {proc['argv']}"
        for key, value in proc["env"].items():
            assert env.get(key) == value, f"{name}: {key}={env.get(key)!r}, the launcher gives {value!r}"


def test_every_service_listens_where_its_peers_reach_it(compose, tmp_path):
    for name in launcher_processes(tmp_path):
        argv, _, _ = container(compose, name)
        if "--host" in argv:
            assert argv[argv.index("--host") + 1] == "0.0.0.0", name
        assert not {"127.0.0.1", "localhost", "-H"} & set(argv), f"{name} listens on loopback: {argv}"
    _, web_env, _ = container(compose, "frontend")
    assert web_env["HDMS_WEB_HOST"] == "0.0.0.0" and web_env["HDMS_WEB_PORT"] == "3000"
    for queue in ("high", "default", "low"):  # each worker's /metrics, like the services
        assert container(compose, f"worker-{queue}")[1]["HDMS_BIND_HOST"] == "0.0.0.0"


def test_images_expose_and_health_check_the_ports_the_launcher_gives(compose, tmp_path):
    procs = launcher_processes(tmp_path)
    for name in ("user", "ticket", "communication", "file", "ai", "frontend"):
        _, _, image = container(compose, name)
        assert image["expose"] == [procs[name]["port"]], name
        if image["healthcheck"]:
            assert f"127.0.0.1:{procs[name]['port']}/api/v1/health" in image["healthcheck"], name


def test_the_backend_containers_have_the_launchers_production_settings(compose):
    for name, spec in compose["services"].items():
        if "build" not in spec or "frontend" in spec["build"]["dockerfile"] or name == "gateway":
            continue
        _, env, _ = container(compose, name)
        for key, value in PRODUCTION_ENV.items():
            if key == "HDMS_TRUSTED_PROXIES":
                # The one deliberate difference: the launcher's gateway is on loopback, compose's is a
                # container of its own, so the trusted proxy is that container's fixed address.
                gateway_address = compose["services"]["gateway"]["networks"]["default"]["ipv4_address"]
                assert env.get(key) == gateway_address, f"{name}: {key}={env.get(key)!r}"
                continue
            assert env.get(key) == value, f"{name}: {key}={env.get(key)!r}, the launcher sets {value!r}"
    for image in BACKEND_IMAGES:  # the images alone (docker run) as well
        env = dockerfile(DEPLOY / "docker" / f"Dockerfile.{image}")["env"]
        # Which proxy speaks for the client depends on where the image runs: compose names its gateway.
        same = {k: v for k, v in PRODUCTION_ENV.items() if k != "HDMS_TRUSTED_PROXIES"}
        assert {k: env.get(k) for k in same} == same, image
        assert "HDMS_TRUSTED_PROXIES" not in env, image
        assert env["HDMS_DATA_DIR"] == "/var/lib/hdms" and env["HDMS_BIND_HOST"] == "0.0.0.0", image


def test_the_gateway_container_routes_to_the_services_on_the_launchers_ports(compose):
    plan = TopologyPlan(base_port=8000, web_port=3000)
    gateway = docker_gateway()
    assert compose["services"]["gateway"]["ports"] == [f"{plan.gateway_port}:{plan.gateway_port}"]
    assert gateway.listen == str(plan.gateway_port)
    for upstream, servers in gateway.upstreams.items():
        expected = {"frontend": [plan.web_port], "flower": [plan.flower_port]}.get(upstream) or plan.ports(upstream)
        assert [int(s.rsplit(":", 1)[1]) for s in servers] == expected, upstream
        assert {s.rsplit(":", 1)[0] for s in servers} == {upstream.replace("_", "-")}, upstream
        assert upstream.replace("_", "-") in compose["services"]


def test_the_web_image_is_built_without_an_api_origin(compose):
    frontend = (DEPLOY / "docker" / "Dockerfile.frontend").read_text()
    assert "NEXT_PUBLIC_" not in frontend and "--build-arg" not in frontend
    assert "args" not in compose["services"]["frontend"]["build"]
    assert not any(k.startswith("NEXT_PUBLIC_") for k in compose["services"]["frontend"].get("environment", {}))
    sources = [p for d in ("app", "components", "config", "hooks", "lib", "services", "store")
               for p in (REPO / "frontend" / d).rglob("*.ts*")]
    assert sources and not [p for p in sources if "NEXT_PUBLIC_" in p.read_text()]


def test_migrate_runs_what_the_launcher_runs_before_starting(compose, tmp_path):
    # What the launcher runs, recorded by a stand-in manage.py with one migration pending.
    log = tmp_path / "calls"
    recorder = tmp_path / "manage.py"
    recorder.write_text(
        "import sys\n"
        f"open({str(log)!r}, 'a').write(' '.join(sys.argv[1:]) + '\\n')\n"
        "sys.exit(1 if sys.argv[1:] == ['migrate', '--check'] else 0)\n"
    )
    assert migrate_with_backup([sys.executable, str(recorder)], env={}, backup=True)
    launcher_steps = [*log.read_text().splitlines(), "collectstatic --noinput -v0"]
    assert launcher_steps == ["migrate --check", "backup --reason pre-migrate", "migrate --noinput",
                              "collectstatic --noinput -v0"]
    assert '"collectstatic", "--noinput", "-v0"' in (DEPLOY / "launch.py").read_text()

    argv, env, _ = container(compose, "migrate")
    script = argv[-1]
    positions = [script.index(f"manage.py {step}") for step in launcher_steps]
    assert positions == sorted(positions), script
    assert env["DATABASE_URL"].startswith("postgres://hdms:") and "@postgres:5432/" in env["DATABASE_URL"]
    # --no-backup of the launcher: HDMS_PRE_MIGRATE_BACKUP=false; a failed backup stops everything.
    assert env["HDMS_PRE_MIGRATE_BACKUP"] == "true" and "|| exit 2" in script
    result = subprocess.run(["sh", "-n", "-c", script], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
