"""Which routers and WebSocket routes each service mounts (DESIGN §1).

A process started with ``HDMS_SERVICE=<name>`` imports only its service's modules; ``all``
mounts everything. Each API module exposes ``routes: list[tuple[prefix, Router]]``; each
routing module exposes ``websocket_urlpatterns``; each ASGI module (the ai service's FastAPI
application, DESIGN §12) exposes ``PREFIX`` and ``app``, mounted beside Django under that prefix.
"""

SERVICES: dict[str, dict[str, list[str]]] = {
    # The user service also answers the gateway's admin check in front of Celery Flower (hdms.ops.api).
    "user": {"api": ["hdms.users.api", "hdms.ops.api"], "ws": [], "asgi": []},
    # The dead-letter table belongs to the ticket service's background jobs (hdms.jobs); the knowledge
    # base (hdms.kb) lives beside the tickets it deflects (DESIGN §11).
    "ticket": {"api": ["hdms.tickets.api", "hdms.audit.api", "hdms.jobs.api", "hdms.kb.api"], "ws": [], "asgi": []},
    "communication": {"api": ["hdms.communication.api"], "ws": ["hdms.communication.routing"], "asgi": []},
    "file": {"api": ["hdms.files.api"], "ws": [], "asgi": []},
    # FastAPI + scikit-learn (DESIGN §12); its Django side answers only health.
    "ai": {"api": [], "ws": [], "asgi": ["hdms.ai.app"]},
}
SERVICE_NAMES = (*SERVICES, "all")


def modules_for(service: str, kind: str) -> list[str]:
    if service == "all":
        return [module for spec in SERVICES.values() for module in spec[kind]]
    if service not in SERVICES:
        raise ValueError(f"Unknown service {service!r}; expected one of {', '.join(SERVICE_NAMES)}")
    return SERVICES[service][kind]
