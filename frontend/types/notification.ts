export interface AppNotification {
  id: string;
  kind: string;
  title: string;
  body: string;
  /** What the reader's language needs to say it (DESIGN §9): number, status, until... */
  params: Record<string, unknown>;
  ticket_id: string | null;
  read_at: string | null;
  created_at: string;
}

export interface NotificationPage {
  items: AppNotification[];
  count: number;
  next: string | null;
  unread: number;
}

/** `GET|PATCH notifications/preferences`: which notifications also come by email. */
export interface NotificationPreferences {
  email_enabled: boolean;
  email_kinds: Record<string, boolean>;
  /** DESIGN §8: per kind, in the app and by email. */
  kinds: Record<string, { in_app: boolean; email: boolean }>;
  digest: "off" | "hourly" | "daily";
  mute_own_actions: boolean;
}
