"""API load scenario (DESIGN §7): 200 concurrent users, about 100 requests/s, 80 % reads, through
the gateway, against the 1,000,000-ticket data set of bench/generate_data.py.

    locust -f bench/locustfile.py --headless -u 200 -r 20 -t 3m --host http://127.0.0.1:18580 \\
      --csv /tmp/api --only-summary          # HDMS_BENCH_TOKENS=/tmp/tokens.json (bench/make_tokens.py)
    python bench/report.py api --csv /tmp/api --out bench/reports/api-<date>.md

User mix (bench/make_tokens.py): 140 requestors, 40 assignees, 15 moderators, 5 admins. Each waits
1-3 s between requests (200 users -> ~100 requests/s). Routes, named so the statistics group them:

  reads (80 %)   list      GET  /tickets?cursor=            first keyset page (and the next page, 1 in 3)
                 detail    GET  /tickets/{id}
                 messages  GET  /tickets/{id}/messages
                 search    GET  /tickets?cursor=&q=         the list's search box: common words of the
                                                            bench vocabulary, an Urdu and a Roman Urdu
                                                            phrase, a ticket number in part and in full
  writes (20 %)  create    POST /tickets                    a draft
                 action    POST /tickets/{id}/actions/submit   submits the draft this user created
                 message   POST /tickets/{id}/messages
"""

import itertools
import json
import os
import random
import uuid

from locust import FastHttpUser, between, events, task
from vocabulary import sentence  # bench/, on the path as the locustfile's directory

TOKENS = json.loads(open(os.environ.get("HDMS_BENCH_TOKENS", "/tmp/hdms-bench/tokens.json")).read())  # noqa: SIM115
_next_user = itertools.count()
_words = random.Random()
API = "/api/v1"
# What people type in the list's search box (bench/search_scale.py's common words among them: each
# is in 5-30 % of the generated tickets and messages). Ticket numbers are added per user.
SEARCHES = ["printer broken", "printer", "network slow", "salary advance", "toner scanner repair", "projector",
            "پرنٹر خراب", "printer kharab hai"]


class DeskUser(FastHttpUser):  # geventhttpclient: the load generator spends less CPU
    wait_time = between(1, 3)

    def on_start(self) -> None:
        users = TOKENS["users"]
        self.me = users[next(_next_user) % len(users)]
        self.auth = {"Authorization": f"Bearer {self.me['token']}"}
        self.tickets = list(self.me["tickets"]) or ["00000000-0000-4000-8000-000000000000"]
        self.drafts: list[tuple[str, int]] = []

    def _ticket(self) -> str:
        return random.choice(self.tickets)

    # ---- reads: 80 % -------------------------------------------------------------------------
    @task(27)
    def list_tickets(self) -> None:
        with self.client.get(f"{API}/tickets?cursor=&page_size=20", name="list", headers=self.auth,
                             catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
                return
            following = response.json().get("next")
        if following and random.random() < 1 / 3:
            self.client.get(following, name="list", headers=self.auth)

    @task(28)
    def ticket_detail(self) -> None:
        self.client.get(f"{API}/tickets/{self._ticket()}", name="detail", headers=self.auth)

    @task(20)
    def message_history(self) -> None:
        self.client.get(f"{API}/tickets/{self._ticket()}/messages", name="messages", headers=self.auth)

    @task(5)
    def search(self) -> None:
        roll = random.random()
        if roll < 0.2:  # a ticket number, whole ("HD-000123") or its digits only ("123")
            number = random.randint(1, 1_000_000)
            q = f"HD-{number:06d}" if roll < 0.1 else str(number)
        else:
            q = random.choice(SEARCHES)
        with self.client.get(f"{API}/tickets", params={"cursor": "", "page_size": 20, "q": q}, name="search",
                             headers=self.auth, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")

    # ---- writes: 20 % ------------------------------------------------------------------------
    @task(8)
    def create_ticket(self) -> None:
        # Worded as the generated requests are: a run's requests all saying "Projector in room 12
        # flickers" made the newest thousands of tickets ones a common word is never in, and a
        # newest-first search walked past all of them (bench/RESULTS.md, 2026-12-07).
        body = {"title": f"Bench {sentence(_words, 3, 8)}", "description": sentence(_words, 10, 40),
                "department_id": random.choice(TOKENS["departments"]), "priority": "medium"}
        with self.client.post(f"{API}/tickets", json=body, name="create", headers=self.auth,
                              catch_response=True) as response:
            if response.status_code != 201:
                response.failure(f"{response.status_code}: {response.text[:200]}")
                return
            ticket = response.json()
        self.drafts.append((ticket["id"], ticket["version"]))
        self.tickets.append(ticket["id"])

    @task(6)
    def act_on_ticket(self) -> None:
        if not self.drafts:
            self.create_ticket()
            return
        ticket_id, version = self.drafts.pop()
        with self.client.post(f"{API}/tickets/{ticket_id}/actions/submit", json={"version": version},
                              name="action", headers=self.auth, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}: {response.text[:200]}")

    @task(6)
    def post_message(self) -> None:
        if not self.me.get("chats"):  # no open chat of theirs (an admin, or only finished tickets): read one
            self.message_history()
            return
        body = {"body": "Checked it this morning; still happening.", "client_id": uuid.uuid4().hex}
        with self.client.post(f"{API}/tickets/{random.choice(self.me['chats'])}/messages", json=body, name="message",
                              headers=self.auth, catch_response=True) as response:
            if response.status_code not in (200, 201):
                response.failure(f"{response.status_code}: {response.text[:200]}")


@events.quitting.add_listener
def _summary(environment, **_: object) -> None:
    stats = environment.stats
    for name in ("list", "detail", "messages", "search", "create", "action", "message"):
        for method in ("GET", "POST"):
            entry = stats.entries.get((name, method))
            if entry and entry.num_requests:
                print(f"{name:9} {method:4} n={entry.num_requests:6d} err={entry.num_failures:4d} "
                      f"p50={entry.get_response_time_percentile(0.5):6.0f} ms "
                      f"p95={entry.get_response_time_percentile(0.95):6.0f} ms "
                      f"p99={entry.get_response_time_percentile(0.99):6.0f} ms")
