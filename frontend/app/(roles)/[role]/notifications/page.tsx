"use client";
import { PageWrapper } from "@/components/layout/PageWrapper";
import { NotificationCard } from "@/components/notifications/NotificationCard";
import { Button } from "@/components/ui/button";
import { SkeletonRows } from "@/components/ui/skeleton";
import { EmptyState, ErrorState } from "@/components/common/States";
import { useMarkAllNotificationsRead, useMarkNotificationRead, useNotificationList } from "@/hooks/useNotifications";
import { useSession } from "@/hooks/useAuth";
import { useI18n } from "@/hooks/useI18n";
import Link from "next/link";
import { routes, ticketHref } from "@/config/routes";

export default function NotificationsPage() {
  const { t } = useI18n();
  const { user } = useSession();
  const list = useNotificationList();
  const markRead = useMarkNotificationRead();
  const markAll = useMarkAllNotificationsRead();
  if (!user) return null;
  return (
    <PageWrapper
      title={t("notifications.title")}
      actions={
        <div className="flex gap-2">
          <Button asChild variant="ghost" size="sm">
            <Link href={routes.notificationSettings()}>{t("settings.notifications.open")}</Link>
          </Button>
          <Button variant="outline" size="sm" onClick={() => markAll.mutate()} disabled={!list.data?.unread || markAll.isPending}>
            {t("notifications.markAll")}
          </Button>
        </div>
      }
    >
      {list.isLoading ? (
        <SkeletonRows />
      ) : list.error ? (
        <ErrorState error={list.error} onRetry={() => list.refetch()} />
      ) : !list.data?.items.length ? (
        <EmptyState />
      ) : (
        <ul className="space-y-2" data-testid="notification-list">
          {list.data.items.map((n) => (
            <NotificationCard
              key={n.id}
              notification={n}
              href={n.ticket_id ? ticketHref(user.role, n.ticket_id) : undefined}
              onRead={() => markRead.mutate(n.id)}
            />
          ))}
        </ul>
      )}
    </PageWrapper>
  );
}
