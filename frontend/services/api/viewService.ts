import { queryOptions } from "@tanstack/react-query";
import { api } from "./axiosClient";
import { queryKeys } from "./queryKeys";
import { expectArray, expectShape } from "./contract";
import { toBulkResult, toView } from "./mappers";
import { newIdempotencyKey, sendWithIntent } from "./idempotency";
import type { BulkAction, BulkFields, BulkResult, SavedView } from "@/types/ticket";

/** GET views: the caller's views and the shared ones, each with its count (DESIGN §10), and
 * whether the caller may share a view (the server's rule). */
export async function listViews(): Promise<{ items: SavedView[]; canShare: boolean }> {
  const { data } = await api.get("/views");
  const page = expectShape<{ items: unknown[]; can_share: boolean }>(data, { items: "array", can_share: "boolean" }, "ViewPage");
  return { items: expectArray(page.items, "ViewPage.items").map(toView), canShare: page.can_share };
}

/** GET views/counts: view id -> count (each equals GET tickets' count with the view's filters) and
 * the ids of the views whose count stopped at the cap. */
export async function viewCounts(): Promise<{ counts: Record<string, number>; capped: string[] }> {
  const { data } = await api.get("/views/counts");
  const body = expectShape<{ counts: Record<string, number>; capped: unknown[] }>(data, { counts: "object", capped: "array" }, "ViewCountsOut");
  return { counts: body.counts, capped: expectArray(body.capped, "ViewCountsOut.capped").map(String) };
}

export async function createView(input: { name: string; filters: Record<string, unknown>; ordering?: string | null; shared: boolean }): Promise<SavedView> {
  const { data } = await api.post("/views", input);
  return toView(data);
}

export async function deleteView(id: string): Promise<void> {
  await api.delete(`/views/${id}`);
}

/** POST tickets/bulk: one result per ticket, in the order sent; `key` makes a retry write nothing twice. */
export async function runBulk(ids: string[], action: BulkAction, fields: BulkFields, key: string = newIdempotencyKey()): Promise<BulkResult[]> {
  const { data } = await sendWithIntent(key, (headers) => api.post("/tickets/bulk", { ids, action, fields }, { headers }));
  const body = expectShape<{ results: unknown[] }>(data, { results: "array" }, "BulkOut");
  return body.results.map(toBulkResult);
}

export const viewQueries = {
  list: () => queryOptions({ queryKey: queryKeys.views, queryFn: listViews }),
};
