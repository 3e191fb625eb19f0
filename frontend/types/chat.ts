export interface ChatMessage {
  id: string;
  ticket_id: string;
  author_id: string;
  author_name?: string | null;
  body: string;
  client_id: string | null;
  /** The room's gap-free sequence number, when the server sends it. */
  seq?: number;
  created_at: string;
  edited_at: string | null;
  /** Client-only: sent but not yet confirmed by the server. */
  pending?: boolean;
  failed?: boolean;
}

export interface PresenceEntry {
  user_id: string;
  full_name?: string;
  online: boolean;
}
