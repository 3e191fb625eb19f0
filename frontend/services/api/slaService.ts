import { api } from "./axiosClient";
import { toPage } from "./mappers";
import type { Priority } from "@/types/ticket";

export interface SlaPolicy {
  id: string;
  priority: Priority;
  first_response_hours: number;
  resolution_hours: number;
  version: number;
}

/** The desk's working calendar (GET|PATCH sla/settings) and its holidays (sla/holidays). */
export interface WorkingCalendar {
  working_days: number[];
  day_start: string;
  day_end: string;
  holidays: { id: string; date: string; name: string }[];
  version: number;
  timezone: string;
  /** PKR; above it a finance approval also needs the CEO. Kept as the API's decimal string. */
  ceo_approval_threshold: string;
  auto_close_days: number;
  reminder_days: number;
  /** `sla.warning` goes out at this share (per cent) of each SLA target. */
  sla_warning_percent: number;
}

type Raw = Record<string, unknown>;

function toPolicy(raw: Raw): SlaPolicy {
  const hours = (minutes: unknown, h: unknown) =>
    h !== undefined && h !== null ? Number(h) : Math.round((Number(minutes ?? 0) / 60) * 100) / 100;
  return {
    id: String(raw.id ?? raw.priority),
    priority: String(raw.priority) as Priority,
    first_response_hours: hours(raw.first_response_minutes, raw.first_response_hours),
    resolution_hours: hours(raw.resolution_minutes, raw.resolution_hours),
    version: Number(raw.version ?? 1),
  };
}

export async function listSlaPolicies(): Promise<SlaPolicy[]> {
  const { data } = await api.get("/sla/policies");
  return toPage(data, toPolicy).items;
}

export async function updateSlaPolicy(policy: SlaPolicy): Promise<SlaPolicy> {
  const { data } = await api.patch<Raw>(`/sla/policies/${policy.id}`, {
    version: policy.version,
    first_response_minutes: Math.round(policy.first_response_hours * 60),
    resolution_minutes: Math.round(policy.resolution_hours * 60),
  });
  return toPolicy(data);
}

const hhmm = (v: unknown, fallback: string) => (typeof v === "string" && v.length >= 5 ? v.slice(0, 5) : fallback);

export async function getCalendar(): Promise<WorkingCalendar> {
  const [{ data: settings }, { data: holidays }] = await Promise.all([
    api.get<Raw>("/sla/settings"),
    api.get("/sla/holidays").catch(() => ({ data: [] })),
  ]);
  return {
    working_days: Array.isArray(settings.work_days) ? (settings.work_days as number[]) : [0, 1, 2, 3, 4, 5],
    day_start: hhmm(settings.work_start, "08:00"),
    day_end: hhmm(settings.work_end, "16:00"),
    holidays: toPage(holidays, (h) => ({ id: String(h.id), date: String(h.date), name: String(h.name ?? "") })).items,
    version: Number(settings.version ?? 1),
    timezone: String(settings.timezone ?? ""),
    ceo_approval_threshold: String(settings.ceo_approval_threshold ?? ""),
    auto_close_days: Number(settings.auto_close_days ?? 0),
    reminder_days: Number(settings.reminder_days ?? 0),
    sla_warning_percent: Number(settings.sla_warning_percent ?? 75),
  };
}

export async function updateCalendar(calendar: WorkingCalendar): Promise<void> {
  await api.patch("/sla/settings", {
    version: calendar.version,
    work_days: calendar.working_days,
    work_start: calendar.day_start,
    work_end: calendar.day_end,
    ceo_approval_threshold: calendar.ceo_approval_threshold || undefined,
    auto_close_days: calendar.auto_close_days,
    reminder_days: calendar.reminder_days,
    sla_warning_percent: calendar.sla_warning_percent,
  });
}

export async function addHoliday(holiday: { date: string; name: string }): Promise<void> {
  await api.post("/sla/holidays", holiday);
}

export async function deleteHoliday(id: string): Promise<void> {
  await api.delete(`/sla/holidays/${id}`);
}
