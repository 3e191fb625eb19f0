"""The one NinjaAPI: mounts the routers of the service this process serves and maps errors."""

import importlib
import logging

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from hdms.core.api import router as core_router
from hdms.core.auth import JWTBearer
from hdms.core.errors import DomainError
from hdms.core.responses import domain_error_response, error_response
from hdms.topology import modules_for

logger = logging.getLogger("hdms.api")

api = NinjaAPI(
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


def _clean_validation_errors(errors: list) -> list[dict]:
    cleaned = []
    for error in errors:
        item = {"loc": [str(part) for part in error.get("loc", [])], "msg": str(error.get("msg", ""))}
        if "type" in error:
            item["type"] = str(error["type"])
        cleaned.append(item)
    return cleaned


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = _clean_validation_errors(exc.errors)
    fields = ", ".join(".".join(e["loc"][1:] or e["loc"]) for e in errors[:5])
    detail = f"Invalid input: {fields}." if fields else "Invalid input."
    return error_response(detail, "validation_error", status=422, errors=errors)


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
    logger.exception("Unhandled error on %s %s", request.method, request.path)
    return error_response("Internal server error.", "server_error", status=500)


api.add_router("", core_router)
for module_name in modules_for(settings.HDMS_SERVICE, "api"):
    for prefix, router in importlib.import_module(module_name).routes:
        api.add_router(prefix, router)
