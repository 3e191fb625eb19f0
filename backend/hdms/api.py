"""The one NinjaAPI: mounts the routers of the service this process serves and maps errors."""

import importlib
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from hdms.core.api import router as core_router
from hdms.core.auth import JWTBearer
from hdms.core.errors import DomainError
from hdms.core.faults import missing_part, response_for_failure
from hdms.core.field_errors import field_errors
from hdms.core.middleware import body_too_large_response
from hdms.core.responses import domain_error_response, error_response
from hdms.topology import modules_for

logger = logging.getLogger("hdms.api")

ERROR_RESPONSES = {
    "400": "Malformed request (validation_error)",
    "401": "No, bad or expired token (not_authenticated, token_invalid)",
    "403": "Visible resource, action not allowed for this role (forbidden)",
    "404": "Absent or not visible (not_found)",
    "409": "Stale version or action not allowed in this state (version_conflict, invalid_transition)",
    "413": "File too large (file_too_large), or a body over the size limit (validation_error)",
    "415": "File type not allowed (unsupported_file_type)",
    "422": "Invalid input (validation_error)",
    "429": "Rate limited (rate_limited); Retry-After is set",
    "500": "Unexpected error (server_error)",
    "503": "A required service is unavailable (service_unavailable)",
}
ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object"}},
    },
    "required": ["detail", "code"],
}
RATE_LIMIT_HEADERS = {
    name: {"description": description, "schema": {"type": "string"}}
    for name, description in [
        ("X-RateLimit-Limit", "Requests per minute for this caller, or 'unlimited'"),
        ("X-RateLimit-Remaining", "Requests left in the bucket, or 'unlimited'"),
        ("X-RateLimit-Reset", "Seconds until the bucket is full again"),
    ]
}


NO_NUL = "^[^\\u0000]*$"


def _forbid_nul(node: object) -> None:
    """Say in the schema what the API enforces: no NUL in any string or property name."""
    if isinstance(node, dict):
        if node.get("type") == "string" and not ({"pattern", "format", "enum", "const"} & node.keys()):
            node["pattern"] = NO_NUL
        if node.get("type") == "object" or "properties" in node:
            node.setdefault("propertyNames", {"pattern": NO_NUL})
        for value in node.values():
            _forbid_nul(value)
    elif isinstance(node, list):
        for value in node:
            _forbid_nul(value)


def _merge_mounted_apps(schema: dict[str, Any]) -> None:
    """The operations of the ASGI applications mounted beside Django in this process (the ai
    service's FastAPI app, DESIGN §12) belong to the same API: one schema, one set of client types.
    Their framework-specific 422 body is dropped: the desk's Error answers it (added below)."""
    for module_name in modules_for(settings.HDMS_SERVICE, "asgi"):
        mounted = importlib.import_module(module_name).app.openapi()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for name, component in mounted.get("components", {}).get("schemas", {}).items():
            if name in ("HTTPValidationError", "ValidationError"):
                continue
            if name in components and components[name] != component:
                raise ValueError(f"Schema {name} of {module_name} clashes with one of the API's")
            components[name] = component
        for path, operations in mounted.get("paths", {}).items():
            for operation in operations.values():
                operation.get("responses", {}).pop("422", None)
            schema.setdefault("paths", {})[path] = operations


class HdmsNinjaAPI(NinjaAPI):
    """Documents the error contract of DESIGN §4 on every operation of the schema."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        _merge_mounted_apps(schema)
        _forbid_nul(schema.get("components", {}))
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                _forbid_nul(operation.get("parameters", []))
                _forbid_nul(operation.get("requestBody", {}))
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for status, description in ERROR_RESPONSES.items():
                    responses.setdefault(status, {
                        "description": description,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    })
                for response in responses.values():
                    response.setdefault("headers", {}).update(RATE_LIMIT_HEADERS)
        return schema


api = HdmsNinjaAPI(
    title="HDMS API",
    version="1",
    description="Help Desk Management System of Idara Al-Khair. Errors are {detail, code}.",
    auth=JWTBearer(),
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return domain_error_response(exc)


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = field_errors(exc.errors)
    fields = ", ".join(e["field"] for e in errors[:5])
    detail = f"Invalid input: {fields}." if fields else "Invalid input."
    return error_response(detail, "validation_error", status=422, errors=errors)


@api.exception_handler(MultiPartParserError)
def _bad_multipart(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    return error_response(f"The multipart body cannot be read: {exc}", "validation_error", status=400)


@api.exception_handler(RequestDataTooBig)
def _body_too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return body_too_large_response()


@api.exception_handler(AuthenticationError)
def _authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response("Authentication credentials were not provided.", "not_authenticated", status=401)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response("Not found.", "not_found", status=404)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = {400: "validation_error", 401: "not_authenticated", 403: "forbidden", 404: "not_found"}
    return error_response(str(exc), code.get(exc.status_code, "error"), status=exc.status_code)


@api.exception_handler(Exception)
def _unhandled(request: HttpRequest, exc: Exception) -> HttpResponse:
    if missing_part(exc) is None:
        logger.exception("Unhandled error on %s %s", request.method, request.path)
    return response_for_failure(exc)


api.add_router("", core_router)
for module_name in modules_for(settings.HDMS_SERVICE, "api"):
    for prefix, router in importlib.import_module(module_name).routes:
        api.add_router(prefix, router)
