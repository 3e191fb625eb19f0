/** Payloads exactly as the API sends them (types/api.gen.ts), for tests that feed the mappers. */
import type { components } from "@/types/api.gen";

type Schemas = components["schemas"];

export function ticketPayload(over: Partial<Schemas["TicketOut"]> = {}): Schemas["TicketOut"] {
  return {
    id: "t1", number: "HD-1", title: "Printer", description: "Jammed again", status: "submitted", priority: "medium",
    category: "", department_id: null, department: null, requestor_id: "u1",
    requestor: { id: "u1", employee_code: "req1", full_name: "Req One" }, requestor_name: "Req One",
    assignee_id: null, assignee: null, assignee_name: null, sla_due_at: null,
    owner_id: null, parent_id: null, room_id: over.id ?? "t1", amount: null, due_at: null, resolution: "",
    category_id: null, fields: {}, form: null, merged_into_id: null,
    postponed_until: null, postponed_reason: "", rating: null, rating_comment: "", version: 1,
    created_at: "2026-12-01T10:00:00Z", updated_at: "2026-12-01T10:00:00Z", submitted_at: null,
    first_responded_at: null, resolved_at: null, closed_at: null, subtickets: { total: 0, done: 0 },
    sla: { started_at: null, first_response_due: null, resolution_due: null, first_response_breached: false,
      resolution_breached: false, breached: false, paused: false, paused_minutes: 0 },
    sla_risk: null, triage: null, allowed_actions: [], editable_fields: [], ...over,
  };
}

export function messagePayload(over: Partial<Schemas["MessageOut"]> = {}): Schemas["MessageOut"] {
  return {
    id: "m1", ticket_id: "room", room_id: "room", seq: 1, author_id: "u", author_name: "U", author_code: "u1",
    body: "x", client_id: null, attachment_ids: [], created_at: "2025-01-01T00:00:00Z", edited_at: null,
    internal: false, mentions: [], ...over,
  };
}
