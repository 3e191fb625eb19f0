import { api } from "./axiosClient";
import type { components } from "@/types/api.gen";

type Schemas = components["schemas"];
export type CannedResponse = Schemas["CannedOut"];
export type CannedRendered = Schemas["CannedRenderOut"];

/** The canned responses the caller may use (``q``: part of the title, or the start of a shortcut). */
export async function listCanned(q = ""): Promise<CannedResponse[]> {
  const { data } = await api.get<Schemas["CannedPageOut"]>("/canned-responses", { params: q ? { q } : {} });
  return data.items;
}

/** The reply for a ticket, rendered by the server in the requestor's language with variables filled. */
export async function renderCanned(id: string, ticketId: string): Promise<CannedRendered> {
  const { data } = await api.post<CannedRendered>(`/canned-responses/${id}/render`, { ticket_id: ticketId });
  return data;
}

export interface CannedList {
  items: CannedResponse[];
  /** Whether the caller may add a department's or the desk's (the server decides: admins). */
  mayShare: boolean;
}

export async function listCannedForManaging(): Promise<CannedList> {
  const { data } = await api.get<Schemas["CannedPageOut"]>("/canned-responses");
  return { items: data.items, mayShare: data.may_share };
}

export type CannedInput = Schemas["CannedIn"];

export async function createCanned(input: CannedInput): Promise<CannedResponse> {
  const { data } = await api.post<CannedResponse>("/canned-responses", input);
  return data;
}

export async function updateCanned(id: string, change: Schemas["CannedPatch"]): Promise<CannedResponse> {
  const { data } = await api.patch<CannedResponse>(`/canned-responses/${id}`, change);
  return data;
}

export async function deleteCanned(id: string): Promise<void> {
  await api.delete(`/canned-responses/${id}`);
}
