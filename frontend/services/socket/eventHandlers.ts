import type { QueryClient } from "@tanstack/react-query";
import { queryKeys } from "@/services/api/queryKeys";
import { toMessage, toTicket } from "@/services/api/mappers";
import { SOCKET_EVENTS } from "@/config/socketEvents";
import type { ChatMessage } from "@/types/chat";
import type { Ticket } from "@/types/ticket";
import type { SocketFrame } from "./socketClient";

type Raw = Record<string, unknown>;

/**
 * Merges messages into a room's list: one entry per server id, a confirmed message replaces the
 * pending one with its client_id, and the list stays in time order. Safe to call with repeats.
 */
export function mergeMessages(existing: ChatMessage[], incoming: ChatMessage[]): ChatMessage[] {
  const byKey = new Map<string, ChatMessage>();
  const keyOf = (m: ChatMessage) => (m.client_id ? `c:${m.client_id}` : `i:${m.id}`);
  const idToKey = new Map<string, string>();
  for (const message of [...existing, ...incoming]) {
    const known = (message.id && idToKey.get(message.id)) || keyOf(message);
    const previous = byKey.get(known);
    if (previous && !previous.pending && message.pending) continue;
    const merged = previous ? { ...previous, ...message } : message;
    if (!message.pending) {
      merged.pending = false;
      merged.failed = false;
    }
    byKey.set(known, merged);
    if (merged.id) idToKey.set(merged.id, known);
  }
  return Array.from(byKey.values()).sort((a, b) => {
    if (a.seq !== undefined && b.seq !== undefined) return a.seq - b.seq;
    const ta = Date.parse(a.created_at) || Number.MAX_SAFE_INTEGER;
    const tb = Date.parse(b.created_at) || Number.MAX_SAFE_INTEGER;
    return ta - tb;
  });
}

/**
 * Something changed elsewhere (a live event, a notification): counts and summaries refresh, but a
 * ticket list someone is reading (the list panel's queries carry a `cursor`) keeps its rows and
 * gets its "N new or changed — refresh" count asked again instead (DESIGN §10).
 */
export function refreshListsElsewhere(queryClient: QueryClient) {
  void queryClient.invalidateQueries({
    queryKey: ["tickets", "list"],
    predicate: (query) => {
      const filters = query.queryKey[2];
      return !(filters && typeof filters === "object" && "cursor" in filters);
    },
  });
  void queryClient.invalidateQueries({ queryKey: ["tickets", "changes"] });
}

export function applyTicketUpdate(queryClient: QueryClient, ticket: Ticket) {
  queryClient.setQueryData<Ticket>(queryKeys.tickets.detail(ticket.id), (old) =>
    !old || old.version <= ticket.version ? ticket : old,
  );
  void queryClient.invalidateQueries({ queryKey: queryKeys.tickets.history(ticket.id) });
  refreshListsElsewhere(queryClient);
  if (ticket.parent_id) {
    void queryClient.invalidateQueries({ queryKey: queryKeys.tickets.subtickets(ticket.parent_id) });
    void queryClient.invalidateQueries({ queryKey: queryKeys.tickets.detail(ticket.parent_id) });
  }
}

/** Someone in the room and what they are doing there (DESIGN §10 presence states, as the server says). */
export interface PresenceUser {
  id: string;
  full_name: string;
  state: "viewing" | "composing";
  /** Writing an internal note (only note readers are ever told). */
  internal: boolean;
}

/**
 * A presence frame (docs/realtime.md): right after connecting `{users: [...]}` (who is in the room
 * now, replaces the list); afterwards `{joined: [...], left: [...]}`, batched per room (disjoint),
 * and `{changed: [...]}` when someone starts or stops writing.
 */
export interface PresenceChange {
  users?: PresenceUser[];
  joined: PresenceUser[];
  left: PresenceUser[];
  changed: PresenceUser[];
}

/** Who is in the room after a presence frame: id → who and their state. */
export function applyPresence(
  previous: Record<string, PresenceUser>,
  change: PresenceChange,
): Record<string, PresenceUser> {
  const next = change.users ? Object.fromEntries(change.users.map((u) => [u.id, u])) : { ...previous };
  for (const user of change.left) delete next[user.id];
  for (const user of change.joined) next[user.id] = user;
  for (const user of change.changed) if (next[user.id] || user.state === "composing") next[user.id] = user;
  return next;
}

function toPresenceList(raw: unknown): PresenceUser[] {
  // A single user object (the frame's older form) is accepted as a list of one.
  const list = Array.isArray(raw) ? raw : raw && typeof raw === "object" ? [raw] : [];
  return list.map(toPresenceUser).filter((u): u is PresenceUser => !!u);
}

export function toPresenceChange(frame: SocketFrame): PresenceChange {
  return {
    users: Array.isArray(frame.users) ? toPresenceList(frame.users) : undefined,
    joined: toPresenceList(frame.joined),
    left: toPresenceList(frame.left),
    changed: toPresenceList(frame.changed),
  };
}

export interface RoomCallbacks {
  onMessageFrom?: (authorId: string) => void;
  onTyping?: (userId: string, name: string | null) => void;
  onPresence?: (change: PresenceChange) => void;
  onError?: (error: { code: string; detail: string; clientId: string | null }) => void;
}

function toPresenceUser(raw: unknown): PresenceUser | undefined {
  if (!raw || typeof raw !== "object") return undefined;
  const o = raw as Raw;
  if (!o.id) return undefined;
  return {
    id: String(o.id),
    full_name: String(o.full_name ?? o.employee_code ?? o.id),
    state: o.state === "composing" ? "composing" : "viewing",
    internal: o.internal === true,
  };
}

/** Applies one chat-room frame to the query cache. `roomId` is the room's (parent) ticket id. */
export function handleRoomFrame(queryClient: QueryClient, roomId: string, frame: SocketFrame, callbacks: RoomCallbacks = {}) {
  switch (frame.type) {
    case SOCKET_EVENTS.messageNew:
    case SOCKET_EVENTS.messageEdited: {
      const raw = (frame.message ?? frame) as Raw;
      const message = toMessage(raw);
      queryClient.setQueryData<ChatMessage[]>(queryKeys.tickets.messages(roomId), (old = []) =>
        mergeMessages(old, [message]),
      );
      // The author sent what they were typing: their typing indicator ends now, not seconds later.
      if (frame.type === SOCKET_EVENTS.messageNew && message.author_id) callbacks.onMessageFrom?.(message.author_id);
      break;
    }
    case SOCKET_EVENTS.sync: {
      const rows = Array.isArray(frame.messages) ? (frame.messages as Raw[]) : [];
      if (rows.length) {
        queryClient.setQueryData<ChatMessage[]>(queryKeys.tickets.messages(roomId), (old = []) =>
          mergeMessages(old, rows.map(toMessage)),
        );
      }
      break;
    }
    case SOCKET_EVENTS.typing: {
      const user = toPresenceUser(frame.user);
      const userId = user?.id ?? String(frame.user_id ?? "");
      if (userId) callbacks.onTyping?.(userId, user?.full_name ?? null);
      break;
    }
    case SOCKET_EVENTS.presence:
      callbacks.onPresence?.(toPresenceChange(frame));
      break;
    case SOCKET_EVENTS.error:
      callbacks.onError?.({
        code: String(frame.code ?? "error"),
        detail: String(frame.detail ?? "Error"),
        clientId: frame.client_id ? String(frame.client_id) : null,
      });
      break;
    case SOCKET_EVENTS.ticketUpdated: {
      const raw = frame.ticket as Raw | undefined;
      if (raw && raw.id) applyTicketUpdate(queryClient, toTicket(raw));
      else void queryClient.invalidateQueries({ queryKey: queryKeys.tickets.all });
      break;
    }
    case SOCKET_EVENTS.subticketCreated: {
      const raw = frame.subticket as Raw | undefined;
      if (raw && raw.id) queryClient.setQueryData(queryKeys.tickets.detail(String(raw.id)), toTicket(raw));
      void queryClient.invalidateQueries({ queryKey: queryKeys.tickets.subtickets(roomId) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.tickets.detail(roomId) });
      break;
    }
    case SOCKET_EVENTS.attachmentReady: {
      const attachment = (frame.attachment ?? frame) as Raw;
      const ticketId = String(attachment.ticket_id ?? roomId);
      void queryClient.invalidateQueries({ queryKey: queryKeys.tickets.attachments(ticketId) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.tickets.attachments(roomId) });
      break;
    }
    default:
      break;
  }
}
