"use client";
import { useEffect } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import * as notificationService from "@/services/api/notificationService";
import { ReconnectingSocket } from "@/services/socket/socketClient";
import { accessTokenForSocket, forceRefreshAccess } from "@/services/api/axiosClient";
import { queryKeys } from "@/services/api/queryKeys";
import { toNotification } from "@/services/api/mappers";
import { refreshListsElsewhere } from "@/services/socket/eventHandlers";
import { notificationDetail, notificationText } from "@/lib/serverText";
import { useUiStore } from "@/store/uiStore";
import { SOCKET_PATHS } from "@/config/socketEvents";
import type { NotificationPage, NotificationPreferences } from "@/types/notification";

export function useNotificationList(enabled = true) {
  return useQuery({
    queryKey: queryKeys.notifications,
    queryFn: notificationService.listNotifications,
    enabled,
    refetchInterval: 60_000,
  });
}

export function useMarkNotificationRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => notificationService.markNotificationRead(id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.notifications }),
  });
}

export function useMarkAllNotificationsRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => notificationService.markAllNotificationsRead(),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.notifications }),
  });
}

export function useNotificationPreferences() {
  return useQuery({ queryKey: queryKeys.notificationPreferences, queryFn: notificationService.getNotificationPreferences });
}

export function useUpdateNotificationPreferences() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (change: Partial<NotificationPreferences>) => notificationService.updateNotificationPreferences(change),
    onSuccess: (prefs) => queryClient.setQueryData(queryKeys.notificationPreferences, prefs),
  });
}

export function usePutNotificationPreferences() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: Pick<NotificationPreferences, "kinds" | "digest" | "mute_own_actions">) =>
      notificationService.putNotificationPreferences(body),
    onSuccess: (prefs) => queryClient.setQueryData(queryKeys.notificationPreferences, prefs),
  });
}

/** The user's own notification stream: toasts, badge count, and fresher ticket lists. */
export function useNotificationStream(enabled: boolean) {
  const queryClient = useQueryClient();
  useEffect(() => {
    if (!enabled) return;
    const socket = new ReconnectingSocket({
      path: SOCKET_PATHS.notifications(),
      getToken: accessTokenForSocket,
      onAuthFailure: forceRefreshAccess,
      onReconnect: () => void queryClient.invalidateQueries({ queryKey: queryKeys.notifications }),
      onFrame: (frame) => {
        const raw = (frame.type === "notification.new" ? frame.notification : null) as Record<string, unknown> | null;
        if (typeof frame.unread === "number") {
          queryClient.setQueryData<NotificationPage>(queryKeys.notifications, (old) =>
            old ? { ...old, unread: frame.unread as number } : old,
          );
        }
        if (raw) {
          const notification = toNotification(raw);
          // Said in the reader's language from kind + params (the English title is the server's).
          const locale = useUiStore.getState().locale;
          const title = typeof notification.params.title === "string" ? notification.params.title : undefined;
          toast(notificationText(locale, notification), { description: notificationDetail(locale, notification) ?? title });
          void queryClient.invalidateQueries({ queryKey: queryKeys.notifications });
          refreshListsElsewhere(queryClient);
          void queryClient.invalidateQueries({ queryKey: queryKeys.approvals });
          if (notification.ticket_id) {
            void queryClient.invalidateQueries({ queryKey: queryKeys.tickets.detail(notification.ticket_id) });
          }
        }
      },
    });
    socket.start();
    return () => socket.stop();
  }, [enabled, queryClient]);
}
