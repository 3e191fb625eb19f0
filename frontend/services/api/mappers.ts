/**
 * The one place where raw API payloads become the app's types (DESIGN §4). Fields the contract
 * leaves optional get safe defaults, so a backend that omits them does not break a page.
 */
import type { Ticket, Paginated, Attachment, Approval, HistoryEntry, Sla } from "@/types/ticket";
import type { User, Department } from "@/types/user";
import type { ChatMessage } from "@/types/chat";
import type { AppNotification, NotificationPage } from "@/types/notification";
import type { AnalyticsSummary, SeriesPoint, PriorityTrendPoint, AuditEntry } from "@/types/analytics";

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

export function toHistory(raw: Raw): HistoryEntry {
  const before = asObj(raw.before);
  const after = asObj(raw.after);
  return {
    id: str(raw.id, `${str(raw.created_at)}-${str(raw.action)}`),
    action: str(raw.action ?? raw.event ?? raw.verb, "update"),
    from_status: strOrNull(raw.from_status ?? raw.from_state ?? before?.status),
    to_status: strOrNull(raw.to_status ?? raw.to_state ?? after?.status),
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

export function toNotificationPage(raw: unknown): NotificationPage {
  const page = toPage(raw, toNotification);
  const o = asObj(raw) ?? {};
  return { ...page, unread: num(o.unread, page.items.filter((n) => !n.read_at).length) };
}

function toSeries(raw: unknown, labelKeys: string[], valueKeys: string[]): SeriesPoint[] {
  if (Array.isArray(raw)) {
    return raw.map((item) => {
      const o = asObj(item) ?? {};
      const label = labelKeys.map((k) => o[k]).find((v) => v !== undefined && v !== null);
      const value = valueKeys.map((k) => o[k]).find((v) => v !== undefined && v !== null);
      return { label: str(label), value: num(value) };
    });
  }
  const o = asObj(raw);
  if (o) return Object.entries(o).map(([label, value]) => ({ label, value: num(value) }));
  return [];
}

export function toAnalyticsSummary(raw: unknown): AnalyticsSummary {
  const o = asObj(raw) ?? {};
  const totals: Record<string, number> = {};
  for (const [k, v] of Object.entries(asObj(o.totals) ?? asObj(o.counts) ?? {})) totals[k] = num(v);
  for (const [k, v] of Object.entries(o)) if (typeof v === "number") totals[k] = v;
  const trendRaw = o.priority_trend ?? o.priority_over_time;
  const priorityTrend: PriorityTrendPoint[] = Array.isArray(trendRaw)
    ? trendRaw.map((item) => {
        const p = asObj(item) ?? {};
        return {
          label: str(p.date ?? p.period ?? p.label),
          low: num(p.low),
          medium: num(p.medium),
          high: num(p.high),
          urgent: num(p.urgent),
        };
      })
    : [];
  const byPriority = toSeries(o.by_priority, ["priority", "label"], ["count", "value"]);
  return {
    totals,
    volume: toSeries(o.volume ?? o.volume_over_time ?? o.by_day, ["date", "period", "day", "label"], ["count", "value", "total"]),
    departmentLoad: toSeries(o.department_load ?? o.by_department, ["department", "department_name", "name", "code", "label"], ["count", "open", "value"]),
    priorityTrend:
      priorityTrend.length || !byPriority.length
        ? priorityTrend
        : [{ label: "now", low: 0, medium: 0, high: 0, urgent: 0, ...Object.fromEntries(byPriority.map((p) => [p.label, p.value])) }],
    slaCompliance: toSeries(o.sla_compliance ?? o.sla, ["date", "period", "label", "priority"], ["rate", "compliance", "value", "percent"]),
    satisfaction: toSeries(o.satisfaction ?? o.ratings, ["score", "label", "date"], ["count", "value", "average"]),
    averageRating: o.average_rating === undefined || o.average_rating === null ? null : num(o.average_rating),
  };
}

export function toAuditEntry(raw: Raw): AuditEntry {
  return {
    id: str(raw.id),
    actor_id: idOf(raw.actor_id ?? raw.actor),
    actor_name: strOrNull(raw.actor_name) ?? nameOf(raw.actor) ?? strOrNull(raw.actor_code),
    action: str(raw.action ?? raw.verb),
    entity: str(raw.entity ?? raw.entity_type ?? raw.object_type),
    entity_id: strOrNull(raw.entity_id ?? raw.object_id),
    created_at: str(raw.created_at ?? raw.at),
    data: asObj(raw.data ?? raw.changes ?? raw.payload ?? raw.after ?? raw.before),
  };
}
