import { api } from "./axiosClient";
import { nextPageUrl } from "./pagination";
import { toPage, toMessage } from "./mappers";
import { sendWithIntent } from "./idempotency";
import type { ChatMessage } from "@/types/chat";
import type { components } from "@/types/api.gen";

type Schemas = components["schemas"];

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

export interface ChatInfo {
  /** How many of the room's messages were posted before this user joined (hidden from them). */
  hiddenBeforeJoin: number;
  /** Whether the server offers this user canned responses in the chat box. */
  mayUseCanned: boolean;
}

export async function chatInfo(ticketId: string): Promise<ChatInfo> {
  const { data } = await api.get<Schemas["MessagePageOut"]>(`/tickets/${ticketId}/messages`, { params: { limit: 1 } });
  return { hiddenBeforeJoin: data.hidden_before_join ?? 0, mayUseCanned: data.may_use_canned ?? false };
}

/** The message's `clientId` is its intent: the same key for every resend of it. */
export async function postMessage(ticketId: string, body: string, clientId: string, internal = false): Promise<ChatMessage> {
  const { data } = await sendWithIntent(`message-${clientId}`, (headers) =>
    api.post(`/tickets/${ticketId}/messages`, { body, client_id: clientId, internal }, { headers }));
  return toMessage(data as Record<string, unknown>);
}

export type Mentionable = Schemas["MentionableOut"];

/** Who may be @mentioned on the ticket (in a note: only those who read notes); the server decides. */
export async function listMentionable(ticketId: string, q: string, internal: boolean): Promise<Mentionable[]> {
  const { data } = await api.get<Schemas["MentionablePage"]>(`/tickets/${ticketId}/mentionable`, { params: { q, internal } });
  return data.items;
}
