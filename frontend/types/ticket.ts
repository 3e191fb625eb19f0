export const TICKET_STATUSES = [
  "draft",
  "submitted",
  "pending_approval",
  "approved",
  "rejected",
  "assigned",
  "in_progress",
  "postponed",
  "resolved",
  "closed",
  "withdrawn",
] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const PRIORITIES = ["low", "medium", "high", "urgent"] as const;
export type Priority = (typeof PRIORITIES)[number];

export const TICKET_ACTIONS = [
  "submit",
  "withdraw",
  "reject",
  "request_approval",
  "assign",
  "reassign",
  "start",
  "postpone",
  "resume",
  "resolve",
  "reopen",
  "close",
  "rate",
] as const;
export type TicketAction = (typeof TICKET_ACTIONS)[number];

export interface Sla {
  first_response_due: string | null;
  resolution_due: string | null;
  breached: boolean;
  paused: boolean;
}

export interface SubticketProgress {
  total: number;
  resolved: number;
}

export interface Rating {
  score: number;
  comment?: string | null;
}

export interface Ticket {
  id: string;
  number: string;
  title: string;
  description: string;
  status: TicketStatus;
  priority: Priority;
  department_id: string | null;
  requestor_id: string;
  assignee_id: string | null;
  parent_id: string | null;
  version: number;
  created_at: string;
  updated_at: string;
  category: string | null;
  amount: string | null;
  sla: Sla | null;
  subtickets_progress: SubticketProgress | null;
  /** The chat room: the parent's id for a sub-ticket (DESIGN §5). */
  room_id: string;
  rating: Rating | null;
  resolution?: string | null;
  postponed_until?: string | null;
  postponed_reason?: string | null;
  requestor_name?: string | null;
  assignee_name?: string | null;
  department_name?: string | null;
}

export interface HistoryEntry {
  id: string;
  action: string;
  from_status: string | null;
  to_status: string | null;
  actor_id: string | null;
  actor_name: string | null;
  reason: string | null;
  created_at: string;
}

export interface Approval {
  id: string;
  ticket_id: string;
  step: number;
  approver_kind: "finance" | "ceo" | string;
  status: "pending" | "approved" | "rejected" | string;
  decided_by: string | null;
  decided_at: string | null;
  reason: string | null;
  ticket?: Ticket | null;
}

export type AttachmentStatus = "pending" | "scanning" | "clean" | "infected" | "unscanned" | "ready";

export interface Attachment {
  id: string;
  ticket_id: string;
  original_name: string;
  size: number;
  content_type: string;
  status: AttachmentStatus | string;
  downloadable?: boolean;
  scan_note?: string | null;
  created_at?: string;
}

export interface Paginated<T> {
  items: T[];
  count: number;
  next: string | null;
}

export interface TicketFilters {
  status?: string | string[];
  priority?: string | string[];
  page_size?: number;
  department?: string;
  assignee?: string;
  requestor?: string;
  q?: string;
  created_after?: string;
  created_before?: string;
  sla_breached?: boolean;
  ordering?: string;
  page?: number;
  cursor?: string;
  parent?: string;
  top_level?: boolean;
  mine?: string;
}

export interface NewTicketInput {
  title: string;
  description: string;
  department_id?: string;
  category?: string;
  priority?: Priority;
  amount?: string;
  submit?: boolean;
}

export interface ActionPayload {
  reason?: string;
  until?: string;
  department_id?: string;
  assignee_id?: string;
  resolution?: string;
  score?: number;
  comment?: string;
}

export interface SubticketItem {
  department_id: string;
  assignee_id: string;
  title?: string;
  description?: string;
}
