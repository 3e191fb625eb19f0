#!/usr/bin/env python
"""The ticket list sorted by SLA due and a saved view's count on the 1,000,000-ticket set (issue 16):
wall-clock p50/p95/p99 in-process (Django's test client, production settings, psycopg's pool),
one moderator (who sees every ticket), requests one after the other.

- ``sla_due first page``: ``GET tickets?ordering=sla_due&cursor=&page_size=25`` (the page and its
  count of the visible tickets, the count being most of the cost);
- ``sla_due deep keyset page``: the page after a cursor half-way down the list (made from the
  500,000th row), i.e. "page 20,000" at the cost of the first;
- ``sla_due offset page 2``: the same ordering's offset page 2 (page, then a COUNT), for comparison;
- ``view count``: ``GET views/counts`` with one saved view (status in_progress, ordering sla_due);
- ``list changes``: ``GET tickets/changes?since=<a minute ago>`` (the list's refresh banner).

    DATABASE_URL=postgres://root@127.0.0.1:5432/hdms_presence_1m REDIS_URL=redis://127.0.0.1:6379/4 \\
      .venv/bin/python bench/list_sorts.py 60
"""

import base64
import datetime
import json
import os
import random
import secrets
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "backend"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hdms.settings.production")
os.environ.setdefault("HDMS_SECRET_KEY", secrets.token_urlsafe(48))
for key, value in {"HDMS_TASKS_EAGER": "false", "HDMS_TRUSTED_PROXIES": "127.0.0.1", "HDMS_SERVE_STATIC": "false",
                   "HDMS_LOG_LEVEL": "WARNING", "HDMS_DB_POOL": "true", "HDMS_REQUIRE_SCANNER": "false",
                   "HDMS_DATA_DIR": "/tmp/hdms-list-sorts", "HDMS_ACCESS_MINUTES": "240"}.items():  # noqa: S108
    os.environ.setdefault(key, value)

import django  # noqa: E402

django.setup()

from django.apps import apps  # noqa: E402
from django.test import Client  # noqa: E402

from hdms.core.jwt import encode_access  # noqa: E402
from hdms.core.ratelimit import get_buckets  # noqa: E402

User = apps.get_model("users", "User")
Ticket = apps.get_model("tickets", "Ticket")
SavedView = apps.get_model("tickets", "SavedView")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    moderator = User.objects.filter(role="moderator", is_active=True).order_by("employee_code").first()
    token, _ = encode_access(user_id=str(moderator.id), role=moderator.role)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_X_REAL_IP=f"10.0.0.{random.randint(1, 200)}")
    SavedView.objects.filter(owner=moderator, name="bench: in progress by SLA").delete()
    SavedView.objects.create(owner=moderator, name="bench: in progress by SLA",
                             filters={"status": ["in_progress"]}, ordering="sla_due", shared=False)
    keyed = Ticket.objects.filter(resolution_due__isnull=False).order_by("resolution_due", "id")
    middle = keyed.values_list("resolution_due", "id")[keyed.count() // 2]
    cursor = base64.urlsafe_b64encode(json.dumps(["sla_due", middle[0].isoformat(), str(middle[1])]).encode())
    cursor_text = cursor.decode().rstrip("=")
    since = (datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=1)).isoformat().replace("+00:00", "Z")
    routes = {
        "sla_due first page (with count)": "/api/v1/tickets?ordering=sla_due&cursor=&page_size=25",
        "sla_due deep keyset page": f"/api/v1/tickets?ordering=sla_due&page_size=25&cursor={cursor_text}",
        "sla_due offset page 2 (with count)": "/api/v1/tickets?ordering=sla_due&page=2&page_size=25",
        "view count (views/counts)": "/api/v1/views/counts",
        "list changes since a minute ago": "/api/v1/tickets/changes?since=" + since,
    }
    print(f"tickets {Ticket.objects.count():,}; load average {os.getloadavg()}")
    for name, path in routes.items():
        get_buckets().reset()
        for _ in range(3):
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code, response.content[:300])
        times = []
        for _ in range(count):
            started = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        times.sort()
        q = statistics.quantiles(times, n=100, method="inclusive")
        print(f"{name}: n={count} p50 {statistics.median(times):.1f} ms, p95 {q[94]:.1f} ms, p99 {q[98]:.1f} ms,"
              f" max {times[-1]:.1f} ms; load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
