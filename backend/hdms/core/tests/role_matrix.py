from hdms.testing.matrix import Case

EVERYONE = {"anonymous": 200, "requestor": 200, "assignee": 200, "moderator": 200, "admin": 200}


def cases(world):
    return [Case("GET", "/api/v1/health", "/api/v1/health", EVERYONE)]
