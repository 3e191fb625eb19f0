"""Role x endpoint cases of the dead-letter API: admins only."""

from hdms.jobs.models import DeadLetter
from hdms.testing.matrix import Case


def cases(world):
    letter = DeadLetter.objects.create(task_name="hdms.ops.probe_write", args=["role-matrix"], queue="default",
                                       retries=3, exception="RuntimeError: matrix")
    return [
        Case("GET", "/api/v1/jobs/dead-letters", "/api/v1/jobs/dead-letters", {"admin": 200}),
        Case("GET", "/api/v1/jobs/dead-letters/{letter_id}", f"/api/v1/jobs/dead-letters/{letter.id}",
             {"admin": 200}),
        Case("POST", "/api/v1/jobs/dead-letters/{letter_id}/replay",
             f"/api/v1/jobs/dead-letters/{letter.id}/replay", {"admin": 200}, body={}),
    ]
