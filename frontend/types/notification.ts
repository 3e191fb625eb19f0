export interface AppNotification {
  id: string;
  kind: string;
  title: string;
  body: string;
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
