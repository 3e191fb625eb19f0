import { api } from "./axiosClient";
import { toNotificationPage, toNotificationPreferences } from "./mappers";
import type { NotificationPage, NotificationPreferences } from "@/types/notification";

export async function listNotifications(): Promise<NotificationPage> {
  const { data } = await api.get("/notifications", { params: { page_size: 50 } });
  return toNotificationPage(data);
}

export async function markNotificationRead(id: string): Promise<void> {
  await api.post(`/notifications/${id}/read`);
}

export async function markAllNotificationsRead(): Promise<void> {
  await api.post(`/notifications/read-all`);
}

export async function getNotificationPreferences(): Promise<NotificationPreferences> {
  const { data } = await api.get("/notifications/preferences");
  return toNotificationPreferences(data);
}

export async function updateNotificationPreferences(
  change: Partial<NotificationPreferences>,
): Promise<NotificationPreferences> {
  const { data } = await api.patch("/notifications/preferences", change);
  return toNotificationPreferences(data);
}

/** DESIGN §8's whole shape (PUT): per kind in the app and by email, the digest, own changes muted. */
export async function putNotificationPreferences(
  body: Pick<NotificationPreferences, "kinds" | "digest" | "mute_own_actions">,
): Promise<NotificationPreferences> {
  const { data } = await api.put("/notifications/preferences", body);
  return toNotificationPreferences(data);
}
