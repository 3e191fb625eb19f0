/**
 * The web app's ticket types. The API's payload types are generated from its OpenAPI schema
 * (types/api.gen.ts, scripts/api-types.sh); the names below are derived from them, so a status,
 * action or field the server does not have fails the type check.
 */
import type { components } from "@/types/api.gen";

type Schemas = components["schemas"];
/** Exactly the same union (compile-time check that a list here is the server's, no more, no less). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

export type TicketStatus = NonNullable<Schemas["TicketFilters"]["status"]>[number];
/** For the status filter: every status the server has, in its order. */
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
  "merged",
] as const satisfies readonly TicketStatus[];
const statusesAreTheServers: Same<(typeof TICKET_STATUSES)[number], TicketStatus> = true;

export type Priority = NonNullable<Schemas["TicketIn"]["priority"]>;
export const PRIORITIES = ["low", "medium", "high", "urgent"] as const satisfies readonly Priority[];
const prioritiesAreTheServers: Same<(typeof PRIORITIES)[number], Priority> = true;
void statusesAreTheServers;
void prioritiesAreTheServers;

/** Every action name the server puts in a ticket's `allowed_actions` (tickets/policy.py). */
export type ServerAction = Schemas["Action"];
export const SERVER_ACTIONS = [
  "submit", "withdraw", "reject", "request_approval", "approve", "assign", "reassign", "start", "postpone",
  "resume", "resolve", "reopen", "close", "rate", "split", "delete", "message", "note", "merge",
] as const satisfies readonly ServerAction[];
const actionsAreTheServers: Same<(typeof SERVER_ACTIONS)[number], ServerAction> = true;
void actionsAreTheServers;
/** The actions taken with POST tickets/{id}/actions/{action}. */
export type TicketAction = Exclude<ServerAction, "split" | "delete" | "message" | "note">;
/** The fields PATCH tickets/{id} may accept (the caller's share is the ticket's `editable_fields`). */
export type EditableField = Schemas["TicketOut"]["editable_fields"][number];
export const EDITABLE_FIELDS = [
  "title", "description", "department_id", "category", "priority", "amount", "due_at", "category_id", "fields",
] as const satisfies readonly EditableField[];
const fieldsAreTheServers: Same<(typeof EDITABLE_FIELDS)[number], EditableField> = true;
void fieldsAreTheServers;

export interface Sla {
  first_response_due: string | null;
  resolution_due: string | null;
  breached: boolean;
  paused: boolean;
}

/** The ai service's breach risk of an open ticket (DESIGN §12); the server sends it to staff only. */
export type SlaRisk = Schemas["TicketSlaRiskOut"];

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
  /** Staff, open tickets: the probability of missing the resolution target and its level; else null. */
  sla_risk?: SlaRisk | null;
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
  /** The request form it was filed with (DESIGN §10): the category and each field's label and value. */
  category_id: string | null;
  form: TicketForm | null;
  /** Set when this ticket was merged, as a duplicate, into that one. */
  merged_into_id: string | null;
  /** What the server lets the signed-in person do now (DESIGN §9): the only source of buttons. */
  allowed_actions: ServerAction[];
  /** What PATCH accepts from the signed-in person now: the edit form shows only these. */
  editable_fields: EditableField[];
}

export type TicketForm = Schemas["TicketFormOut"];
export type FormFieldType = Schemas["CategoryFieldIn"]["type"];

/** A request category and the fields its form asks for (GET categories, DESIGN §10). */
export type RequestCategory = Schemas["CategoryOut"];
export type CategoryField = Schemas["CategoryFieldOut"];
export type CategoryFieldInput = Schemas["CategoryFieldIn"];

/** A link to another ticket (GET tickets/{id}/links). */
export type TicketLink = Schemas["LinkOut"];

export interface HistoryEntry {
  id: string;
  action: string;
  /** The machine kind ("ticket.submit") and its params, rendered in the reader's language. */
  kind: string;
  params: Record<string, unknown>;
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

export type AttachmentStatus = Schemas["AttachmentStatus"];
export const ATTACHMENT_STATUSES = [
  "pending", "scanning", "clean", "infected", "unscanned", "failed",
] as const satisfies readonly AttachmentStatus[];
const attachmentStatusesAreTheServers: Same<(typeof ATTACHMENT_STATUSES)[number], AttachmentStatus> = true;
void attachmentStatusesAreTheServers;

export interface Attachment {
  id: string;
  ticket_id: string;
  original_name: string;
  size: number;
  content_type: string;
  status: AttachmentStatus;
  downloadable?: boolean;
  scan_note?: string | null;
  created_at?: string;
}

export interface Paginated<T> {
  items: T[];
  count: number;
  /** The server stopped counting at `count` (a search): there are more, show "200+". */
  countCapped?: boolean;
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
  category_id?: string;
  fields?: Record<string, string>;
}

export interface ActionPayload {
  reason?: string;
  until?: string;
  department_id?: string;
  assignee_id?: string;
  resolution?: string;
  score?: number;
  comment?: string;
  into_id?: string;
}

export interface SubticketItem {
  department_id: string;
  assignee_id: string;
  title?: string;
  description?: string;
}

/** A saved view (DESIGN §10): `GET tickets`' filters and an ordering, with its live count. */
export interface SavedView {
  id: string;
  name: string;
  filters: Record<string, unknown>;
  ordering: string | null;
  shared: boolean;
  can_change: boolean;
  count: number;
  /** The count stopped at the server's cap: shown "10,000+". */
  countCapped?: boolean;
}

/** The bulk actions of POST tickets/bulk (tickets/policy.py BULK_ACTIONS). */
export type BulkAction = Schemas["BulkIn"]["action"];
export const BULK_ACTIONS = ["assign", "reassign", "set_priority", "set_department", "reject", "apply_canned"] as const satisfies readonly BulkAction[];
const bulkActionsAreTheServers: Same<(typeof BULK_ACTIONS)[number], BulkAction> = true;
void bulkActionsAreTheServers;
export type BulkFields = NonNullable<Schemas["BulkIn"]["fields"]>;

/** One ticket's outcome in a bulk action: `ok` with the ticket, or the error's code and detail. */
export interface BulkResult {
  id: string;
  ok: boolean;
  code: string | null;
  detail: string | null;
  ticket: Ticket | null;
}

/** The sort keys GET tickets accepts (each also with "-"); the server answers 422 to anything else. */
export type Ordering = NonNullable<Schemas["TicketFilters"]["ordering"]>;
