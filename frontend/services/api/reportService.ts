import { api } from "./axiosClient";
import type { components } from "@/types/api.gen";

type Schemas = components["schemas"];
export type ReportSchedule = Schemas["ScheduleOut"];
export type ReportScheduleInput = Schemas["ScheduleIn"];

/** Scheduled reports (admins, DESIGN §11). */
export async function listSchedules(): Promise<Schemas["SchedulePage"]> {
  const { data } = await api.get<Schemas["SchedulePage"]>("/reports/schedules");
  return data;
}

export async function createSchedule(input: ReportScheduleInput): Promise<ReportSchedule> {
  const { data } = await api.post<ReportSchedule>("/reports/schedules", input);
  return data;
}

export async function deleteSchedule(id: string): Promise<void> {
  await api.delete(`/reports/schedules/${id}`);
}

/** Mails the report now (the period up to now); how many people it went to. */
export async function sendSchedule(id: string): Promise<number> {
  const { data } = await api.post<Schemas["SendOut"]>(`/reports/schedules/${id}/send`);
  return data.sent;
}
