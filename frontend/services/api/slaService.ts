import { api } from "./axiosClient";
import { toPage } from "./mappers";
import type { Priority } from "@/types/ticket";

export interface SlaPolicy {
  id: string;
  priority: Priority;
  first_response_hours: number;
  resolution_hours: number;
}

export interface WorkingCalendar {
  working_days: number[];
  day_start: string;
  day_end: string;
  holidays: string[];
}

type Raw = Record<string, unknown>;

function toPolicy(raw: Raw): SlaPolicy {
  const minutes = (v: unknown) => (v === undefined || v === null ? undefined : Number(v) / 60);
  return {
    id: String(raw.id ?? raw.priority),
    priority: String(raw.priority) as Priority,
    first_response_hours: Number(raw.first_response_hours ?? minutes(raw.first_response_minutes) ?? 0),
    resolution_hours: Number(raw.resolution_hours ?? minutes(raw.resolution_minutes) ?? 0),
  };
}

export async function listSlaPolicies(): Promise<SlaPolicy[]> {
  const { data } = await api.get("/sla/policies");
  return toPage(data, toPolicy).items;
}

export async function updateSlaPolicy(policy: SlaPolicy): Promise<SlaPolicy> {
  const { data } = await api.patch<Raw>(`/sla/policies/${policy.id}`, {
    first_response_hours: policy.first_response_hours,
    resolution_hours: policy.resolution_hours,
  });
  return toPolicy(data);
}

export async function getCalendar(): Promise<WorkingCalendar> {
  const { data } = await api.get<Raw>("/sla/calendar");
  return {
    working_days: Array.isArray(data.working_days) ? (data.working_days as number[]) : [0, 1, 2, 3, 4, 5],
    day_start: String(data.day_start ?? "08:00"),
    day_end: String(data.day_end ?? "16:00"),
    holidays: Array.isArray(data.holidays) ? (data.holidays as unknown[]).map(String) : [],
  };
}

export async function updateCalendar(calendar: WorkingCalendar): Promise<void> {
  await api.put("/sla/calendar", calendar);
}
