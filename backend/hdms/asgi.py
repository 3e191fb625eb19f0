"""ASGI entry point: HTTP through Django, WebSockets through the service's consumers."""

import importlib
from typing import Any

from django.core.asgi import get_asgi_application

from hdms.core.interactive import interactive_application

# This process serves people: its statements have a time limit (hdms.core.interactive).
django_http = interactive_application(get_asgi_application)

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler  # noqa: E402

from hdms.core.http_body import ChunkedBodyLimit  # noqa: E402
from hdms.core.logging import install_token_redaction  # noqa: E402
from hdms.core.ws_auth import JWTWebSocketMiddleware, OriginCheck  # noqa: E402
from hdms.topology import modules_for  # noqa: E402

# The ASGI server configured its loggers before importing this module: no access log line of it
# (nor of Django) ever holds a ``?token=`` WebSocket token.
install_token_redaction()

websocket_urlpatterns = [
    pattern
    for module_name in modules_for(settings.HDMS_SERVICE, "ws")
    for pattern in importlib.import_module(module_name).websocket_urlpatterns
]


class PrefixMounts:
    """Requests under a mounted application's prefix go to it (the ai service's FastAPI app), the
    rest to Django."""

    def __init__(self, default: Any, mounts: list[tuple[str, Any]]) -> None:
        self.default = default
        self.mounts = mounts

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        path = scope.get("path", "")
        for prefix, app in self.mounts:
            if path == prefix or path.startswith(prefix + "/"):
                return await app(scope, receive, send)
        return await self.default(scope, receive, send)


mounted = [importlib.import_module(name) for name in modules_for(settings.HDMS_SERVICE, "asgi")]
# Behind the gateway nginx serves static files; alone (embedded mode) the process does.
django_app = ASGIStaticFilesHandler(django_http) if settings.HDMS_SERVE_STATIC else django_http
http_app = ChunkedBodyLimit(PrefixMounts(django_app, [(module.PREFIX, module.app) for module in mounted])
                            if mounted else django_app)

application = ProtocolTypeRouter(
    {
        "http": http_app,
        "websocket": OriginCheck(JWTWebSocketMiddleware(URLRouter(websocket_urlpatterns))),
    }
)
