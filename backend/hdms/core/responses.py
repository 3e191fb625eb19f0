from django.http import JsonResponse

from hdms.core.errors import STATUS_BY_CODE, DomainError


def error_response(detail: str, code: str, *, status: int | None = None, **extra: object) -> JsonResponse:
    body: dict[str, object] = {"detail": detail, "code": code}
    body.update({k: v for k, v in extra.items() if v is not None})
    return JsonResponse(body, status=status or STATUS_BY_CODE.get(code, 400))


def domain_error_response(exc: DomainError) -> JsonResponse:
    return error_response(exc.detail, exc.code, **exc.extra)
