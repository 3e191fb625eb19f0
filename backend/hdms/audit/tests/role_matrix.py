"""Role x endpoint cases of the audit API: admins only."""

from hdms.testing.matrix import Case


def cases(world):
    return [
        Case("GET", "/api/v1/audit", "/api/v1/audit", {"admin": 200}),
        Case("GET", "/api/v1/audit", "/api/v1/audit?action=ticket.*&include_archived=true", {"admin": 200}),
        Case("GET", "/api/v1/audit/export", "/api/v1/audit/export", {"admin": 200}),
    ]
