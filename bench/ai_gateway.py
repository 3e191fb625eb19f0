"""Suggestion latency through the gateway (DESIGN §7 "Intelligence", issue 15): the production
topology of hdms/ops/launcher.py (nginx in front, the ai service in its own process, two ticket
processes, one of each other service, a worker and beat) on a database of its own, seeded with the
demo desk and its history, the model trained from it (as ``make run`` does), then one client asking
``POST ai/triage`` through nginx, one request at a time, with generated tickets' texts in three
languages. Wall clock per request as the client sees it (TLS off: plain HTTP to the gateway).

    cd backend && DATABASE_URL=postgres://... REDIS_URL=redis://.../<db> \\
        .venv/bin/python ../bench/ai_gateway.py --base-port 19120 --requests 500 --out ../bench/reports/ai-gateway.md
"""

from __future__ import annotations

import argparse
import os
import platform
import secrets
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "backend"))

from hdms.ops.launcher import Supervisor, TopologyPlan  # noqa: E402
from hdms.ops.tests.topology import (  # noqa: E402
    BACKEND_DIR,
    Gateway,
    postgres_admin_url,
    psql,
    topology_env,
    with_database,
)
from hdms.testing.ai_history import generate  # noqa: E402


def run_manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run([sys.executable, str(BACKEND_DIR / "manage.py"), *args], env=env, cwd=BACKEND_DIR,  # noqa: S603
                            capture_output=True, text=True, timeout=1800)
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed: {result.stderr[-2000:]}")
    return result.stdout


def percentiles(values: list[float]) -> tuple[float, float, float]:
    array = np.asarray(values)
    return tuple(float(np.percentile(array, q)) for q in (50, 95, 99))  # type: ignore[return-value]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-port", type=int, default=19120)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--run-dir", default="/tmp/hdms-bench/ai-gateway")  # noqa: S108
    parser.add_argument("--out", default=str(REPO / "bench" / "reports" / "ai-gateway.md"))
    args = parser.parse_args()
    run_dir = Path(args.run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    admin_url = postgres_admin_url()
    db_name = f"hdms_bench_ai_{secrets.token_hex(4)}"
    database_url = with_database(admin_url, db_name)
    env = topology_env(database_url=database_url, redis_url=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
                       data_dir=run_dir / "data")
    env.update({"HDMS_REQUIRE_SCANNER": "false", "HDMS_LOG_LEVEL": "WARNING", "HDMS_ACCESS_MINUTES": "240",
                "HDMS_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend"})
    # The demo desk and its history (production settings refuse demo data; the same database).
    seed_env = {**env, "HDMS_DEMO": "true", "DJANGO_SETTINGS_MODULE": "hdms.settings.embedded"}
    # As the topology test's (hdms/ops/tests/topology.py), the gateway on base+45 instead of base+80:
    # every port within 50 of the base.
    plan = TopologyPlan(base_port=args.base_port, scale={"ticket": 2}, worker_queues=[["high", "default", "low"]],
                        worker_concurrency=2, beat=True, asgi_server=os.environ.get("HDMS_ASGI_SERVER", "granian"),
                        http_port=args.base_port + 45)
    supervisor = Supervisor(plan, env=env, run_dir=run_dir)
    load_start = os.getloadavg()
    psql(with_database(admin_url, "postgres"), f"CREATE DATABASE {db_name}")
    try:
        run_manage(env, "migrate", "--noinput")
        run_manage(seed_env, "seed_demo")
        run_manage(seed_env, "seed_demo_history")
        trained = run_manage(seed_env, "ai_train", "--trigger", "demo")
        supervisor.start_all(timeout=180)
        gateway = Gateway(supervisor.plan.gateway_origin())
        signed_in = gateway.request("POST", "/api/v1/auth/login", {"employee_code": "mod1", "password": "demo12345"})
        if signed_in.status != 200:
            raise RuntimeError(f"sign-in answered {signed_in.status}: {signed_in.body[:300]!r}")
        token = signed_in.json()["access"]
        texts = [(t.title, t.description) for t in generate(args.warmup + args.requests, seed=21)]
        wall: list[float] = []
        sources: dict[str, int] = {}
        for n, (title, description) in enumerate(texts):
            started = time.perf_counter()
            response = gateway.request("POST", "/api/v1/ai/triage", {"title": title, "description": description},
                                       token=token)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status != 200:
                raise RuntimeError(f"triage answered {response.status}: {response.body[:300]!r}")
            if n >= args.warmup:
                wall.append(elapsed)
                source = response.json()["source"]
                sources[source] = sources.get(source, 0) + 1
    finally:
        supervisor.stop_all()
        psql(with_database(admin_url, "postgres"), f"DROP DATABASE IF EXISTS {db_name} WITH (FORCE)")
    p50, p95, p99 = percentiles(wall)
    load_end = os.getloadavg()
    lines = [
        "# ai service: suggestion latency through the gateway", "",
        (f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
         f"{platform.python_version()}; load average {load_start[0]:.1f} at the start, {load_end[0]:.1f} at the end "
         "(a shared box)."), "",
        (f"Production topology (nginx, the ai service in its own process, granian), the demo desk's history and "
         f"its trained model ({trained.strip().splitlines()[-1] if trained.strip() else 'trained'}); one client, "
         f"one request at a time, {args.requests} `POST ai/triage` after {args.warmup} warm-up requests, texts of "
         f"generated tickets in English, Urdu and Roman Urdu. Answers: {sources}."), "",
        "| measure | p50 | p95 | p99 |", "| --- | --- | --- | --- |",
        f"| `POST ai/triage` through nginx, wall clock at the client (ms) | {p50:.1f} | {p95:.1f} | {p99:.1f} |", "",
        ("Each answer includes the similar-ticket search and one database write (the stored suggestion), on top "
         "of the model's prediction measured in process (bench/ai_eval.py)."), "",
    ]
    text = "\n".join(lines)
    print(text)
    Path(args.out).write_text(text)


if __name__ == "__main__":
    main()
