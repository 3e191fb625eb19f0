"use client";
import Link from "next/link";
import { Button } from "@/components/ui/button";
import { useI18n } from "@/hooks/useI18n";
import { formatDateTime } from "@/lib/helpers";
import { notificationDetail, notificationText } from "@/lib/serverText";
import { cn } from "@/lib/utils";
import type { AppNotification } from "@/types/notification";

export function NotificationCard({ notification, href, onRead }: { notification: AppNotification; href?: string; onRead: () => void }) {
  const { t, locale } = useI18n();
  const unread = !notification.read_at;
  // Said from kind + params in the reader's language; the English title is the server's fallback.
  const text = notificationText(locale, notification);
  const detail = notificationDetail(locale, notification);
  return (
    <li className={cn("flex flex-wrap items-start justify-between gap-2 rounded-md border p-3", unread && "border-primary/40 bg-primary/5")} data-testid="notification">
      <div className="min-w-0 space-y-1">
        <p className="font-medium">
          {href ? (
            <Link href={href} className="hover:underline" onClick={() => unread && onRead()}>
              {text}
            </Link>
          ) : (
            text
          )}
        </p>
        {detail && <p className="text-sm text-muted-foreground">{detail}</p>}
        {typeof notification.params?.title === "string" && notification.params.title && (
          <p className="text-sm text-muted-foreground" dir="auto">{notification.params.title}</p>
        )}
        <p className="text-xs text-muted-foreground">{formatDateTime(notification.created_at, locale)}</p>
      </div>
      {unread && (
        <Button variant="ghost" size="sm" onClick={onRead}>
          {t("notifications.markRead")}
        </Button>
      )}
    </li>
  );
}
