import { api } from "./axiosClient";
import type { AiDepartment, ModelList, ModelVersion, Triage } from "@/types/ai";

const BASE = "/ai";

/** Suggestions and similar open tickets for a text (staff: with `ticket_id`, the ticket under review). */
export async function triage(input: { title: string; description: string; ticket_id?: string }): Promise<Triage> {
  const { data } = await api.post<Triage>(`${BASE}/triage`, input);
  return data;
}

/** The latest suggestion given for a ticket, with the open tickets like it now; null when none yet. */
export async function ticketTriage(ticketId: string): Promise<Triage | null> {
  const { data } = await api.get<Triage | null>(`${BASE}/tickets/${ticketId}/triage`);
  return data ?? null;
}

/** What the moderator did with a suggestion: accepted one of its departments, or chose another. */
export async function feedback(input: { suggestion_id: string; accepted: boolean; chosen_department_id: string | null }): Promise<Triage> {
  const { data } = await api.post<Triage>(`${BASE}/feedback`, input);
  return data;
}

export async function listModels(): Promise<ModelList> {
  const { data } = await api.get<ModelList>(`${BASE}/models`);
  return data;
}

export async function trainModel(): Promise<ModelVersion> {
  const { data } = await api.post<ModelVersion>(`${BASE}/models/train`, {});
  return data;
}

export async function listAiDepartments(): Promise<AiDepartment[]> {
  const { data } = await api.get<AiDepartment[]>(`${BASE}/departments`);
  return data;
}

export async function updateAiDepartment(id: string, changes: { suggestions_enabled?: boolean }): Promise<AiDepartment[]> {
  const { data } = await api.patch<AiDepartment[]>(`${BASE}/departments/${id}`, changes);
  return data;
}
