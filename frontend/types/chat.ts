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
  /** An internal note: the staff's only, never shown to the requestor (the server never sends it to them). */
  internal?: boolean;
  /** The ids of the people the body @mentions. */
  mentions?: string[];
  /** Client-only: sent but not yet confirmed by the server. */
  pending?: boolean;
  failed?: boolean;
}

export interface PresenceEntry {
  user_id: string;
  full_name?: string;
  online: boolean;
}
