"""The words of the benchmarks' requests and messages: the generated data set's (generate_data.py)
and what the load test files (locustfile.py), so new requests read like the ones already there."""

import random

WORDS = (
    "printer", "projector", "wifi", "network", "laptop", "password", "email", "account", "classroom", "fan",
    "light", "water", "leak", "roof", "door", "lock", "salary", "advance", "invoice", "budget", "reimbursement",
    "fees", "timetable", "exam", "result", "admission", "library", "books", "bus", "route", "driver", "security",
    "camera", "chair", "desk", "board", "marker", "ink", "toner", "scanner", "software", "licence", "server",
    "backup", "phone", "extension", "form", "approval", "urgent", "broken", "slow", "missing", "replace",
    "repair", "install", "request", "please", "kindly", "school", "campus", "branch", "office", "principal",
    "teacher"
)


def sentence(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choices(WORDS, k=rng.randint(low, high)))
