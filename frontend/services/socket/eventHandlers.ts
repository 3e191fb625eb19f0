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
    const ta = Date.parse(a.created_at) || Number.MAX_SAFE_INTEGER;
    const tb = Date.parse(b.created_at) || Number.MAX_SAFE_INTEGER;
    return ta - tb;
  });
}

export function applyTicketUpdate(queryClient: QueryClient, ticket: Ticket) {
  queryClient.setQueryData<Ticket>(queryKeys.tickets.detail(ticket.id), (old) =>
    !old || old.version <= ticket.version ? ticket : old,
  );
  void queryClient.invalidateQueries({ queryKey: queryKeys.tickets.history(ticket.id) });
  void queryClient.invalidateQueries({ queryKey: ["tickets", "list"] });
  if (ticket.parent_id) {
    void queryClient.invalidateQueries({ queryKey: queryKeys.tickets.subtickets(ticket.parent_id) });
    void queryClient.invalidateQueries({ queryKey: queryKeys.tickets.detail(ticket.parent_id) });
  }
}

export interface RoomCallbacks {
  onTyping?: (userId: string, name: string | null) => void;
  onPresence?: (frame: SocketFrame) => void;
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
      break;
    }
    case SOCKET_EVENTS.typing: {
      const userId = String(frame.user_id ?? (frame.user as Raw | undefined)?.id ?? "");
      const name = (frame.full_name ?? (frame.user as Raw | undefined)?.full_name ?? null) as string | null;
      if (userId) callbacks.onTyping?.(userId, name);
      break;
    }
    case SOCKET_EVENTS.presence:
      callbacks.onPresence?.(frame);
      break;
    case SOCKET_EVENTS.ticketUpdated: {
      const raw = frame.ticket as Raw | undefined;
      if (raw && raw.id) applyTicketUpdate(queryClient, toTicket(raw));
      else void queryClient.invalidateQueries({ queryKey: queryKeys.tickets.all });
      break;
    }
    case SOCKET_EVENTS.subticketCreated: {
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
