"use client";
import { errorMessage, errorText } from "@/lib/serverText";
import { useUiStore } from "@/store/uiStore";
import { useCallback, useEffect, useRef, useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { ReconnectingSocket, type SocketEnd, type SocketStatus } from "@/services/socket/socketClient";
import { applyPresence, handleRoomFrame, mergeMessages, type PresenceUser } from "@/services/socket/eventHandlers";
import { accessTokenForSocket, forceRefreshAccess } from "@/services/api/axiosClient";
import { listMessages, postMessage } from "@/services/api/messageService";
import { queryKeys } from "@/services/api/queryKeys";
import { SOCKET_EVENTS, SOCKET_PATHS } from "@/config/socketEvents";
import { newClientId } from "@/lib/helpers";
import { toApiError } from "@/lib/errors";
import { useAuthStore } from "@/store/authStore";
import type { ChatMessage } from "@/types/chat";

const ECHO_TIMEOUT_MS = 6_000;

/**
 * One ticket's chat room: history over HTTP, live frames over the socket, catch-up on reconnect,
 * sends over the socket with an HTTP fallback. `client_id` keeps resends free of duplicates.
 */
export function useTicketRoom(roomId: string | undefined) {
  const queryClient = useQueryClient();
  const me = useAuthStore((s) => s.user);
  const [status, setStatus] = useState<SocketStatus>("connecting");
  const [ended, setEnded] = useState<SocketEnd | null>(null);
  const [typing, setTyping] = useState<Record<string, { name: string | null; until: number }>>({});
  const [presence, setPresence] = useState<Record<string, PresenceUser>>({});
  const lastMessageId = useRef<string | null>(null);
  const socketRef = useRef<ReconnectingSocket | null>(null);
  const lastTypingSent = useRef<{ at: number; internal: boolean | null }>({ at: 0, internal: null });

  const messagesKey = queryKeys.tickets.messages(roomId ?? "none");
  const messages = useQuery({
    queryKey: messagesKey,
    enabled: !!roomId,
    queryFn: async () => {
      const fetched = await listMessages(roomId!);
      const current = queryClient.getQueryData<ChatMessage[]>(messagesKey) ?? [];
      return mergeMessages(current, fetched);
    },
    // Only a safety net: the socket delivers messages as they happen.
    refetchInterval: status === "open" ? false : 10_000,
  });

  useEffect(() => {
    if (!roomId) return;
    const socket = new ReconnectingSocket({
      path: SOCKET_PATHS.chat(roomId),
      getToken: accessTokenForSocket,
      onAuthFailure: forceRefreshAccess,
      onEnded: setEnded,
      onStatus: setStatus,
      onOpen: () => {
        // Catch up on what was missed while away; the server replies with `sync` frames.
        const last = lastMessageId.current;
        if (last) socketRef.current?.send({ type: SOCKET_EVENTS.sync, after: last });
      },
      onReconnect: () => void queryClient.invalidateQueries({ queryKey: queryKeys.tickets.messages(roomId) }),
      onFrame: (frame) =>
        handleRoomFrame(queryClient, roomId, frame, {
          onTyping: (userId, name) => {
            if (userId === useAuthStore.getState().user?.id) return;
            setTyping((prev) => ({ ...prev, [userId]: { name, until: Date.now() + 4000 } }));
          },
          onMessageFrom: (authorId) =>
            setTyping((prev) => {
              if (!(authorId in prev)) return prev;
              const { [authorId]: _sent, ...rest } = prev;
              return rest;
            }),
          onPresence: (change) => setPresence((prev) => applyPresence(prev, change)),
          onError: ({ code, detail, clientId }) => {
            if (clientId) {
              queryClient.setQueryData<ChatMessage[]>(queryKeys.tickets.messages(roomId), (old = []) =>
                old.map((m) => (m.client_id === clientId && m.pending ? { ...m, failed: true } : m)),
              );
            }
            // An expired token or lost access comes with a close the room reacts to (`ended`).
            if (code !== "token_invalid" && code !== "not_found") toast.error(errorText(useUiStore.getState().locale, { code }));
          },
        }),
    });
    socketRef.current = socket;
    socket.start();
    setEnded(null);
    return () => {
      socket.stop();
      socketRef.current = null;
    };
  }, [roomId, queryClient]);

  useEffect(() => {
    const confirmed = (messages.data ?? []).filter((m) => m.id && !m.pending);
    lastMessageId.current = confirmed.length ? confirmed[confirmed.length - 1]!.id : null;
  }, [messages.data]);

  useEffect(() => {
    const timer = setInterval(() => {
      setTyping((prev) => {
        const now = Date.now();
        const next = Object.fromEntries(Object.entries(prev).filter(([, v]) => v.until > now));
        return Object.keys(next).length === Object.keys(prev).length ? prev : next;
      });
    }, 1000);
    return () => clearInterval(timer);
  }, []);

  const send = useCallback(
    async (body: string, { internal = false, clientId: existingClientId }: { internal?: boolean; clientId?: string } = {}) => {
      if (!roomId || !me) return;
      const clientId = existingClientId ?? newClientId();
      const key = queryKeys.tickets.messages(roomId);
      const pending: ChatMessage = {
        id: "",
        ticket_id: roomId,
        author_id: me.id,
        author_name: me.full_name,
        body,
        client_id: clientId,
        created_at: new Date().toISOString(),
        edited_at: null,
        internal,
        pending: true,
      };
      queryClient.setQueryData<ChatMessage[]>(key, (old = []) => mergeMessages(old, [pending]));
      const confirmed = () =>
        (queryClient.getQueryData<ChatMessage[]>(key) ?? []).some((m) => m.client_id === clientId && !m.pending);
      const viaHttp = async () => {
        try {
          const saved = await postMessage(roomId, body, clientId, internal);
          queryClient.setQueryData<ChatMessage[]>(key, (old = []) => mergeMessages(old, [saved]));
        } catch (error) {
          queryClient.setQueryData<ChatMessage[]>(key, (old = []) =>
            old.map((m) => (m.client_id === clientId && m.pending ? { ...m, failed: true } : m)),
          );
          toast.error(errorMessage(error));
        }
      };
      lastTypingSent.current = { at: 0, internal: null }; // sending ends "composing" on the server
      const sent = socketRef.current?.send({ type: SOCKET_EVENTS.messageSend, client_id: clientId, body, internal });
      if (!sent) {
        await viaHttp();
        return;
      }
      setTimeout(() => {
        if (!confirmed()) void viaHttp();
      }, ECHO_TIMEOUT_MS);
    },
    [roomId, me, queryClient],
  );

  /** Keys pressed in the reply box (`internal` false) or the note box; `stopped` when it was cleared.
   *  The server decides how long one stays "composing" and who is told (docs/realtime.md). */
  const notifyTyping = useCallback((internal = false, stopped = false) => {
    const now = Date.now();
    const last = lastTypingSent.current;
    if (stopped) {
      if (last.internal === null) return;
      lastTypingSent.current = { at: 0, internal: null };
      socketRef.current?.send({ type: SOCKET_EVENTS.typing, stopped: true });
      return;
    }
    if (last.internal === internal && now - last.at < 2500) return;
    lastTypingSent.current = { at: now, internal };
    socketRef.current?.send({ type: SOCKET_EVENTS.typing, internal });
  }, []);

  return {
    messages: messages.data ?? [],
    isLoading: messages.isLoading,
    error: messages.error,
    status,
    ended,
    typing: Object.values(typing).map((v) => v.name ?? "…"),
    /** Everyone else on the ticket, with what they are doing. */
    presence: Object.values(presence).filter((p) => p.id !== me?.id),
    send,
    notifyTyping,
  };
}
