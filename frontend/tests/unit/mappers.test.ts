import { describe, expect, it } from "vitest";
import { toTicket, toPage, toNotificationPage, toHistory, toAttachment } from "@/services/api/mappers";
import { ContractError } from "@/services/api/contract";
import { ticketPayload } from "./fixtures";
import { nextPageUrl } from "@/services/api/pagination";
import { toApiError } from "@/lib/errors";
import { AxiosError } from "axios";

describe("ticket mapping", () => {
  it("reads the backend's payload, nested people and sub-ticket progress included", () => {
    const t = toTicket(ticketPayload({
      id: "1", number: "HD-1", status: "in_progress", priority: "high", version: 4, department_id: "d",
      department: { id: "d", code: "IT", name: "IT" }, requestor: { id: "r", employee_code: "r1", full_name: "Req One" },
      subtickets: { total: 2, done: 1 }, rating: 5, rating_comment: "great",
      sla: { started_at: null, first_response_due: null, resolution_due: "2025-01-01T00:00:00Z", first_response_breached: false,
        resolution_breached: true, breached: true, paused: false, paused_minutes: 0 },
      allowed_actions: ["postpone", "resolve", "message"], editable_fields: ["priority"],
    }));
    expect(t.department_id).toBe("d");
    expect(t.department_name).toBe("IT");
    expect(t.requestor_name).toBe("Req One");
    expect(t.subtickets_progress).toEqual({ total: 2, resolved: 1 });
    expect(t.rating).toEqual({ score: 5, comment: "great" });
    expect(t.sla?.breached).toBe(true);
    expect(t.allowed_actions).toEqual(["postpone", "resolve", "message"]);
    expect(t.editable_fields).toEqual(["priority"]);
  });
  it("fails loudly on a shape the API does not send (no guessed defaults)", () => {
    const { status: _status, ...noStatus } = ticketPayload();
    expect(() => toTicket(noStatus)).toThrow(ContractError);
    expect(() => toTicket({ ...ticketPayload(), status: "archived" })).toThrow(/TicketOut.status/);
    expect(() => toTicket({ ...ticketPayload(), allowed_actions: ["fly"] })).toThrow(/allowed_actions/);
    const { allowed_actions: _a, ...noActions } = ticketPayload();
    expect(() => toTicket(noActions)).toThrow(/allowed_actions/);
    expect(() => toPage({ results: [], count: 0, next: null }, toTicket)).toThrow(/Page.items/);
    expect(() => toAttachment({ ...attachment, status: "ready" })).toThrow(/AttachmentOut.status/);
    expect(toAttachment({ ...attachment, status: "failed" }).status).toBe("failed");
  });
  it("reads history from audit entries", () => {
    const h = toHistory({ id: "h", action: "ticket.assign", actor_id: null, actor_code: "mod1", actor_name: "", before: { status: "submitted" }, after: { status: "assigned" }, created_at: "x", reason: "", kind: "ticket.assign", params: { from_status: "submitted", to_status: "assigned", changed: ["status"] } });
    expect(h).toMatchObject({ from_status: "submitted", to_status: "assigned", actor_name: "mod1" });
    expect(() => toHistory({ id: "h", verb: "ticket.assign", created_at: "x" })).toThrow(ContractError);
  });
});

const attachment = {
  id: "a", ticket_id: "t", message_id: null, uploader_id: "u", original_name: "n.txt", size: 1, kind: "txt",
  content_type: "text/plain", sha256: "ab", status: "clean", scanned: true, scan_note: "", downloadable: true,
  download_url: null, variants: [], scanned_at: null, created_at: "x", updated_at: "x",
};

describe("lists", () => {
  it("reads {items, count, next} and the notification unread count", () => {
    const page = toPage({ items: [{ id: 1 }], count: 7, next: "/api/v1/tickets?page=2" }, (r) => r.id);
    expect(page).toEqual({ items: [1], count: 7, next: "/api/v1/tickets?page=2" });
    expect(toNotificationPage({ items: [], count: 0, next: null, unread: 3 }).unread).toBe(3);
  });
  it("says when a search's count stopped at the server's cap", () => {
    const capped = toPage({ items: [], count: 1000, count_capped: true, next: "/api/v1/tickets?q=a&page=2" }, (r) => r);
    expect(capped).toMatchObject({ count: 1000, countCapped: true });
    expect(toPage({ items: [], count: 3, count_capped: false, next: null }, (r) => r).countCapped).toBeUndefined();
    expect(() => toPage({ items: [], count: 3, count_capped: "yes", next: null }, (r) => r)).toThrow(/count_capped/);
  });
  it("turns every shape of `next` into a URL for the client", () => {
    expect(nextPageUrl("/api/v1/tickets?page=2", "/tickets")).toBe("/tickets?page=2");
    expect(nextPageUrl("abc", "/tickets/1/messages")).toBe("/tickets/1/messages?cursor=abc");
    expect(nextPageUrl("?page=3", "/audit")).toBe("/audit?page=3");
    expect(nextPageUrl("http://x/y", "/z")).toBe("http://x/y");
  });
});

describe("errors", () => {
  it("shows the API's detail and keeps its code", () => {
    const err = new AxiosError("x", undefined, undefined, undefined, {
      status: 409, statusText: "", headers: {}, config: {} as never, data: { detail: "Ticket changed meanwhile.", code: "version_conflict" },
    });
    const apiError = toApiError(err);
    expect(apiError).toMatchObject({ status: 409, code: "version_conflict", detail: "Ticket changed meanwhile." });
  });
  it("joins Ninja's field errors into one readable detail", () => {
    const err = new AxiosError("x", undefined, undefined, undefined, {
      status: 422, statusText: "", headers: {}, config: {} as never, data: { detail: [{ loc: ["body", "payload", "title"], msg: "too short" }] },
    });
    expect(toApiError(err).detail).toBe("payload.title: too short");
  });
});
