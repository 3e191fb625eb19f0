import { describe, expect, it } from "vitest";
import { listFiltersOf, viewFiltersOf } from "@/components/tickets/ViewsSidebar";
import { filtersFromUrl } from "@/components/common/TicketListPanel";
import { remainingText } from "@/components/common/TicketTable";
import { toBulkResult, toView } from "@/services/api/mappers";
import { formatCount } from "@/lib/helpers";
import { ticketPayload } from "./fixtures";

describe("saved views", () => {
  it("stores the list's filters as GET tickets' parameters, lists as lists, without paging", () => {
    expect(viewFiltersOf({ status: "submitted", priority: ["high", "low"], q: "", cursor: "x", ordering: "-sla_due", department: "d1" }))
      .toEqual({ filters: { status: ["submitted"], priority: ["high", "low"], department: "d1" }, ordering: "-sla_due" });
  });

  it("opens a view as the list's filters with its ordering", () => {
    const view = toView({ id: "v", name: "Queue", filters: { status: ["submitted"] }, ordering: "requestor", shared: true,
      owner_id: "u", can_change: false, count: 3, count_capped: false });
    expect(listFiltersOf(view)).toEqual({ status: ["submitted"], ordering: "requestor" });
    expect(view.count).toBe(3);
    expect(formatCount(view)).toBe("3");
  });

  it("shows a count that stopped at the server's cap with a plus", () => {
    const view = toView({ id: "v", name: "All", filters: {}, ordering: null, shared: false, owner_id: "u",
      can_change: true, count: 10000, count_capped: true });
    expect(formatCount(view)).toBe("10,000+");
    expect(formatCount({ count: 12, countCapped: false })).toBe("12");
    expect(formatCount(undefined)).toBeUndefined();
  });

  it("reads repeated filters from the address as lists", () => {
    expect(filtersFromUrl("?status=submitted&status=approved&ordering=-age&page=2")).toEqual({
      status: ["submitted", "approved"], ordering: "-age",
    });
  });
});

describe("bulk results and SLA time left", () => {
  it("maps ok and refused tickets", () => {
    expect(toBulkResult({ id: "a", status: "error", code: "invalid_transition", detail: "No", ticket: null }))
      .toMatchObject({ ok: false, code: "invalid_transition" });
    expect(toBulkResult({ id: "t1", status: "ok", code: null, detail: null, ticket: ticketPayload() }).ticket?.number).toBe("HD-1");
  });

  it("says how long is left or overdue, in both languages", () => {
    const now = Date.parse("2026-12-01T10:00:00Z");
    const t = (key: string) => ({ "list.left": "left", "list.overdue": "overdue" })[key] ?? key;
    expect(remainingText("2026-12-03T10:00:00Z", "en", t, now)).toBe("2 d left");
    expect(remainingText("2026-12-01T05:00:00Z", "en", t, now)).toBe("5 h overdue");
    expect(remainingText("2026-12-01T12:00:00Z", "ur", t, now)).toBe("2 گھنٹے left");
  });
});
