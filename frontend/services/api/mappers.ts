/**
 * The one place where API payloads become the app's types (DESIGN §4): typed transformations over
 * the types generated from the API's OpenAPI schema (types/api.gen.ts). Every payload is checked
 * against its schema first (services/api/contract.ts): an unknown shape fails loudly in development
 * and tests instead of becoming a silent default.
 */
import type { components } from "@/types/api.gen";
import {
  ATTACHMENT_STATUSES,
  EDITABLE_FIELDS,
  PRIORITIES,
  SERVER_ACTIONS,
  TICKET_STATUSES,
  type Ticket,
  type Paginated,
  type Attachment,
  type Approval,
  type HistoryEntry,
  type SavedView,
  type BulkResult,
} from "@/types/ticket";
import { ROLES, USER_ACTIONS, type User, type Department } from "@/types/user";
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
  PriorityTrendPoint,
  VolumePoint,
  WorkloadRow,
} from "@/types/analytics";
import { contractBroken, expectArray, expectOneOf, expectShape, type Spec } from "./contract";

type Schemas = components["schemas"];
type Raw = Record<string, unknown>;

const PAGE_SPEC: Spec<{ items: unknown; count: unknown; count_capped: unknown; next: unknown }> = {
  items: "array", count: "number|null?", count_capped: "boolean?", next: "string|null",
};

/** A page `{items, count, next}` (a search's also `count_capped`: the count stopped at the server's
 * cap), or a plain list (endpoints that return every row). */
export function toPage<T>(raw: unknown, map: (item: Raw) => T): Paginated<T> {
  if (Array.isArray(raw)) return { items: raw.map((i) => map(i as Raw)), count: raw.length, next: null };
  const page = expectShape<{ items: Raw[]; count?: number | null; count_capped?: boolean; next: string | null }>(
    raw, PAGE_SPEC, "Page");
  const items = expectArray(page.items, "Page.items") as Raw[];
  return { items: items.map((i) => map(i)), count: page.count ?? items.length, next: page.next ?? null,
           ...(page.count_capped ? { countCapped: true } : {}) };
}

const TICKET_SPEC: Spec<Schemas["TicketOut"]> = {
  id: "string", number: "string", title: "string", description: "string", status: "string", priority: "string",
  category: "string", department_id: "string|null", department: "object|null", requestor_id: "string",
  requestor: "object|null", requestor_name: "string", assignee_id: "string|null", assignee: "object|null",
  assignee_name: "string|null", sla_due_at: "string|null", owner_id: "string|null",
  parent_id: "string|null", room_id: "string", amount: "string|null", due_at: "string|null", resolution: "string",
  category_id: "string|null", fields: "object", form: "object|null", merged_into_id: "string|null",
  postponed_until: "string|null", postponed_reason: "string", rating: "number|null", rating_comment: "string",
  version: "number", created_at: "string", updated_at: "string", submitted_at: "string|null",
  first_responded_at: "string|null", resolved_at: "string|null", closed_at: "string|null", subtickets: "object",
  sla: "object", sla_risk: "object|null", triage: "object|null", allowed_actions: "array", editable_fields: "array",
};
const RISK_LEVELS = ["low", "medium", "high"] as const;
const SLA_SPEC: Spec<Schemas["SlaOut"]> = {
  started_at: "string|null", first_response_due: "string|null", resolution_due: "string|null",
  first_response_breached: "boolean", resolution_breached: "boolean", breached: "boolean", paused: "boolean",
  paused_minutes: "number",
};
const PROGRESS_SPEC: Spec<Schemas["ProgressOut"]> = { total: "number", done: "number" };

export function toTicket(raw: unknown): Ticket {
  const t = expectShape(raw, TICKET_SPEC, "TicketOut");
  const sla = expectShape(t.sla, SLA_SPEC, "TicketOut.sla");
  const progress = expectShape(t.subtickets, PROGRESS_SPEC, "TicketOut.subtickets");
  return {
    id: t.id,
    number: t.number,
    title: t.title,
    description: t.description,
    status: expectOneOf(t.status, TICKET_STATUSES, "TicketOut.status"),
    priority: expectOneOf(t.priority, PRIORITIES, "TicketOut.priority"),
    department_id: t.department_id,
    requestor_id: t.requestor_id,
    assignee_id: t.assignee_id,
    parent_id: t.parent_id,
    version: t.version,
    created_at: t.created_at,
    updated_at: t.updated_at,
    category: t.category || null,
    amount: t.amount,
    sla: {
      first_response_due: sla.first_response_due,
      resolution_due: sla.resolution_due,
      breached: sla.breached,
      paused: sla.paused,
    },
    sla_risk: t.sla_risk
      ? { probability: t.sla_risk.probability, level: expectOneOf(t.sla_risk.level, RISK_LEVELS, "TicketOut.sla_risk.level") }
      : null,
    subtickets_progress: { total: progress.total, resolved: progress.done },
    room_id: t.room_id,
    rating: t.rating === null ? null : { score: t.rating, comment: t.rating_comment || null },
    resolution: t.resolution || null,
    postponed_until: t.postponed_until,
    postponed_reason: t.postponed_reason || null,
    requestor_name: t.requestor_name,
    assignee_name: t.assignee_name,
    department_name: t.department?.name ?? null,
    category_id: t.category_id,
    form: t.form,
    merged_into_id: t.merged_into_id,
    allowed_actions: t.allowed_actions.map((a, i) => expectOneOf(a, SERVER_ACTIONS, `TicketOut.allowed_actions[${i}]`)),
    editable_fields: t.editable_fields.map((f, i) => expectOneOf(f, EDITABLE_FIELDS, `TicketOut.editable_fields[${i}]`)),
  };
}

const USER_SPEC: Spec<Schemas["UserOut"]> = {
  id: "string", employee_code: "string", full_name: "string", email: "string", phone: "string", role: "string",
  department_id: "string|null", department_name: "string|null?", is_approver: "boolean", approver_kind: "string|null",
  is_active: "boolean", otp_enabled: "boolean", language: "string", version: "number", created_at: "string",
  last_login: "string|null", locked_until: "string|null?", otp_required: "boolean", sms_linked: "boolean",
  locked: "boolean", allowed_actions: "array",
};

export function toUser(raw: unknown): User {
  const u = expectShape(raw, USER_SPEC, "UserOut");
  return {
    id: u.id,
    employee_code: u.employee_code,
    full_name: u.full_name,
    email: u.email,
    role: expectOneOf(u.role, ROLES, "UserOut.role"),
    department_id: u.department_id,
    is_approver: u.is_approver,
    approver_kind: u.approver_kind === null ? null : expectOneOf(u.approver_kind, ["finance", "ceo"] as const, "UserOut.approver_kind"),
    is_active: u.is_active,
    language: u.language === "ur" ? "ur" : "en",
    otp_enabled: u.otp_enabled,
    otp_required: u.otp_required === true,
    sms_linked: u.sms_linked === true,
    locked_until: u.locked_until ?? null,
    locked: u.locked,
    allowed_actions: (u.allowed_actions ?? []).map((a, i) => expectOneOf(a, USER_ACTIONS, `UserOut.allowed_actions[${i}]`)),
  };
}

const DEPARTMENT_SPEC: Spec<Schemas["DepartmentOut"]> = {
  id: "string", code: "string", name: "string", is_active: "boolean", version: "number",
};

export function toDepartment(raw: unknown): Department {
  const d = expectShape(raw, DEPARTMENT_SPEC, "DepartmentOut");
  return { id: d.id, code: d.code, name: d.name };
}

const MESSAGE_SPEC: Spec<Schemas["MessageOut"]> = {
  id: "string", ticket_id: "string", room_id: "string", seq: "number", author_id: "string", author_name: "string",
  author_code: "string", body: "string", client_id: "string|null", attachment_ids: "array", created_at: "string",
  edited_at: "string|null", internal: "boolean", mentions: "array",
};

export function toMessage(raw: unknown): ChatMessage {
  const m = expectShape(raw, MESSAGE_SPEC, "MessageOut");
  return {
    id: m.id,
    ticket_id: m.ticket_id,
    author_id: m.author_id,
    author_name: m.author_name || m.author_code,
    body: m.body,
    client_id: m.client_id,
    seq: m.seq,
    created_at: m.created_at,
    edited_at: m.edited_at,
    internal: m.internal,
    mentions: m.mentions,
  };
}

const ATTACHMENT_SPEC: Spec<Schemas["AttachmentOut"]> = {
  id: "string", ticket_id: "string", message_id: "string|null", uploader_id: "string", original_name: "string",
  size: "number", kind: "string", content_type: "string", sha256: "string", status: "string", scanned: "boolean",
  scan_note: "string", downloadable: "boolean", download_url: "string|null", variants: "array",
  scanned_at: "string|null", created_at: "string", updated_at: "string",
};

export function toAttachment(raw: unknown): Attachment {
  const a = expectShape(raw, ATTACHMENT_SPEC, "AttachmentOut");
  return {
    id: a.id,
    ticket_id: a.ticket_id,
    original_name: a.original_name,
    size: a.size,
    content_type: a.content_type,
    status: expectOneOf(a.status, ATTACHMENT_STATUSES, "AttachmentOut.status"),
    downloadable: a.downloadable,
    scan_note: a.scan_note || null,
    created_at: a.created_at,
  };
}

const APPROVAL_SPEC: Spec<Schemas["ApprovalOut"]> = {
  id: "string", ticket_id: "string", step: "number", round: "number", approver_kind: "string", status: "string",
  decided_by: "string|null", decided_at: "string|null", reason: "string", created_at: "string",
  ticket: "object|null?",
};

export function toApproval(raw: unknown): Approval {
  const a = expectShape(raw, APPROVAL_SPEC, "ApprovalOut");
  return {
    id: a.id,
    ticket_id: a.ticket_id,
    step: a.step,
    approver_kind: a.approver_kind,
    status: a.status,
    decided_by: a.decided_by,
    decided_at: a.decided_at,
    reason: a.reason || null,
    ticket: a.ticket ? toTicket(a.ticket) : null,
  };
}

const HISTORY_SPEC: Spec<Schemas["HistoryOut"]> = {
  id: "string", created_at: "string", actor_id: "string|null", actor_code: "string", actor_name: "string",
  action: "string", before: "object|null", after: "object|null", reason: "string", kind: "string", params: "object",
};

/** GET tickets/{id}/history: audit entries whose action is "ticket.<action>". */
export function toHistory(raw: unknown): HistoryEntry {
  const h = expectShape(raw, HISTORY_SPEC, "HistoryOut");
  const action = h.action.replace(/^ticket\./, "");
  const fromStatus = typeof h.before?.status === "string" ? h.before.status : null;
  const toStatus = typeof h.after?.status === "string" ? h.after.status : null;
  return {
    id: h.id,
    action,
    kind: h.kind || h.action,
    params: h.params ?? {},
    from_status: fromStatus,
    // Only a change of status is worth an arrow; an edit keeps the status it had.
    to_status: toStatus && toStatus !== fromStatus ? toStatus : null,
    actor_id: h.actor_id,
    actor_name: h.actor_name || h.actor_code || null,
    reason: h.reason || null,
    created_at: h.created_at,
  };
}

const NOTIFICATION_SPEC: Spec<Schemas["NotificationOut"]> = {
  id: "string", kind: "string", title: "string", body: "string", params: "object", ticket_id: "string|null", urgent: "boolean",
  read_at: "string|null", created_at: "string",
};

export function toNotification(raw: unknown): AppNotification {
  const n = expectShape(raw, NOTIFICATION_SPEC, "NotificationOut");
  return { id: n.id, kind: n.kind, title: n.title, body: n.body, params: n.params, ticket_id: n.ticket_id, read_at: n.read_at, created_at: n.created_at };
}

const PREFERENCES_SPEC: Spec<Schemas["PreferencesOut"]> = {
  email_enabled: "boolean",
  email_kinds: "object",
  kinds: "object",
  digest: "string",
  mute_own_actions: "boolean",
};
const DIGESTS = ["off", "hourly", "daily"] as const;

export function toNotificationPreferences(raw: unknown): NotificationPreferences {
  const p = expectShape(raw, PREFERENCES_SPEC, "PreferencesOut");
  const kinds: Record<string, boolean> = {};
  for (const [k, v] of Object.entries(p.email_kinds)) {
    if (typeof v !== "boolean") contractBroken(`PreferencesOut.email_kinds.${k}: expected boolean`);
    kinds[k] = v === true;
  }
  const perKind: Record<string, { in_app: boolean; email: boolean }> = {};
  for (const [k, v] of Object.entries(p.kinds)) {
    if (typeof v?.in_app !== "boolean" || typeof v?.email !== "boolean") {
      contractBroken(`PreferencesOut.kinds.${k}: expected {in_app, email} booleans`);
    }
    perKind[k] = { in_app: v?.in_app === true, email: v?.email === true };
  }
  if (!DIGESTS.includes(p.digest)) contractBroken(`PreferencesOut.digest: unexpected ${String(p.digest)}`);
  return {
    email_enabled: p.email_enabled,
    email_kinds: kinds,
    kinds: perKind,
    digest: p.digest,
    mute_own_actions: p.mute_own_actions,
  };
}

const NOTIFICATION_PAGE_SPEC: Spec<Schemas["NotificationPageOut"]> = { items: "array", count: "number", next: "string|null", unread: "number" };

export function toNotificationPage(raw: unknown): NotificationPage {
  const o = expectShape(raw, NOTIFICATION_PAGE_SPEC, "NotificationPageOut");
  return { items: o.items.map(toNotification), count: o.count, next: o.next, unread: o.unread };
}

// ---------------------------------------------------------------- analytics (no response schema yet)

type RawObj = Record<string, unknown>;
const asObj = (v: unknown, name: string): RawObj => {
  if (!v || typeof v !== "object" || Array.isArray(v)) {
    contractBroken(`${name}: expected an object`);
    return {};
  }
  return v as RawObj;
};
const str = (v: unknown): string => (v === null || v === undefined ? "" : String(v));
const strOrNull = (v: unknown): string | null => (v === null || v === undefined || v === "" ? null : String(v));
const num = (v: unknown, name: string): number => {
  if (typeof v !== "number") contractBroken(`${name}: expected a number, got ${JSON.stringify(v)}`);
  return Number(v);
};

const numOrNull = (v: unknown, name: string): number | null => (v === null || v === undefined ? null : num(v, name));

function countMap(raw: unknown, name: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(asObj(raw, name))) out[k] = num(v, `${name}.${k}`);
  return out;
}

/** GET analytics/summary → the KPI figures (the keys are the API's, see types/analytics). */
export function toAnalyticsSummary(raw: unknown): AnalyticsSummary {
  const o = asObj(raw, "AnalyticsSummary");
  const n = (key: string) => num(o[key], `AnalyticsSummary.${key}`);
  const nn = (key: string) => numOrNull(o[key], `AnalyticsSummary.${key}`);
  return {
    scope: str(o.scope),
    total: n("total"),
    open: n("open"),
    breachedOpen: n("breached_open"),
    assignedToMeOpen: n("assigned_to_me_open"),
    createdLast7Days: n("created_last_7_days"),
    resolvedLast7Days: n("resolved_last_7_days"),
    avgResolutionHours: nn("avg_resolution_hours"),
    slaCompliancePercent: nn("sla_compliance_percent"),
    avgRating: nn("avg_rating"),
    awaitingMyApproval: n("awaiting_my_approval"),
    byStatus: countMap(o.by_status, "AnalyticsSummary.by_status"),
  };
}

/** The calendar date of an API period ("2026-11-27T00:00:00+05:00" → "2026-11-27"), in the server's zone. */
export function periodKey(period: unknown): string {
  const s = str(period);
  return /^\d{4}-\d{2}-\d{2}/.test(s) ? s.slice(0, 10) : s;
}

function itemsOf(raw: unknown, name: string): RawObj[] {
  return expectArray(asObj(raw, name).items, `${name}.items`).map((item, i) => asObj(item, `${name}.items[${i}]`));
}

/** GET analytics/volume → `{interval, items: [{period, created, resolved}]}`. */
export function toVolume(raw: unknown): VolumePoint[] {
  return itemsOf(raw, "Volume").map((p) => ({
    key: periodKey(p.period),
    created: num(p.created, "Volume.created"),
    resolved: num(p.resolved, "Volume.resolved"),
  }));
}

/** GET analytics/priority-trend → `{interval, items: [{period, low, medium, high, urgent}]}`. */
export function toPriorityTrend(raw: unknown): PriorityTrendPoint[] {
  return itemsOf(raw, "PriorityTrend").map((p) => ({
    key: periodKey(p.period),
    low: num(p.low, "PriorityTrend.low"),
    medium: num(p.medium, "PriorityTrend.medium"),
    high: num(p.high, "PriorityTrend.high"),
    urgent: num(p.urgent, "PriorityTrend.urgent"),
  }));
}

/** GET analytics/by-department → `{items: [{department_id, code, name, total, open, breached, ...}]}`. */
export function toDepartmentLoad(raw: unknown): DepartmentLoadPoint[] {
  return itemsOf(raw, "ByDepartment").map((p) => ({
    departmentId: strOrNull(p.department_id),
    code: strOrNull(p.code),
    name: strOrNull(p.name),
    total: num(p.total, "ByDepartment.total"),
    open: num(p.open, "ByDepartment.open"),
    breached: num(p.breached, "ByDepartment.breached"),
    avgResolutionHours: numOrNull(p.avg_resolution_hours, "ByDepartment.avg_resolution_hours"),
    avgRating: numOrNull(p.avg_rating, "ByDepartment.avg_rating"),
  }));
}

/** GET analytics/workload → `{items: [{assignee: {id, employee_code, full_name}, department_id, open, …}]}`. */
export function toWorkload(raw: unknown): WorkloadRow[] {
  return itemsOf(raw, "Workload").map((p) => {
    const who = asObj(p.assignee, "Workload.assignee");
    return {
      assigneeId: String(who.id),
      employeeCode: String(who.employee_code ?? ""),
      fullName: String(who.full_name ?? ""),
      departmentId: strOrNull(p.department_id),
      open: num(p.open, "Workload.open"),
      inProgress: num(p.in_progress, "Workload.in_progress"),
      overdue: num(p.overdue, "Workload.overdue"),
      resolved: num(p.resolved, "Workload.resolved"),
      avgResolutionHours: numOrNull(p.avg_resolution_hours, "Workload.avg_resolution_hours"),
    };
  });
}

/** GET analytics/by-status → `{by_status: {status: n}, by_priority: {priority: n}, matrix}`. */
export function toStatusBreakdown(raw: unknown): StatusBreakdown {
  const o = asObj(raw, "ByStatus");
  return { byStatus: countMap(o.by_status, "ByStatus.by_status"), byPriority: countMap(o.by_priority, "ByStatus.by_priority") };
}

/** GET analytics/sla-compliance → `{total, breached, compliance_percent, by_priority: [...]}`. */
export function toSlaCompliance(raw: unknown): SlaCompliance {
  const o = asObj(raw, "SlaCompliance");
  const rows = expectArray(o.by_priority, "SlaCompliance.by_priority");
  return {
    total: num(o.total, "SlaCompliance.total"),
    breached: num(o.breached, "SlaCompliance.breached"),
    percent: numOrNull(o.compliance_percent, "SlaCompliance.compliance_percent"),
    byPriority: rows.map((item) => {
      const p = asObj(item, "SlaCompliance.by_priority[]");
      return {
        priority: str(p.priority),
        total: num(p.total, "SlaCompliance.by_priority.total"),
        breached: num(p.breached, "SlaCompliance.by_priority.breached"),
        firstResponseBreached: num(p.first_response_breached, "SlaCompliance.by_priority.first_response_breached"),
        resolutionBreached: num(p.resolution_breached, "SlaCompliance.by_priority.resolution_breached"),
        percent: numOrNull(p.compliance_percent, "SlaCompliance.by_priority.compliance_percent"),
      };
    }),
  };
}

/** GET analytics/satisfaction → `{count, average, distribution: {"1": n, ..., "5": n}}`. */
export function toSatisfaction(raw: unknown): Satisfaction {
  const o = asObj(raw, "Satisfaction");
  const dist = countMap(o.distribution, "Satisfaction.distribution");
  return {
    count: num(o.count, "Satisfaction.count"),
    average: numOrNull(o.average, "Satisfaction.average"),
    distribution: [1, 2, 3, 4, 5].map((score) => ({ score, count: dist[String(score)] ?? 0 })),
  };
}

/** GET analytics/resolution-time → `{items: [{priority, resolved, avg_hours}]}`. */
export function toResolutionTime(raw: unknown): ResolutionTimeRow[] {
  return itemsOf(raw, "ResolutionTime").map((p) => ({
    priority: str(p.priority),
    resolved: num(p.resolved, "ResolutionTime.resolved"),
    avgHours: numOrNull(p.avg_hours, "ResolutionTime.avg_hours"),
  }));
}

const AUDIT_SPEC: Spec<Schemas["AuditEntryOut"]> = {
  id: "string", created_at: "string", actor_id: "string|null", actor_code: "string", actor_name: "string",
  action: "string", object_type: "string", object_id: "string", before: "object|null", after: "object|null",
  reason: "string", request_id: "string", ip: "string", archived: "boolean", kind: "string", params: "object",
};

/** GET audit: one entry of the audit log. */
export function toAuditEntry(raw: unknown): AuditEntry {
  const e = expectShape(raw, AUDIT_SPEC, "AuditEntryOut");
  return {
    id: e.id,
    actor_id: e.actor_id,
    actor_name: e.actor_name || e.actor_code || null,
    action: e.action,
    kind: e.kind || e.action,
    params: e.params ?? {},
    entity: e.object_type,
    entity_id: e.object_id || null,
    created_at: e.created_at,
    data: e.after ?? e.before,
    before: e.before,
    after: e.after,
    reason: e.reason || null,
    ip: e.ip || null,
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

const VIEW_SPEC: Spec<Schemas["ViewOut"]> = {
  id: "string", name: "string", filters: "object", ordering: "string|null", shared: "boolean", owner_id: "string",
  can_change: "boolean", count: "number", count_capped: "boolean",
};

export function toView(raw: unknown): SavedView {
  const v = expectShape(raw, VIEW_SPEC, "ViewOut");
  return { id: v.id, name: v.name, filters: v.filters, ordering: v.ordering, shared: v.shared, can_change: v.can_change, count: v.count,
           ...(v.count_capped ? { countCapped: true } : {}) };
}

const BULK_RESULT_SPEC: Spec<Schemas["BulkResultOut"]> = {
  id: "string", status: "string", code: "string|null?", detail: "string|null?", ticket: "object|null?",
};

export function toBulkResult(raw: unknown): BulkResult {
  const r = expectShape(raw, BULK_RESULT_SPEC, "BulkResultOut");
  return { id: r.id, ok: r.status === "ok", code: r.code ?? null, detail: r.detail ?? null, ticket: r.ticket ? toTicket(r.ticket) : null };
}
