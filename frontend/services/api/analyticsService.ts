import { api } from "./axiosClient";
import { nextPageUrl } from "./pagination";
import { withBlobErrorBody } from "@/lib/errors";
import { saveBlob } from "@/lib/download";
import {
  toAnalyticsSummary,
  toAuditEntry,
  toDepartmentLoad,
  toPage,
  toPriorityTrend,
  toResolutionTime,
  toSatisfaction,
  toSlaCompliance,
  toStatusBreakdown,
  toVolume,
  toWorkload,
} from "./mappers";
import type {
  AnalyticsRange,
  AnalyticsSummary,
  AuditEntry,
  AuditFilters,
  DepartmentLoadPoint,
  PriorityTrendPoint,
  ResolutionTimeRow,
  Satisfaction,
  SlaCompliance,
  StatusBreakdown,
  VolumePoint,
  WorkloadRow,
} from "@/types/analytics";
import type { Paginated } from "@/types/ticket";

function clean<T extends object>(filters: T): Record<string, string> {
  return Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined && v !== null && v !== "")) as Record<string, string>;
}

/** The server scopes every analytics endpoint by the caller's role (desk, department or own). */
export async function getAnalyticsSummary(range: AnalyticsRange = {}): Promise<AnalyticsSummary> {
  const { data } = await api.get("/analytics/summary", { params: clean(range) });
  return toAnalyticsSummary(data);
}

const DAY = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const dayMs = (key: string) => Date.UTC(Number(key.slice(0, 4)), Number(key.slice(5, 7)) - 1, Number(key.slice(8, 10)));

/** Daily periods over the last `days` days; days without tickets come back as zeros so the line is continuous. */
export function fillDays(points: VolumePoint[], days: number, now = Date.now()): VolumePoint[] {
  const byKey = new Map(points.filter((p) => /^\d{4}-\d{2}-\d{2}$/.test(p.key)).map((p) => [p.key, p]));
  const today = dayMs(isoDay(now));
  const keys = [...byKey.keys()].sort();
  let from = today - (days - 1) * DAY;
  let to = today;
  if (keys.length) {
    from = Math.min(from, dayMs(keys[0]));
    to = Math.max(to, dayMs(keys[keys.length - 1]));
  }
  const out: VolumePoint[] = [];
  for (let t = from; t <= to; t += DAY) {
    const key = isoDay(t);
    out.push(byKey.get(key) ?? { key, created: 0, resolved: 0 });
  }
  return out;
}

/** Created and resolved per day or week; the server fills quiet buckets with zeros. Without a
 * range: the last 30 days. */
export async function getVolume(range: AnalyticsRange = {}, interval: "day" | "week" = "day"): Promise<VolumePoint[]> {
  const { data } = await api.get("/analytics/volume", { params: clean({ ...range, interval }) });
  return toVolume(data);
}

export async function getDepartmentLoad(range: AnalyticsRange = {}): Promise<DepartmentLoadPoint[]> {
  const { data } = await api.get("/analytics/by-department", { params: clean(range) });
  return toDepartmentLoad(data);
}

/** Per assignee over the range (moderators and admins; others are refused). */
export async function getWorkload(range: AnalyticsRange = {}): Promise<WorkloadRow[]> {
  const { data } = await api.get("/analytics/workload", { params: clean(range) });
  return toWorkload(data);
}

export async function getStatusBreakdown(range: AnalyticsRange = {}): Promise<StatusBreakdown> {
  const { data } = await api.get("/analytics/by-status", { params: clean(range) });
  return toStatusBreakdown(data);
}

/** Tickets created per priority and day or week (one call; without a range: the last 8 weeks). */
export async function getPriorityTrend(range: AnalyticsRange = {}, interval: "day" | "week" = "week"): Promise<PriorityTrendPoint[]> {
  const { data } = await api.get("/analytics/priority-trend", { params: clean({ ...range, interval }) });
  return toPriorityTrend(data);
}

export async function getSlaCompliance(range: AnalyticsRange = {}): Promise<SlaCompliance> {
  const { data } = await api.get("/analytics/sla-compliance", { params: clean(range) });
  return toSlaCompliance(data);
}

export async function getSatisfaction(range: AnalyticsRange = {}): Promise<Satisfaction> {
  const { data } = await api.get("/analytics/satisfaction", { params: clean(range) });
  return toSatisfaction(data);
}

export async function getResolutionTime(range: AnalyticsRange = {}): Promise<ResolutionTimeRow[]> {
  const { data } = await api.get("/analytics/resolution-time", { params: clean(range) });
  return toResolutionTime(data);
}

/** A calendar day from a date input as the start (or end) of that day in the browser's zone, ISO. */
function dayBound(day: string | undefined, end: boolean): string | undefined {
  if (!day) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return day;
  const date = new Date(`${day}T00:00:00`);
  if (end) date.setDate(date.getDate() + 1);
  return date.toISOString();
}

/**
 * Audit filters as the API takes them: `actor` is a user id, `action` a prefix (`ticket.` → `ticket.*`),
 * `object_type` (the UI's "entity"), and ISO date-times.
 */
export function auditParams(filters: AuditFilters): Record<string, string> {
  const { cursor: _cursor, entity, action, created_after, created_before, ...rest } = filters;
  void _cursor;
  const prefix = action?.trim().toLowerCase();
  return clean({
    ...rest,
    object_type: entity,
    action: prefix ? (prefix.endsWith("*") ? prefix : `${prefix}*`) : undefined,
    created_after: dayBound(created_after, false),
    created_before: dayBound(created_before, true),
  });
}

export async function listAudit(filters: AuditFilters): Promise<Paginated<AuditEntry>> {
  const { cursor } = filters;
  const { data } = cursor ? await api.get(nextPageUrl(cursor, "/audit")) : await api.get("/audit", { params: { page_size: 50, ...auditParams(filters) } });
  return toPage(data, toAuditEntry);
}

export async function exportAudit(filters: AuditFilters): Promise<void> {
  const response = await withBlobErrorBody(api.get<Blob>("/audit/export", { params: auditParams(filters), responseType: "blob", timeout: 0 }));
  saveBlob(response.data, `audit-${new Date().toISOString().slice(0, 10)}.csv`);
}
