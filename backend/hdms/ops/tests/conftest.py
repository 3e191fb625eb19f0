"""The production topology, started once per test session and shared by the topology tests.

``manage.py migrate`` into a throw-away database, the launcher's processes (hdms.ops.launcher),
the built web app behind nginx, and the gateway over TLS with a certificate made here
(topology.py). Everything the tests do goes through the gateway's HTTPS origin.
"""

import os
import secrets
import shutil
from urllib.parse import urlsplit, urlunsplit

import pytest

from hdms.files.tests.clamd_server import running_clamd
from hdms.ops.tests.topology import (
    PASSWORD,
    Gateway,
    build_web_app,
    free_base_port,
    make_certificate,
    make_supervisor,
    manage,
    postgres_admin_url,
    psql,
    topology_env,
    with_database,
)

SEED = f"""
from hdms.core.roles import Role
from hdms.users import services
it = services.department_create(by=None, code="IT", name="IT")
services.department_create(by=None, code="FIN", name="Finance")
for code, role in [("topo-req", Role.REQUESTOR), ("topo-mod", Role.MODERATOR), ("topo-it", Role.ASSIGNEE),
                   ("topo-admin", Role.ADMIN)]:
    services.user_create(by=None, employee_code=code, full_name=code, password="{PASSWORD}",
                         email=code + "@idara.example",
                         role=role, department_id=it.id, is_approver=False, approver_kind=None)
print("seeded")
"""


def _redis_url() -> str:
    """The suite's Redis server, on a database number of its own: other tests flush theirs."""
    parts = urlsplit(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0")
    return urlunsplit(parts._replace(path="/" + os.environ.get("HDMS_TOPOLOGY_REDIS_DB", "15")))


@pytest.fixture(scope="session")
def topology(tmp_path_factory):
    """(supervisor, gateway client on the HTTPS origin, database URL, certificate)."""
    if shutil.which("nginx") is None:
        raise RuntimeError("The topology test needs nginx (apt-get install nginx).")
    admin_url = postgres_admin_url()
    db_name = f"hdms_topology_{secrets.token_hex(4)}"
    database_url = with_database(admin_url, db_name)
    run_dir = tmp_path_factory.mktemp("topology")
    redis_url = _redis_url()
    env = topology_env(database_url=database_url, redis_url=redis_url, data_dir=run_dir / "data")
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    certificate = make_certificate(run_dir / "tls")
    build_web_app(run_dir / "web-build.log")
    supervisor = make_supervisor(env, run_dir, free_base_port(), certificate=certificate, web=True)
    clamd = running_clamd()
    env["HDMS_CLAMD_URL"] = clamd.__enter__()
    try:
        psql(with_database(admin_url, "postgres"), f"CREATE DATABASE {db_name}")
        manage(env, "migrate", "--noinput")
        assert "seeded" in manage(env, "shell", stdin=SEED)
        supervisor.start_all(timeout=120)
        gateway = Gateway(supervisor.plan.gateway_origin(), certificate.client_context())
        yield supervisor, gateway, database_url, certificate
    finally:
        supervisor.stop_all()
        clamd.__exit__(None, None, None)
        psql(with_database(admin_url, "postgres"), f"DROP DATABASE IF EXISTS {db_name} WITH (FORCE)")
