"""Role x endpoint cases of the operations API: Flower is for admins."""

from hdms.testing.matrix import Case


def cases(world):
    return [
        Case("POST", "/api/v1/ops/flower/session", "/api/v1/ops/flower/session", {"admin": 200}, body={}),
        Case("GET", "/api/v1/ops/flower/auth", "/api/v1/ops/flower/auth", {"admin": 204}),
    ]
