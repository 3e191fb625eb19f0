/**
 * The one place where raw API payloads become the app's types (DESIGN §4). Fields the contract
 * leaves optional get safe defaults, so a backend that omits them does not break a page.
 */
import type { Ticket, Paginated, Attachment, Approval, HistoryEntry, Sla } from "@/types/ticket";
import type { User, Department } from "@/types/user";
import type { ChatMessage } from "@/types/chat";
import type { AppNotification, NotificationPage, NotificationPreferences } from "@/types/notification";
import type {
  AnalyticsSummary,
  AuditEntry,
  DepartmentLoadPoint,
  ResolutionTimeRow,
  Satisfaction,
  SlaCompliance,
  StatusBreakdown,
  VolumePoint,
} from "@/types/analytics";

type Raw = Record<string, unknown>;

const str = (v: unknown, fallback = ""): string => (v === null || v === undefined ? fallback : String(v));
const strOrNull = (v: unknown): string | null => (v === null || v === undefined || v === "" ? null : String(v));
const num = (v: unknown, fallback = 0): number => {
  const n = typeof v === "number" ? v : Number(v);
  return Number.isFinite(n) ? n : fallback;
};
const asObj = (v: unknown): Raw | null => (v && typeof v === "object" && !Array.isArray(v) ? (v as Raw) : null);
const idOf = (v: unknown): string | null => {
  const o = asObj(v);
  if (o) return strOrNull(o.id);
  return strOrNull(v);
};
const nameOf = (v: unknown): string | null => {
  const o = asObj(v);
  return o ? strOrNull(o.full_name ?? o.name) : null;
};

export function toPage<T>(raw: unknown, map: (item: Raw) => T): Paginated<T> {
  if (Array.isArray(raw)) return { items: raw.map((i) => map(i as Raw)), count: raw.length, next: null };
  const o = asObj(raw) ?? {};
  const items = Array.isArray(o.items) ? o.items : Array.isArray(o.results) ? o.results : [];
  return {
    items: items.map((i) => map(i as Raw)),
    count: num(o.count, items.length),
    next: strOrNull(o.next),
  };
}

function toSla(raw: unknown): Sla | null {
  const o = asObj(raw);
  if (!o) return null;
  return {
    first_response_due: strOrNull(o.first_response_due),
    resolution_due: strOrNull(o.resolution_due),
    breached: Boolean(o.breached),
    paused: Boolean(o.paused),
  };
}

export function toTicket(raw: Raw): Ticket {
  const progress = asObj(raw.subtickets_progress) ?? asObj(raw.subtickets);
  const rating = asObj(raw.rating);
  return {
    id: str(raw.id),
    number: str(raw.number, str(raw.id).slice(0, 8)),
    title: str(raw.title),
    description: str(raw.description),
    status: str(raw.status, "draft") as Ticket["status"],
    priority: str(raw.priority, "medium") as Ticket["priority"],
    department_id: idOf(raw.department_id ?? raw.department),
    requestor_id: str(idOf(raw.requestor_id ?? raw.requestor)),
    assignee_id: idOf(raw.assignee_id ?? raw.assignee),
    parent_id: idOf(raw.parent_id ?? raw.parent),
    version: num(raw.version, 1),
    created_at: str(raw.created_at),
    updated_at: str(raw.updated_at, str(raw.created_at)),
    category: strOrNull(raw.category),
    amount: strOrNull(raw.amount),
    sla: toSla(raw.sla),
    subtickets_progress: progress ? { total: num(progress.total), resolved: num(progress.resolved ?? progress.done) } : null,
    room_id: str(raw.room_id ?? idOf(raw.parent_id ?? raw.parent) ?? raw.id),
    rating:
      rating && rating.score !== undefined && rating.score !== null
        ? { score: num(rating.score), comment: strOrNull(rating.comment) }
        : typeof raw.rating === "number"
          ? { score: raw.rating, comment: strOrNull(raw.rating_comment) }
          : null,
    resolution: strOrNull(raw.resolution),
    postponed_until: strOrNull(raw.postponed_until),
    postponed_reason: strOrNull(raw.postponed_reason),
    requestor_name: strOrNull(raw.requestor_name) ?? nameOf(raw.requestor),
    assignee_name: strOrNull(raw.assignee_name) ?? nameOf(raw.assignee),
    department_name: strOrNull(raw.department_name) ?? nameOf(raw.department),
  };
}

export function toUser(raw: Raw): User {
  return {
    id: str(raw.id),
    employee_code: str(raw.employee_code),
    full_name: str(raw.full_name, str(raw.employee_code)),
    email: str(raw.email),
    role: str(raw.role, "requestor") as User["role"],
    department_id: idOf(raw.department_id ?? raw.department),
    is_approver: Boolean(raw.is_approver),
    approver_kind: (strOrNull(raw.approver_kind) as User["approver_kind"]) ?? null,
    is_active: raw.is_active === undefined ? true : Boolean(raw.is_active),
  };
}

export function toDepartment(raw: Raw): Department {
  return { id: str(raw.id), code: str(raw.code), name: str(raw.name, str(raw.code)) };
}

export function toMessage(raw: Raw): ChatMessage {
  return {
    id: str(raw.id),
    ticket_id: str(raw.ticket_id),
    author_id: str(idOf(raw.author_id ?? raw.author)),
    author_name: strOrNull(raw.author_name) ?? nameOf(raw.author),
    body: str(raw.body),
    client_id: strOrNull(raw.client_id),
    seq: raw.seq === undefined || raw.seq === null ? undefined : num(raw.seq),
    created_at: str(raw.created_at),
    edited_at: strOrNull(raw.edited_at),
  };
}

export function toAttachment(raw: Raw): Attachment {
  return {
    id: str(raw.id),
    ticket_id: str(raw.ticket_id),
    original_name: str(raw.original_name ?? raw.name, "file"),
    size: num(raw.size),
    content_type: str(raw.content_type),
    status: str(raw.status, "pending"),
    downloadable: raw.downloadable === undefined ? undefined : Boolean(raw.downloadable),
    scan_note: strOrNull(raw.scan_note),
    created_at: strOrNull(raw.created_at) ?? undefined,
  };
}

export function toApproval(raw: Raw): Approval {
  const ticket = asObj(raw.ticket);
  return {
    id: str(raw.id),
    ticket_id: str(raw.ticket_id ?? (ticket ? ticket.id : "")),
    step: num(raw.step, 1),
    approver_kind: str(raw.approver_kind),
    status: str(raw.status, "pending"),
    decided_by: strOrNull(raw.decided_by),
    decided_at: strOrNull(raw.decided_at),
    reason: strOrNull(raw.reason),
    ticket: ticket ? toTicket(ticket) : null,
  };
}

/** GET tickets/{id}/history: `{id, created_at, actor_id, actor_code, action: "ticket.submit", before, after, reason}`. */
export function toHistory(raw: Raw): HistoryEntry {
  const before = asObj(raw.before);
  const after = asObj(raw.after);
  const action = str(raw.action ?? raw.event ?? raw.verb, "update").replace(/^ticket\./, "");
  const fromStatus = strOrNull(raw.from_status ?? raw.from_state ?? before?.status);
  const toStatus = strOrNull(raw.to_status ?? raw.to_state ?? after?.status);
  return {
    id: str(raw.id, `${str(raw.created_at)}-${action}`),
    action,
    from_status: fromStatus,
    // Only a change of status is worth an arrow; an edit keeps the status it had.
    to_status: toStatus && toStatus !== fromStatus ? toStatus : null,
    actor_id: idOf(raw.actor_id ?? raw.actor),
    actor_name: strOrNull(raw.actor_name) ?? nameOf(raw.actor) ?? strOrNull(raw.actor_code),
    reason: strOrNull(raw.reason ?? asObj(raw.data)?.reason ?? after?.reason),
    created_at: str(raw.created_at ?? raw.at),
  };
}

export function toNotification(raw: Raw): AppNotification {
  return {
    id: str(raw.id),
    kind: str(raw.kind, "info"),
    title: str(raw.title, str(raw.kind, "Notification")),
    body: str(raw.body),
    ticket_id: idOf(raw.ticket_id),
    read_at: strOrNull(raw.read_at),
    created_at: str(raw.created_at),
  };
}

export function toNotificationPreferences(raw: unknown): NotificationPreferences {
  const o = asObj(raw) ?? {};
  const kinds: Record<string, boolean> = {};
  for (const [k, v] of Object.entries(asObj(o.email_kinds) ?? {})) kinds[k] = v === true;
  return { email_enabled: o.email_enabled !== false, email_kinds: kinds };
}

export function toNotificationPage(raw: unknown): NotificationPage {
  const page = toPage(raw, toNotification);
  const o = asObj(raw) ?? {};
  return { ...page, unread: num(o.unread, page.items.filter((n) => !n.read_at).length) };
}

const numOrNull = (v: unknown): number | null => {
  if (v === null || v === undefined || v === "") return null;
  const n = typeof v === "number" ? v : Number(v);
  return Number.isFinite(n) ? n : null;
};

function countMap(raw: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(asObj(raw) ?? {})) out[k] = num(v);
  return out;
}

/** GET analytics/summary → the KPI figures (the keys are the API's, see types/analytics). */
export function toAnalyticsSummary(raw: unknown): AnalyticsSummary {
  const o = asObj(raw) ?? {};
  return {
    scope: str(o.scope, "own"),
    total: num(o.total),
    open: num(o.open),
    breachedOpen: num(o.breached_open),
    assignedToMeOpen: num(o.assigned_to_me_open),
    createdLast7Days: num(o.created_last_7_days),
    resolvedLast7Days: num(o.resolved_last_7_days),
    avgResolutionHours: numOrNull(o.avg_resolution_hours),
    slaCompliancePercent: numOrNull(o.sla_compliance_percent),
    avgRating: numOrNull(o.avg_rating),
    awaitingMyApproval: num(o.awaiting_my_approval),
    byStatus: countMap(o.by_status),
  };
}

/** The calendar date of an API period ("2026-11-27T00:00:00+05:00" → "2026-11-27"), in the server's zone. */
export function periodKey(period: unknown): string {
  const s = str(period);
  return /^\d{4}-\d{2}-\d{2}/.test(s) ? s.slice(0, 10) : s;
}

/** GET analytics/volume → `{interval, items: [{period, created, resolved}]}`. */
export function toVolume(raw: unknown): VolumePoint[] {
  const o = asObj(raw) ?? {};
  const items = Array.isArray(o.items) ? o.items : Array.isArray(raw) ? raw : [];
  return items.map((item) => {
    const p = asObj(item) ?? {};
    return { key: periodKey(p.period ?? p.date), created: num(p.created ?? p.count), resolved: num(p.resolved) };
  });
}

/** GET analytics/by-department → `{items: [{department_id, code, name, total, open, breached, ...}]}`. */
export function toDepartmentLoad(raw: unknown): DepartmentLoadPoint[] {
  const o = asObj(raw) ?? {};
  const items = Array.isArray(o.items) ? o.items : Array.isArray(raw) ? raw : [];
  return items.map((item) => {
    const p = asObj(item) ?? {};
    return {
      departmentId: strOrNull(p.department_id),
      code: strOrNull(p.code),
      name: strOrNull(p.name),
      total: num(p.total),
      open: num(p.open),
      breached: num(p.breached),
      avgResolutionHours: numOrNull(p.avg_resolution_hours),
      avgRating: numOrNull(p.avg_rating),
    };
  });
}

/** GET analytics/by-status → `{by_status: {status: n}, by_priority: {priority: n}, matrix}`. */
export function toStatusBreakdown(raw: unknown): StatusBreakdown {
  const o = asObj(raw) ?? {};
  return { byStatus: countMap(o.by_status), byPriority: countMap(o.by_priority) };
}

/** GET analytics/sla-compliance → `{total, breached, compliance_percent, by_priority: [...]}`. */
export function toSlaCompliance(raw: unknown): SlaCompliance {
  const o = asObj(raw) ?? {};
  const rows = Array.isArray(o.by_priority) ? o.by_priority : [];
  return {
    total: num(o.total),
    breached: num(o.breached),
    percent: numOrNull(o.compliance_percent),
    byPriority: rows.map((item) => {
      const p = asObj(item) ?? {};
      return {
        priority: str(p.priority),
        total: num(p.total),
        breached: num(p.breached),
        firstResponseBreached: num(p.first_response_breached),
        resolutionBreached: num(p.resolution_breached),
        percent: numOrNull(p.compliance_percent),
      };
    }),
  };
}

/** GET analytics/satisfaction → `{count, average, distribution: {"1": n, ..., "5": n}}`. */
export function toSatisfaction(raw: unknown): Satisfaction {
  const o = asObj(raw) ?? {};
  const dist = countMap(o.distribution);
  return {
    count: num(o.count),
    average: numOrNull(o.average),
    distribution: [1, 2, 3, 4, 5].map((score) => ({ score, count: dist[String(score)] ?? 0 })),
  };
}

/** GET analytics/resolution-time → `{items: [{priority, resolved, avg_hours}]}`. */
export function toResolutionTime(raw: unknown): ResolutionTimeRow[] {
  const o = asObj(raw) ?? {};
  const items = Array.isArray(o.items) ? o.items : [];
  return items.map((item) => {
    const p = asObj(item) ?? {};
    return { priority: str(p.priority), resolved: num(p.resolved), avgHours: numOrNull(p.avg_hours) };
  });
}

/** GET audit: `{id, created_at, actor_id, actor_code, action, object_type, object_id, before, after, reason, request_id, ip}`. */
export function toAuditEntry(raw: Raw): AuditEntry {
  const before = asObj(raw.before);
  const after = asObj(raw.after);
  return {
    id: str(raw.id),
    actor_id: idOf(raw.actor_id ?? raw.actor),
    actor_name: strOrNull(raw.actor_name) ?? nameOf(raw.actor) ?? strOrNull(raw.actor_code),
    action: str(raw.action ?? raw.verb),
    entity: str(raw.entity ?? raw.entity_type ?? raw.object_type),
    entity_id: strOrNull(raw.entity_id ?? raw.object_id),
    created_at: str(raw.created_at ?? raw.at),
    data: asObj(raw.data ?? raw.changes ?? raw.payload ?? raw.after ?? raw.before),
    before,
    after,
    reason: strOrNull(raw.reason),
    ip: strOrNull(raw.ip),
  };
}

/** What an audit entry changed, one line per field: "status: submitted → assigned"; a creation lists its values. */
export function auditChanges(entry: Pick<AuditEntry, "before" | "after">): string[] {
  const show = (v: unknown) => (v === null || v === undefined || v === "" ? "—" : typeof v === "object" ? JSON.stringify(v) : String(v));
  const before = entry.before ?? {};
  const after = entry.after ?? {};
  const keys = Array.from(new Set([...Object.keys(before), ...Object.keys(after)])).filter((k) => k !== "version");
  const lines: string[] = [];
  for (const key of keys) {
    const a = before[key];
    const b = after[key];
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    if (!entry.before) {
      if (b !== null && b !== undefined && b !== "") lines.push(`${key}: ${show(b)}`);
    } else lines.push(`${key}: ${show(a)} → ${show(b)}`);
  }
  return lines;
}
