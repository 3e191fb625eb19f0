from django.http import JsonResponse

from hdms.core.errors import STATUS_BY_CODE, DomainError
from hdms.core.field_errors import field_errors


def error_response(detail: str, code: str, *, status: int | None = None, **extra: object) -> JsonResponse:
    body: dict[str, object] = {"detail": detail, "code": code}
    body.update({k: v for k, v in extra.items() if v is not None})
    if isinstance(body.get("errors"), list):  # every field error with its field, code and params (§9)
        body["errors"] = field_errors(body["errors"])  # type: ignore[arg-type]
    return JsonResponse(body, status=status or STATUS_BY_CODE.get(code, 400))


def domain_error_response(exc: DomainError) -> JsonResponse:
    response = error_response(exc.detail, exc.code, **exc.extra)
    if isinstance(exc.extra.get("retry_after"), int):
        response["Retry-After"] = str(exc.extra["retry_after"])
    return response
