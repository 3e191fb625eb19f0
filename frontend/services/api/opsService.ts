import { api } from "./axiosClient";
import { nextPageUrl } from "./pagination";
import type { DeadLetterDetail, DeadLetterPage, DeadLetterView } from "@/types/ops";

const BASE = "/jobs/dead-letters";

/** The list's query for a view: pending = not replayed yet. */
export function deadLetterParams(view: DeadLetterView): Record<string, string> {
  if (view === "all") return { page_size: "50" };
  return { page_size: "50", replayed: view === "replayed" ? "true" : "false" };
}

export async function listDeadLetters(view: DeadLetterView, cursor?: string): Promise<DeadLetterPage> {
  const { data } = cursor
    ? await api.get<DeadLetterPage>(nextPageUrl(cursor, BASE))
    : await api.get<DeadLetterPage>(BASE, { params: deadLetterParams(view) });
  return data;
}

export async function getDeadLetter(id: string): Promise<DeadLetterDetail> {
  const { data } = await api.get<DeadLetterDetail>(`${BASE}/${id}`);
  return data;
}

export async function replayDeadLetter(id: string): Promise<DeadLetterDetail> {
  const { data } = await api.post<DeadLetterDetail>(`${BASE}/${id}/replay`, {});
  return data;
}

/**
 * Celery Flower is behind the gateway at /flower/: the API gives this admin's browser a short-lived
 * cookie for it (the access token never leaves the app), then Flower opens in a new tab.
 */
export async function openFlower(open: (url: string) => void = (url) => window.open(url, "_blank", "noopener")) {
  const { data } = await api.post<{ url: string }>("/ops/flower/session", {});
  open(data.url);
}
