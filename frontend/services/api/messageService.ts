import { api } from "./axiosClient";
import { nextPageUrl } from "./pagination";
import { toPage, toMessage } from "./mappers";
import { sendWithIntent } from "./idempotency";
import type { ChatMessage } from "@/types/chat";

const MAX_CATCH_UP_PAGES = 5;

/** Reads the room's history, following the cursor a few pages; the chat merges by id. */
export async function listMessages(ticketId: string): Promise<ChatMessage[]> {
  const all: ChatMessage[] = [];
  let url: string | null = `/tickets/${ticketId}/messages`;
  for (let page = 0; url && page < MAX_CATCH_UP_PAGES; page += 1) {
    const response: { data: unknown } = await api.get(url);
    const parsed = toPage(response.data, toMessage);
    all.push(...parsed.items);
    url = parsed.next ? nextPageUrl(parsed.next, `/tickets/${ticketId}/messages`) : null;
  }
  return all;
}

/** How many of the room's messages were posted before this user joined (hidden from them). */
export async function hiddenBeforeJoin(ticketId: string): Promise<number> {
  const { data } = await api.get<{ hidden_before_join?: number }>(`/tickets/${ticketId}/messages`, { params: { limit: 1 } });
  return typeof data.hidden_before_join === "number" ? data.hidden_before_join : 0;
}

/** The message's `clientId` is its intent: the same key for every resend of it. */
export async function postMessage(ticketId: string, body: string, clientId: string): Promise<ChatMessage> {
  const { data } = await sendWithIntent(`message-${clientId}`, (headers) =>
    api.post(`/tickets/${ticketId}/messages`, { body, client_id: clientId }, { headers }));
  return toMessage(data as Record<string, unknown>);
}
