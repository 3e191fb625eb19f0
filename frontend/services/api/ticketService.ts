import { queryOptions, replaceEqualDeep } from "@tanstack/react-query";
import { api } from "./axiosClient";
import { queryKeys } from "./queryKeys";
import { toPage, toTicket, toHistory, toAttachment } from "./mappers";
import { PAGE_SIZE } from "@/lib/constants";
import { nextPageUrl } from "./pagination";
import { withBlobErrorBody } from "@/lib/errors";
import { expectShape } from "./contract";
import { saveBlob } from "@/lib/download";
import { newIdempotencyKey, sendWithIntent, type RetryOptions } from "./idempotency";
import type {
  ActionPayload,
  Attachment,
  NewTicketInput,
  Paginated,
  Ticket,
  TicketAction,
  TicketFilters,
  HistoryEntry,
  SubticketItem,
  TicketLink,
} from "@/types/ticket";

type Raw = Record<string, unknown>;

/** Query string for GET /tickets; list filters (`status`, `priority`) repeat the key, as the API expects. */
export function listParams(filters: TicketFilters): URLSearchParams {
  const params = new URLSearchParams({ page_size: String(PAGE_SIZE) });
  for (const [key, value] of Object.entries(filters)) {
    if (value === undefined || value === "" || value === null) continue;
    if (Array.isArray(value)) value.forEach((v) => params.append(key, String(v)));
    else params.set(key, String(value));
  }
  return params;
}

/** A page of GET /tickets: `asOf` is when the server read it (for GET tickets/changes); in cursor
 *  mode only the first page carries a count (`count` null on later pages). */
export interface TicketPage extends Omit<Paginated<Ticket>, "count"> {
  count: number | null;
  asOf: string | null;
}

/** `cursor: ""` asks for the first keyset page (every ordering pages by cursor); a cursor is the `next` link. */
export async function listTickets(filters: TicketFilters): Promise<TicketPage> {
  const { cursor, ...rest } = filters;
  let data: unknown;
  if (cursor) {
    ({ data } = await api.get(nextPageUrl(cursor, "/tickets")));
  } else {
    const params = listParams(rest);
    if (cursor === "") params.set("cursor", "");
    ({ data } = await api.get("/tickets", { params }));
  }
  const raw = (data ?? {}) as { count?: unknown; as_of?: unknown };
  return {
    ...toPage(data, toTicket),
    count: typeof raw.count === "number" ? raw.count : null,
    asOf: typeof raw.as_of === "string" ? raw.as_of : null,
  };
}

/** How many tickets of the list with these filters were created or changed since `since` (its `asOf`). */
export async function countTicketChanges(filters: TicketFilters, since: string): Promise<number> {
  const { cursor: _cursor, ordering: _ordering, page_size: _size, ...rest } = filters as TicketFilters & { page_size?: unknown };
  void _cursor;
  void _ordering;
  void _size;
  const params = listParams(rest);
  params.delete("page_size");
  params.set("since", since);
  const { data } = await api.get<{ count: number }>("/tickets/changes", { params });
  return typeof data?.count === "number" ? data.count : 0;
}

/** The list with these filters (no paging) as a CSV or Excel file, as the server writes it (DESIGN §11). */
export async function exportTickets(filters: TicketFilters, format: "csv" | "xlsx"): Promise<void> {
  const params = listParams({ ...filters, cursor: undefined });
  params.delete("page_size");
  const response = await withBlobErrorBody(api.get<Blob>(`/reports/tickets.${format}`, { params, responseType: "blob", timeout: 0 }));
  saveBlob(response.data, `tickets-${new Date().toISOString().slice(0, 10)}.${format}`);
}

export async function getTicket(id: string): Promise<Ticket> {
  const { data } = await api.get<Raw>(`/tickets/${id}`);
  return toTicket(data);
}

/** `key` names this creation (keep it for the user's retries of it): the server creates one ticket. */
export async function createTicket(input: NewTicketInput, key: string = newIdempotencyKey(), retry?: RetryOptions): Promise<Ticket> {
  const { data } = await sendWithIntent(key, (headers) => api.post<Raw>("/tickets", input, { headers }), retry);
  return toTicket(data);
}

export async function updateTicket(id: string, changes: Partial<Pick<Ticket, "title" | "description" | "priority" | "category">> & { version: number }): Promise<Ticket> {
  const { data } = await api.patch<Raw>(`/tickets/${id}`, changes);
  return toTicket(data);
}

export async function runTicketAction(id: string, action: TicketAction, version: number, payload: ActionPayload = {},
  key: string = newIdempotencyKey(), retry?: RetryOptions): Promise<Ticket> {
  const { data } = await sendWithIntent(key, (headers) =>
    api.post<Raw>(`/tickets/${id}/actions/${action}`, { version, ...payload }, { headers }), retry);
  return toTicket(data);
}

export async function getHistory(id: string): Promise<HistoryEntry[]> {
  const { data } = await api.get(`/tickets/${id}/history`);
  return toPage(data, toHistory).items;
}

export async function listSubtickets(id: string): Promise<Ticket[]> {
  const { data } = await api.get(`/tickets/${id}/subtickets`);
  return toPage(data, toTicket).items;
}

/** `version` is the parent's: of two moderators splitting at once, the second gets 409 version_conflict. */
export async function createSubtickets(id: string, version: number, items: SubticketItem[]): Promise<Ticket[]> {
  const { data } = await api.post(`/tickets/${id}/subtickets`, { version, items });
  return toPage(data, toTicket).items;
}

export async function listAttachments(id: string): Promise<Attachment[]> {
  const { data } = await api.get(`/tickets/${id}/attachments`);
  return toPage(data, toAttachment).items;
}

/** `key` names this file's upload: a retry after a lost answer stores the file once. */
export async function uploadAttachment(ticketId: string, file: File, onProgress?: (fraction: number) => void, signal?: AbortSignal,
  key: string = newIdempotencyKey(), retry?: RetryOptions): Promise<Attachment> {
  const form = new FormData();
  form.append("file", file);
  const { data } = await sendWithIntent(key, (headers) => api.post<Raw>(`/tickets/${ticketId}/attachments`, form, {
    headers,
    signal,
    timeout: 0,
    onUploadProgress: (event) => {
      if (onProgress && event.total) onProgress(event.loaded / event.total);
    },
  }), retry);
  return toAttachment(data);
}

export async function downloadAttachment(attachment: Attachment): Promise<void> {
  const response = await withBlobErrorBody(api.get<Blob>(`/attachments/${attachment.id}/download`, { responseType: "blob", timeout: 0 }));
  saveBlob(response.data, attachment.original_name);
}

/** GET tickets/{id}/links: the linked tickets the caller may see (DESIGN §10). */
export async function listLinks(id: string): Promise<{ items: TicketLink[]; canLink: boolean }> {
  const { data } = await api.get(`/tickets/${id}/links`);
  const page = expectShape<{ items: TicketLink[]; can_link: boolean }>(data, { items: "array", can_link: "boolean" }, "LinkPage");
  return { items: page.items, canLink: page.can_link };
}

export async function createLink(id: string, toId: string, kind: "related" | "duplicate"): Promise<void> {
  await api.post(`/tickets/${id}/links`, { to_id: toId, kind });
}

export async function deleteLink(id: string, linkId: string): Promise<void> {
  await api.delete(`/tickets/${id}/links/${linkId}`);
}

/** The ticket with this number, if the caller sees one (GET tickets?q= matches numbers exactly). */
export async function findTicketByNumber(number: string): Promise<Ticket | null> {
  const wanted = number.trim().toUpperCase();
  if (!wanted) return null;
  const page = await listTickets({ q: wanted });
  const digits = wanted.replace(/\D/g, "");
  return page.items.find((t) => t.number === wanted || t.number.replace(/\D/g, "").replace(/^0+/, "") === digits.replace(/^0+/, "")) ?? null;
}

export const ticketQueries = {
  list: (filters: TicketFilters) =>
    queryOptions({ queryKey: queryKeys.tickets.list(filters), queryFn: () => listTickets(filters) }),
  detail: (id: string) =>
    queryOptions({
      queryKey: queryKeys.tickets.detail(id),
      queryFn: () => getTicket(id),
      // A read that left before a change and answered after it must not undo it on the page (a
      // refetch racing a confirm showed "resolved" after the close): the newer version stays.
      structuralSharing: (old: unknown, next: unknown) => newerTicket(old as Ticket | undefined, next as Ticket),
    }),
  history: (id: string) => queryOptions({ queryKey: queryKeys.tickets.history(id), queryFn: () => getHistory(id) }),
  subtickets: (id: string) =>
    queryOptions({ queryKey: queryKeys.tickets.subtickets(id), queryFn: () => listSubtickets(id) }),
  attachments: (id: string) =>
    queryOptions({ queryKey: queryKeys.tickets.attachments(id), queryFn: () => listAttachments(id) }),
  links: (id: string, version?: number) =>
    queryOptions({ queryKey: queryKeys.tickets.links(id, version), queryFn: () => listLinks(id) }),
};

/** The ticket to keep of two reads of it: the higher version, the later read when they are equal. */
export function newerTicket(old: Ticket | undefined, next: Ticket): Ticket {
  if (old && next && old.version > next.version) return old;
  return replaceEqualDeep(old, next);
}
