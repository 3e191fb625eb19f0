"""A realistic demo history (``manage.py seed_demo_history``, demo mode only): about 2,000 tickets
over the last 120 days across every department, in English, Urdu and Roman Urdu, each walked
through the ticket life cycle of DESIGN §3 (submit, approvals by Finance and, above the desk's
threshold, the CEO, assign or split, start, postpone and resume, resolve, reopen, close, rate)
with its timestamps spread over those days.

Going through the services for 2,000 tickets (a dozen writes, audits, notifications and events
each) takes minutes, so the walk happens here in memory and ends in bulk inserts of the rows the
services would have left: tickets with their SLA dues and breach flags (computed with the same
working-time functions), participants, approval steps, chat rooms and messages, and one audit
entry per action with the services' before/after snapshots. Where the walk meets "now", it
stops: old tickets are mostly closed, recent ones open. The random generator has a fixed seed,
so two runs give the same tickets (titles, people, priorities, paths); only the dates move with
the day it runs. Demo accounts beyond ``seed_demo``'s are created through the users service.
"""

import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from hdms.audit import services as audit_services
from hdms.communication import services as communication_services
from hdms.core.bulk import explicit_timestamps
from hdms.core.roles import ApproverKind, Role
from hdms.tickets import cache as ticket_cache
from hdms.tickets import demo_text as text
from hdms.tickets import selectors
from hdms.tickets.models import (
    OPEN_STATUSES,
    TERMINAL_STATUSES,
    ApprovalStatus,
    ApprovalStep,
    Ticket,
    TicketParticipant,
    TicketStatus,
)
from hdms.tickets.services import SNAPSHOT_FIELDS, jsonable
from hdms.tickets.sla import WorkCalendar, add_working_minutes, working_minutes_between
from hdms.users import selectors as users_selectors
from hdms.users import services as user_services

if TYPE_CHECKING:
    from hdms.users.models import User

S = TicketStatus
SEED = 20261204
DAYS = 120
TICKETS = 2000
CATEGORIES = frozenset(c for items in text.TEMPLATES.values() for c, *_ in items)
DEPARTMENT_WEIGHTS = {"IT": 30, "MNT": 24, "ACD": 14, "ADM": 12, "HR": 10, "FIN": 10}
PRIORITY_WEIGHTS = {"low": 24, "medium": 46, "high": 22, "urgent": 8}
LANGUAGE_WEIGHTS = {"en": 50, "ur": 25, "ro": 25}
# Extra demo accounts (password of seed_demo): assignees for every department and more requestors.
EXTRA_USERS = [
    ("hr1", "Nadia HR", Role.ASSIGNEE, "HR"),
    ("acd1", "Usman Academics", Role.ASSIGNEE, "ACD"),
    ("adm1", "Saima Office", Role.ASSIGNEE, "ADM"),
    ("mnt2", "Asif Maintenance", Role.ASSIGNEE, "MNT"),
    ("req3", "Sadia Teacher", Role.REQUESTOR, "ACD"),
    ("req4", "Tariq Teacher", Role.REQUESTOR, "ACD"),
    ("req5", "Mehwish Librarian", Role.REQUESTOR, "ACD"),
    ("req6", "Naveed Coordinator", Role.REQUESTOR, "ACD"),
    ("req7", "Farah Accountant", Role.REQUESTOR, "FIN"),
    ("req8", "Shahid Clerk", Role.REQUESTOR, "ADM"),
    ("req9", "Amna Counsellor", Role.REQUESTOR, "HR"),
    ("req10", "Yasir Lab Assistant", Role.REQUESTOR, "ACD"),
]


def already_seeded() -> bool:
    return Ticket.all_objects.filter(category__in=CATEGORIES).exists()


def ensure_accounts(password: str) -> None:
    departments = {d.code: d for d in users_selectors.department_list(include_inactive=True)}
    existing = set(users_selectors.users_by_codes(codes=[u[0] for u in EXTRA_USERS]).values_list("employee_code",
                                                                                                  flat=True))
    for code, full_name, role, department_code in EXTRA_USERS:
        if code in existing:
            continue
        user_services.user_create(by=None, employee_code=code, full_name=full_name, password=password,
                                  email=f"{code}@idara.example", role=role,
                                  department_id=departments[department_code].id, is_approver=False,
                                  approver_kind=None)


@dataclass
class _Walk:
    """One ticket being walked through its life; ``events`` become audit entries."""

    ticket: Ticket
    lang: str
    room: Ticket
    events: list[dict[str, Any]] = field(default_factory=list)
    messages: list[tuple[datetime, Any, str, Any]] = field(default_factory=list)
    joined: dict[Any, datetime] = field(default_factory=dict)
    done: bool = False


class HistoryBuilder:
    def __init__(self, *, now: datetime, people: dict[str, Any], calendar: WorkCalendar,
                 policies: dict[str, Any], threshold: Decimal, seed: int = SEED, count: int = TICKETS) -> None:
        self.now, self.people, self.calendar = now, people, calendar
        self.policies, self.threshold = policies, threshold
        self.seed = seed
        self.rng = random.Random(seed)
        self.count = count
        self.start = now - timedelta(days=DAYS)
        self.tickets: list[Ticket] = []
        self.audits: list[dict[str, Any]] = []
        self.steps: list[ApprovalStep] = []
        self.participants: dict[tuple[Any, Any], TicketParticipant] = {}
        self.messages: list[dict[str, Any]] = []
        self.rooms: dict[Any, int] = {}
        self.assignees: dict[str, list[Any]] = {}
        for user in people.values():
            if user.role == Role.ASSIGNEE and user.department is not None:
                self.assignees.setdefault(user.department.code, []).append(user)
        self.requestors = [u for code, u in sorted(people.items()) if u.role == Role.REQUESTOR
                           and not u.is_approver]
        self.departments = {u.department.code: u.department for u in people.values() if u.department}
        self.moderator = people["mod1"]
        self.approver: dict[str, User] = {ApproverKind.FINANCE: people["fin1"], ApproverKind.CEO: people["ceo1"]}

    # ------------------------------------------------------------ helpers
    def pick(self, weights: dict[str, int]) -> str:
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def later(self, at: datetime, low: float, high: float) -> datetime:
        """``at`` plus a random number of working minutes in [low, high]."""
        return add_working_minutes(at, self.rng.uniform(low, high), self.calendar)

    def fill(self, template: str, lang: str, slots: dict[str, Any]) -> str:
        index = text.LANGUAGES.index(lang)
        values = {k: (v[index] if isinstance(v, tuple) else v) for k, v in slots.items()}
        return template.format(**values).format(**values)  # places may carry {n} themselves

    def created_at(self) -> datetime:
        """Working days weigh more, the last weeks a little more than the first (a growing desk),
        with a busy spell around the start of the term."""
        while True:
            day = self.rng.uniform(0, DAYS)
            weight = 0.7 + 0.6 * day / DAYS + (0.5 if 40 <= day <= 55 else 0)
            local = (self.start + timedelta(days=day)).astimezone(self.calendar.tz)
            if not self.calendar.is_work_day(local.date()):
                weight *= 0.15
            if self.rng.random() * 1.9 < weight:
                hour = self.rng.choice([8, 8, 9, 9, 9, 10, 10, 11, 11, 12, 13, 14, 15, 17, 19])
                at = local.replace(hour=hour, minute=self.rng.randrange(60), second=self.rng.randrange(60))
                if at < self.now - timedelta(minutes=30):
                    return at

    # ------------------------------------------------------------ the walk
    def act(self, walk: _Walk, at: datetime, action: str, actor: Any, reason: str = "",
            cause: dict[str, Any] | None = None, **changes: Any) -> bool:
        """Apply one action at ``at`` unless it lies in the future (then the walk stops there)."""
        if walk.done or at > self.now:
            walk.done = True
            return False
        t = walk.ticket
        before = self.snapshot(t) if action != "create" else None
        for name, value in changes.items():
            setattr(t, name, value)
        if action != "create":
            t.version += 1
        t.updated_at = at
        after = {**self.snapshot(t), **(cause or {})}
        self.audits.append(dict(
            id=self.uuid(), created_at=at, actor_id=getattr(actor, "id", None),
            actor_code=getattr(actor, "employee_code", "") or "", actor_name=getattr(actor, "full_name", "") or "",
            action=f"ticket.{action}", object_type="ticket", object_id=str(t.id), before=before, after=after,
            reason=reason))
        return True

    def snapshot(self, t: Ticket) -> dict[str, Any]:
        return {name: jsonable(getattr(t, name)) for name in SNAPSHOT_FIELDS}

    def uuid(self) -> uuid.UUID:
        return uuid.uuid4()  # ids need not repeat between runs (audit entries are never deleted)

    def join(self, walk: _Walk, user: Any, at: datetime, by: Any) -> None:
        key = (walk.room.id, user.id)
        if key not in self.participants and at <= self.now:
            self.participants[key] = TicketParticipant(ticket_id=walk.room.id, user_id=user.id, joined_at=at,
                                                       added_by_id=by.id)

    def say(self, walk: _Walk, at: datetime, author: Any, body: str) -> None:
        if at <= self.now and (walk.room.id, author.id) in self.participants:
            walk.messages.append((at, author, body, walk.ticket.id))

    def sla_start(self, t: Ticket, at: datetime) -> None:
        policy = self.policies.get(t.priority)
        t.sla_started_at = at
        if policy is not None:
            fr, res = policy.first_response_minutes, policy.resolution_minutes
            t.first_response_due = add_working_minutes(at, fr, self.calendar)
            t.first_response_warn_at = add_working_minutes(at, fr * selectors.sla_warning_share(), self.calendar)
            t.resolution_due = add_working_minutes(at, res, self.calendar)
            t.resolution_warn_at = add_working_minutes(at, res * selectors.sla_warning_share(), self.calendar)

    def pause(self, t: Ticket, at: datetime) -> None:
        if t.sla_started_at is not None and t.sla_paused_at is None:
            t.sla_paused_at = at

    def resume(self, t: Ticket, at: datetime) -> None:
        if t.sla_paused_at is None:
            return
        t.sla_paused_minutes += round(working_minutes_between(t.sla_paused_at, at, self.calendar))
        t.sla_paused_at = None
        policy = self.policies.get(t.priority)
        if policy is not None and t.sla_started_at is not None:
            paused = t.sla_paused_minutes
            t.first_response_due = add_working_minutes(t.sla_started_at, policy.first_response_minutes + paused,
                                                       self.calendar)
            t.resolution_due = add_working_minutes(t.sla_started_at, policy.resolution_minutes + paused, self.calendar)
            share = selectors.sla_warning_share()
            t.resolution_warn_at = add_working_minutes(t.sla_started_at, policy.resolution_minutes * share + paused,
                                                       self.calendar)

    def first_response(self, t: Ticket, at: datetime) -> None:
        if t.first_responded_at is None and t.sla_started_at is not None:
            t.first_responded_at = at

    def new_ticket(self, **fields: Any) -> Ticket:
        t = Ticket(id=self.uuid(), number="", version=1, status=S.DRAFT, **fields)
        t.updated_at = t.created_at
        self.tickets.append(t)
        return t

    def work(self, walk: _Walk, at: datetime, assignee: Any, by: Any, *, reopen_ok: bool = True) -> datetime | None:
        """From assigned to closed; the instant it was resolved (None when it stopped earlier)."""
        t, lang, rng = walk.ticket, walk.lang, self.rng
        at = self.later(at, 5, 240)
        if not self.act(walk, at, "start", assignee, status=S.IN_PROGRESS):
            return None
        if rng.random() < 0.7:
            self.say(walk, self.later(at, 1, 60), assignee, rng.choice(text.STAFF_LINES[lang]))
        if rng.random() < 0.3:
            self.say(walk, self.later(at, 30, 400), t.requestor, rng.choice(text.REQUESTOR_LINES[lang]))
        if rng.random() < 0.1:  # postponed, then resumed
            at = self.later(at, 30, 600)
            until = at + timedelta(days=rng.randint(2, 9))
            self.pause(t, at)
            if not self.act(walk, at, "postpone", assignee, reason=rng.choice(text.POSTPONE_REASONS[lang]),
                            status=S.POSTPONED, postponed_until=until, last_reminder_at=at,
                            postponed_reason=rng.choice(text.POSTPONE_REASONS[lang])):
                return None
            at = min(until, self.later(at, 400, 8 * 60 * 8))
            if at > self.now:
                walk.done = True
                return None
            self.resume(t, at)
            self.act(walk, at, "resume", assignee, status=S.IN_PROGRESS, postponed_until=None, postponed_reason="",
                     last_reminder_at=None)
        target = self.policies[t.priority].resolution_minutes if t.priority in self.policies else 2400
        # Most tickets well within the target; about one in eight late.
        share = rng.lognormvariate(-1.0, 0.75)
        at = add_working_minutes(at, max(10.0, target * share * 0.9), self.calendar)
        resolution = rng.choice(text.RESOLUTIONS[lang])
        if not self.act(walk, at, "resolve", assignee, status=S.RESOLVED, resolved_at=at, resolution=resolution):
            return None
        self.say(walk, self.later(at, 0, 5), assignee, resolution)
        if reopen_ok and rng.random() < 0.04:
            at = self.later(at, 30, 600)
            self.say(walk, at, t.requestor, rng.choice(text.REQUESTOR_LINES[lang]))
            if not self.act(walk, at, "reopen", t.requestor, status=S.IN_PROGRESS, resolved_at=None):
                return None
            at = self.later(at, 60, 900)
            if not self.act(walk, at, "resolve", assignee, status=S.RESOLVED, resolved_at=at,
                            resolution=resolution):
                return None
        resolved = at
        return resolved

    def close(self, walk: _Walk, resolved: datetime) -> None:
        t, lang, rng = walk.ticket, walk.lang, self.rng
        if t.parent_id is None and rng.random() < 0.65:  # the requestor confirms and rates
            at = resolved + timedelta(minutes=rng.uniform(20, 60 * 48))
            if not self.act(walk, at, "close", t.requestor, status=S.CLOSED, closed_at=at):
                return
            self.say(walk, at - timedelta(minutes=1), t.requestor, rng.choice(text.THANKS_LINES[lang]))
            late = t.first_response_breached or t.resolution_breached
            score = rng.choices([1, 2, 3, 4, 5], weights=[3, 5, 12, 30, 50] if not late else [15, 25, 30, 20, 10])[0]
            self.act(walk, at + timedelta(minutes=rng.uniform(0, 30)), "rate", t.requestor, rating=score,
                     rating_comment=rng.choice(text.RATING_COMMENTS[lang]))
        else:  # closed by the desk auto_close_days after resolving
            at = resolved + timedelta(days=3, minutes=rng.uniform(1, 120))
            self.act(walk, at, "close", None, cause={"cause": "auto_close", "days": 3}, status=S.CLOSED, closed_at=at)

    def breaches(self, t: Ticket) -> None:
        """The flags the SLA scan would have set by now (and the warnings it would have sent, as the
        auto-close warning a day before the automatic close)."""
        if t.status == S.RESOLVED and t.resolved_at and t.resolved_at <= self.now - timedelta(days=2):
            t.auto_close_warned_at = t.resolved_at + timedelta(days=2)
        if t.sla_started_at is None or t.first_response_due is None:
            return
        responded = t.first_responded_at or (self.now if t.status not in TERMINAL_STATUSES else None)
        t.first_response_breached = bool(responded and responded > t.first_response_due)
        end = t.resolved_at or t.sla_paused_at or (self.now if t.status in OPEN_STATUSES else None)
        t.resolution_breached = bool(end and t.resolution_due and end > t.resolution_due)
        t.sla_breached = t.first_response_breached or t.resolution_breached
        t.first_response_near_notified = bool(t.first_response_warn_at and t.first_response_warn_at < self.now)
        t.resolution_near_notified = bool(t.resolution_warn_at and t.resolution_warn_at < self.now
                                          and t.status in OPEN_STATUSES)

    def walk_one(self, index: int) -> None:
        # One generator per ticket: its texts, people and path do not depend on the day it runs.
        rng = self.rng = random.Random(f"{self.seed}:{index}")
        dept_code = self.pick(DEPARTMENT_WEIGHTS)
        category, _, amount_range, splittable, templates = rng.choices(
            text.TEMPLATES[dept_code], weights=[item[1] for item in text.TEMPLATES[dept_code]])[0]
        lang = self.pick(LANGUAGE_WEIGHTS)
        slots = {"place": rng.choice(text.PLACES), "n": rng.randint(1, 24), "item": rng.choice(text.ITEMS),
                 "grade": rng.randint(1, 10), "subject": rng.choice(text.SUBJECTS), "event": rng.choice(text.EVENTS),
                 "month": rng.choice(text.MONTHS)}
        title_t, body_t = templates[lang]
        requestor = rng.choice(self.requestors)
        created = self.created_at()
        priority = self.pick(PRIORITY_WEIGHTS)
        amount = Decimal(rng.randrange(amount_range[0], amount_range[1], 500)) if amount_range else None
        # Staff file tickets for the department that will handle them, so the department is known.
        t = self.new_ticket(title=self.fill(title_t, lang, slots)[:200], description=self.fill(body_t, lang, slots),
                            department=self.departments[dept_code], category=category, priority=priority,
                            requestor=requestor, amount=amount, created_at=created)
        walk = _Walk(ticket=t, lang=lang, room=t)
        self.join(walk, requestor, created, requestor)
        self.act(walk, created, "create", requestor)
        if rng.random() < 0.02:  # withdrawn before anyone looked
            self.act(walk, self.later(created, 5, 120), "withdraw", requestor, status=S.WITHDRAWN)
            self.finish(walk)
            return
        at = created + timedelta(seconds=rng.randint(20, 300))
        self.sla_start(t, at)
        self.act(walk, at, "submit", requestor, status=S.SUBMITTED, submitted_at=at)
        mod = self.moderator
        fr_target = self.policies[priority].first_response_minutes if priority in self.policies else 480
        # Triage: usually within the first-response target, sometimes (about 1 in 12) after it.
        late = rng.random() < 0.05
        at = add_working_minutes(at, fr_target * (rng.uniform(1.1, 2.5) if late else rng.uniform(0.05, 0.85)),
                                 self.calendar)
        if at > self.now:
            return self.finish(walk)
        if rng.random() < 0.02:
            self.first_response(t, at)
            self.join(walk, mod, at, mod)
            self.act(walk, at, "reject", mod, reason=text.REJECT_REASONS[lang], status=S.REJECTED)
            return self.finish(walk)
        if amount is not None:
            self.join(walk, mod, at, mod)
            self.first_response(t, at)
            self.pause(t, at)
            chain = [ApproverKind.FINANCE] + ([ApproverKind.CEO] if amount > self.threshold else [])
            round_steps = [ApprovalStep(id=self.uuid(), ticket=t, step=i, approver_kind=kind, round=1,
                                        status=ApprovalStatus.PENDING if i == 1 else ApprovalStatus.WAITING,
                                        created_at=at, updated_at=at) for i, kind in enumerate(chain, start=1)]
            self.steps.extend(round_steps)
            if not self.act(walk, at, "request_approval", mod, status=S.PENDING_APPROVAL):
                return self.finish(walk)
            for step in round_steps:
                approver = self.approver[step.approver_kind]
                self.join(walk, approver, at, mod)
                step.status = ApprovalStatus.PENDING
                at = self.later(at, 30, 900 if step.approver_kind == ApproverKind.FINANCE else 1500)
                if at > self.now:
                    walk.done = True
                    return self.finish(walk)
                step.decided_by, step.decided_at, step.updated_at = approver, at, at
                if rng.random() < 0.08:
                    step.status, step.reason = ApprovalStatus.REJECTED, text.REJECT_REASONS[lang]
                    for rest in round_steps[step.step:]:
                        rest.status = ApprovalStatus.CANCELLED
                    self.say(walk, at, approver, text.REJECT_REASONS[lang])
                    self.act(walk, at, "approval_reject", approver, reason=step.reason, status=S.REJECTED)
                    return self.finish(walk)
                step.status = ApprovalStatus.APPROVED
                final = step is round_steps[-1]
                if final:
                    self.resume(t, at)
                self.act(walk, at, "approve", approver, status=S.APPROVED if final else S.PENDING_APPROVAL)
            at = self.later(at, 20, 400)
        if (splittable and amount is None and rng.random() < 0.3) or (splittable and amount and rng.random() < 0.2):
            return self.split(walk, at)
        assignee = rng.choice(self.assignees[dept_code])
        self.first_response(t, at)
        self.join(walk, mod, at, mod)
        self.join(walk, assignee, at, mod)
        if not self.act(walk, at, "assign", mod, status=S.ASSIGNED, assignee=assignee):
            return self.finish(walk)
        resolved = self.work(walk, at, assignee, mod)
        if resolved is not None:
            self.close(walk, resolved)
        self.finish(walk)

    def split(self, walk: _Walk, at: datetime) -> None:
        t, rng, mod = walk.ticket, self.rng, self.moderator
        assert t.department is not None  # every demo ticket is filed to a department (new walks)
        self.first_response(t, at)
        self.join(walk, mod, at, mod)
        others = [code for code in ("IT", "MNT", "ADM", "ACD") if code != t.department.code]
        codes = [t.department.code, rng.choice(others)]
        subs = []
        for code in codes:
            department = self.departments[code]
            assignee = rng.choice(self.assignees[code])
            sub = self.new_ticket(title=f"{t.title} ({department.name})"[:200], description=t.description,
                                  department=department, category=t.category, priority=t.priority,
                                  requestor=t.requestor, parent=t, assignee=assignee, created_at=at)
            sub.status, sub.submitted_at = S.ASSIGNED, at
            self.sla_start(sub, at)
            sub.first_responded_at = at
            sub_walk = _Walk(ticket=sub, lang=walk.lang, room=t)
            self.join(sub_walk, assignee, at, mod)
            self.act(sub_walk, at, "create", mod)
            subs.append((sub_walk, assignee))
        if not self.act(walk, at, "split", mod, status=S.IN_PROGRESS, owner=mod):
            return self.finish(walk)
        resolved_all = []
        for sub_walk, assignee in subs:
            resolved = self.work(sub_walk, at, assignee, mod, reopen_ok=False)
            resolved_all.append(resolved)
            if resolved is not None:
                self.close(sub_walk, resolved)
            walk.messages.extend(sub_walk.messages)
            sub_walk.messages = []
            self.finish(sub_walk)
        finished = [r for r in resolved_all if r is not None]
        if len(finished) < len(resolved_all):
            return self.finish(walk)
        at = self.later(max(finished), 10, 240)
        if self.act(walk, at, "resolve", mod, status=S.RESOLVED, resolved_at=at,
                    resolution=rng.choice(text.RESOLUTIONS[walk.lang])):
            self.close(walk, at)
        self.finish(walk)

    def finish(self, walk: _Walk) -> None:
        t = walk.ticket
        self.breaches(t)
        if walk.messages:
            seq = self.rooms.get(walk.room.id, 0)
            for at, author, body, ticket_id in sorted(walk.messages, key=lambda m: m[0]):
                seq += 1
                self.messages.append(dict(id=self.uuid(), room_id=walk.room.id, ticket_id=ticket_id, seq=seq,
                                          author_id=author.id, body=body, created_at=at))
            self.rooms[walk.room.id] = seq
            walk.messages = []

    def build(self) -> None:
        for index in range(self.count):
            self.walk_one(index)



def _numbers(n: int) -> list[str]:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval('tickets_ticket_number_seq') FROM generate_series(1, %s)", [n])
            values = [row[0] for row in cursor.fetchall()]
    else:  # as services.base.next_number: SQLite serialises writers
        last = Ticket.all_objects.aggregate(m=Max("number"))["m"]
        first = int(last.split("-")[1]) + 1 if last else 1
        values = list(range(first, first + n))
    return [f"HD-{value:06d}" for value in sorted(values)]


def build_history(*, now: datetime | None = None, count: int = TICKETS) -> HistoryBuilder:
    codes = ["admin1", "mod1", "fin1", "ceo1", "req1", "req2", "it1", "it2", "mnt1"] + [u[0] for u in EXTRA_USERS]
    people = {u.employee_code: u for u in users_selectors.users_by_codes(codes=codes).select_related("department")}
    builder = HistoryBuilder(now=now or timezone.now(), people=people, calendar=selectors.work_calendar(),
                             policies={p.priority: p for p in selectors.sla_policy_list() if p.is_active},
                             threshold=selectors.desk_settings_get().ceo_approval_threshold, count=count)
    builder.build()
    return builder


@transaction.atomic
def seed_history(*, now: datetime | None = None, count: int = TICKETS) -> HistoryBuilder:
    """Insert the history (the caller checks ``already_seeded`` and the demo accounts)."""
    builder = build_history(now=now, count=count)
    tickets = sorted(builder.tickets, key=lambda t: (t.created_at, t.parent_id is not None, str(t.id)))
    for t, number in zip(tickets, _numbers(len(tickets)), strict=True):
        t.number = number
    with explicit_timestamps(Ticket, ApprovalStep):
        Ticket.all_objects.bulk_create([t for t in tickets if t.parent_id is None], batch_size=500)
        Ticket.all_objects.bulk_create([t for t in tickets if t.parent_id is not None], batch_size=500)
        TicketParticipant.objects.bulk_create(builder.participants.values(), batch_size=1000)
        ApprovalStep.all_objects.bulk_create(builder.steps, batch_size=1000)
    communication_services.conversation_import(rooms=builder.rooms, messages=builder.messages)
    audit_services.audit_import(entries=sorted(builder.audits, key=lambda a: a["created_at"]))
    transaction.on_commit(ticket_cache.invalidate_dashboards)
    return builder
