"""A small JSON client for API tests: signs requests as a user with a real access token."""

import json
from typing import Any

from django.test import Client

from hdms.core.jwt import encode_access

API = "/api/v1"


def bearer_for(user: Any) -> str:
    token, _ = encode_access(user_id=str(user.id), role=user.role)
    return f"Bearer {token}"


class ApiClient:
    def __init__(self, user: Any = None, *, ip: str = "127.0.0.1") -> None:
        self.client = Client(REMOTE_ADDR=ip)
        self.user = user
        self.headers: dict[str, str] = {}
        if user is not None:
            self.headers["HTTP_AUTHORIZATION"] = bearer_for(user)

    def _url(self, path: str) -> str:
        return path if path.startswith("/") else f"{API}/{path}"

    def get(self, path: str, params: dict | None = None, **extra: Any) -> Any:
        return self.client.get(self._url(path), params or {}, **self.headers, **extra)

    def post(self, path: str, body: Any = None, **extra: Any) -> Any:
        return self.client.post(
            self._url(path), json.dumps(body if body is not None else {}), content_type="application/json",
            **self.headers, **extra,
        )

    def post_multipart(self, path: str, data: dict, **extra: Any) -> Any:
        return self.client.post(self._url(path), data, **self.headers, **extra)

    def patch(self, path: str, body: Any = None, **extra: Any) -> Any:
        return self.client.patch(
            self._url(path), json.dumps(body if body is not None else {}), content_type="application/json",
            **self.headers, **extra,
        )

    def put(self, path: str, body: Any = None, **extra: Any) -> Any:
        return self.client.put(
            self._url(path), json.dumps(body if body is not None else {}), content_type="application/json",
            **self.headers, **extra,
        )

    def delete(self, path: str, **extra: Any) -> Any:
        return self.client.delete(self._url(path), **self.headers, **extra)
