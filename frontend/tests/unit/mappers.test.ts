import { describe, expect, it } from "vitest";
import { toTicket, toPage, toNotificationPage, toHistory } from "@/services/api/mappers";
import { nextPageUrl } from "@/services/api/pagination";
import { toApiError } from "@/lib/errors";
import { AxiosError } from "axios";

describe("ticket mapping", () => {
  it("reads the backend's payload, nested people and sub-ticket progress included", () => {
    const t = toTicket({
      id: "1", number: "HD-1", title: "T", description: "D", status: "in_progress", priority: "high", version: 4,
      department: { id: "d", code: "IT", name: "IT" }, requestor: { id: "r", full_name: "Req One" }, assignee_id: null,
      parent_id: null, room_id: "1", subtickets: { total: 2, done: 1 }, rating: 5, rating_comment: "great",
      sla: { breached: true, paused: false, first_response_due: null, resolution_due: "2025-01-01T00:00:00Z" },
    });
    expect(t.department_id).toBe("d");
    expect(t.department_name).toBe("IT");
    expect(t.requestor_name).toBe("Req One");
    expect(t.subtickets_progress).toEqual({ total: 2, resolved: 1 });
    expect(t.rating).toEqual({ score: 5, comment: "great" });
    expect(t.sla?.breached).toBe(true);
  });
  it("tolerates missing optional fields", () => {
    const t = toTicket({ id: "2", title: "x", status: "draft", parent_id: "p" });
    expect(t.sla).toBeNull();
    expect(t.subtickets_progress).toBeNull();
    expect(t.room_id).toBe("p");
    expect(t.priority).toBe("medium");
  });
  it("reads history from audit entries", () => {
    const h = toHistory({ id: "h", action: "ticket.assign", actor_code: "mod1", before: { status: "submitted" }, after: { status: "assigned" }, created_at: "x" });
    expect(h).toMatchObject({ from_status: "submitted", to_status: "assigned", actor_name: "mod1" });
  });
});

describe("lists", () => {
  it("reads {items, count, next} and the notification unread count", () => {
    const page = toPage({ items: [{ id: 1 }], count: 7, next: "/api/v1/tickets?page=2" }, (r) => r.id);
    expect(page).toEqual({ items: [1], count: 7, next: "/api/v1/tickets?page=2" });
    expect(toNotificationPage({ items: [], count: 0, next: null, unread: 3 }).unread).toBe(3);
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
