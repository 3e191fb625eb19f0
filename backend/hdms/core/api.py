from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from hdms.core.health import health_report

router = Router(tags=["health"])


class HealthOut(Schema):
    status: str
    service: str
    checks: dict[str, str]
    down: list[str]


@router.get("/health", auth=None, response={200: HealthOut, 503: HealthOut})
def health(request: HttpRequest) -> tuple[int, dict[str, Any]]:
    """200 when every part is up; 503 with the same body when one is down (``down`` names it)."""
    report = health_report()
    return (200 if report["status"] == "ok" else 503), report
