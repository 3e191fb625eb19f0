import { api } from "./axiosClient";
import { toNotificationPage } from "./mappers";
import type { NotificationPage } from "@/types/notification";

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
