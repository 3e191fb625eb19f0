"use client";
import Link from "next/link";
import { Bell } from "lucide-react";
import { useNotificationList } from "@/hooks/useNotifications";
import { useI18n } from "@/hooks/useI18n";
import { routes } from "@/config/routes";
import type { Role } from "@/types/user";

export function NotificationBell({ role }: { role: Role }) {
  const { t } = useI18n();
  const { data } = useNotificationList();
  const unread = data?.unread ?? 0;
  // The server counts up to 100 (a reader who never reads would otherwise cost a full count).
  const shown = unread > 99 ? "99+" : String(unread);
  return (
    <Link
      href={routes.notifications(role)}
      className="relative inline-flex h-10 w-10 items-center justify-center rounded-md hover:bg-accent"
      aria-label={`${t("notifications.open")}${unread ? ` (${shown} ${t("notifications.unread")})` : ""}`}
      data-testid="notification-bell"
    >
      <Bell className="h-5 w-5" aria-hidden />
      {unread > 0 && (
        <span className="absolute -end-0.5 -top-0.5 min-w-5 rounded-full bg-destructive px-1 text-center text-xs font-semibold text-destructive-foreground" data-testid="unread-count">
          {shown}
        </span>
      )}
    </Link>
  );
}
