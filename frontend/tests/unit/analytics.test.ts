import { describe, expect, it } from "vitest";
import {
  auditChanges,
  periodKey,
  toAnalyticsSummary,
  toAttachment,
  toAuditEntry,
  toDepartmentLoad,
  toHistory,
  toResolutionTime,
  toSatisfaction,
  toSlaCompliance,
  toStatusBreakdown,
  toVolume,
} from "@/services/api/mappers";
import { auditParams, fillDays } from "@/services/api/analyticsService";
import { listParams } from "@/services/api/ticketService";
import { summaryValue, historyLabel } from "@/lib/labels";
import { translate } from "@/lib/i18n";
import { formatDay, htmlToText } from "@/lib/helpers";

// Payloads below are copied from the API (seed_demo + seed_demo_tickets), signed in as admin1.
const SUMMARY = {
  scope: "desk",
  total: 9,
  open: 8,
  breached_open: 0,
  assigned_to_me_open: 0,
  created_last_7_days: 9,
  resolved_last_7_days: 1,
  avg_resolution_hours: 0.0,
  sla_compliance_percent: 100.0,
  avg_rating: null,
  by_status: { submitted: 1, pending_approval: 1, approved: 0, rejected: 0, assigned: 3, in_progress: 2, postponed: 1, resolved: 1, closed: 0, withdrawn: 0 },
  awaiting_my_approval: 0,
};
const VOLUME = { interval: "day", items: [{ period: "2026-11-27T00:00:00+05:00", created: 9, resolved: 1 }] };
const BY_DEPARTMENT = {
  items: [
    { department_id: null, code: null, name: null, total: 3, open: 3, breached: 0, avg_resolution_hours: null, avg_rating: null },
    { department_id: "d0e80fad-4f51-40d7-bc10-e4bddea3914c", code: "IT", name: "IT", total: 4, open: 3, breached: 0, avg_resolution_hours: 0.0, avg_rating: null },
    { department_id: "f549d0e6-3bbf-4336-8f61-81774a8b2247", code: "MNT", name: "Maintenance", total: 2, open: 2, breached: 0, avg_resolution_hours: null, avg_rating: null },
  ],
};
const BY_STATUS = {
  by_status: { assigned: 3, in_progress: 2, pending_approval: 1, postponed: 1, resolved: 1, submitted: 1 },
  by_priority: { high: 4, low: 1, medium: 3, urgent: 1 },
  matrix: [{ status: "assigned", priority: "high", count: 2 }],
};
const SLA = {
  total: 9,
  breached: 0,
  compliance_percent: 100.0,
  by_priority: [
    { priority: "high", total: 4, breached: 0, first_response_breached: 0, resolution_breached: 0, compliance_percent: 100.0 },
    { priority: "low", total: 1, breached: 1, first_response_breached: 1, resolution_breached: 0, compliance_percent: 0.0 },
  ],
};
const SATISFACTION = { count: 3, average: 4.33, distribution: { "1": 0, "2": 0, "3": 0, "4": 2, "5": 1 } };
const RESOLUTION = { items: [{ priority: "medium", resolved: 1, avg_hours: 0.0 }] };

describe("analytics mappers (real API shapes)", () => {
  it("reads the summary into named figures, none shown as a raw key", () => {
    const s = toAnalyticsSummary(SUMMARY);
    expect(s).toMatchObject({ scope: "desk", total: 9, open: 8, breachedOpen: 0, createdLast7Days: 9, resolvedLast7Days: 1, avgResolutionHours: 0, slaCompliancePercent: 100, avgRating: null });
    expect(s.byStatus.assigned).toBe(3);
    expect(summaryValue("slaCompliancePercent", s, "en")).toBe("100%");
    expect(summaryValue("avgRating", s, "en")).toBe("—");
    expect(summaryValue("avgResolutionHours", s, "en")).toBe("0 h");
    for (const key of ["total", "open", "breachedOpen", "createdLast7Days", "avgRating", "awaitingMyApproval"]) {
      expect(translate("en", `summary.${key}`)).not.toBe(`summary.${key}`);
      expect(translate("ur", `summary.${key}`)).not.toBe(translate("en", `summary.${key}`));
    }
  });

  it("reads volume periods as server-zone calendar days and fills the empty days", () => {
    expect(periodKey("2026-11-27T00:00:00+05:00")).toBe("2026-11-27");
    const points = toVolume(VOLUME);
    expect(points).toEqual([{ key: "2026-11-27", created: 9, resolved: 1 }]);
    const filled = fillDays(points, 30, Date.parse("2026-11-27T12:00:00Z"));
    expect(filled).toHaveLength(30);
    expect(filled[0]).toEqual({ key: "2026-10-29", created: 0, resolved: 0 });
    expect(filled[29]).toEqual({ key: "2026-11-27", created: 9, resolved: 1 });
    expect(formatDay("2026-11-27", "en")).toBe("27 Nov");
  });

  it("reads department load, keeping tickets not yet routed", () => {
    const rows = toDepartmentLoad(BY_DEPARTMENT);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({ departmentId: null, name: null, total: 3, open: 3 });
    expect(rows[1]).toMatchObject({ code: "IT", name: "IT", total: 4, open: 3, breached: 0, avgResolutionHours: 0 });
  });

  it("reads status/priority breakdown, SLA compliance, satisfaction and resolution time", () => {
    expect(toStatusBreakdown(BY_STATUS).byPriority).toEqual({ high: 4, low: 1, medium: 3, urgent: 1 });
    const sla = toSlaCompliance(SLA);
    expect(sla).toMatchObject({ total: 9, breached: 0, percent: 100 });
    expect(sla.byPriority[1]).toMatchObject({ priority: "low", breached: 1, firstResponseBreached: 1, percent: 0 });
    const sat = toSatisfaction(SATISFACTION);
    expect(sat.average).toBeCloseTo(4.33);
    expect(sat.distribution).toEqual([
      { score: 1, count: 0 },
      { score: 2, count: 0 },
      { score: 3, count: 0 },
      { score: 4, count: 2 },
      { score: 5, count: 1 },
    ]);
    expect(toSatisfaction({ count: 0, average: null, distribution: { "1": 0, "2": 0, "3": 0, "4": 0, "5": 0 } }).average).toBeNull();
    expect(toResolutionTime(RESOLUTION)).toEqual([{ priority: "medium", resolved: 1, avgHours: 0 }]);
  });
});

describe("ticket pages against the real API", () => {
  it("names history actions in words and shows an arrow only when the status changed", () => {
    const submit = toHistory({
      id: "3cd5", created_at: "2026-11-26T23:06:03.823Z", actor_id: "a31b", actor_code: "req1", actor_name: "", action: "ticket.submit",
      before: { status: "draft", version: 1 }, after: { status: "submitted", version: 2 }, reason: "",
      kind: "ticket.submit", params: { from_status: "draft", to_status: "submitted", changed: ["status"] },
    });
    expect(submit).toMatchObject({ action: "submit", from_status: "draft", to_status: "submitted", actor_name: "req1", reason: null });
    const edit = toHistory({ id: "e", created_at: "x", actor_id: null, actor_code: "req1", actor_name: "Req One", action: "ticket.update", before: { status: "draft", title: "a" }, after: { status: "draft", title: "b" }, reason: "", kind: "ticket.update", params: { changed: ["title"] } });
    expect(edit.to_status).toBeNull();
    const t = (key: string) => translate("en", key);
    expect(historyLabel(t, "submit")).toBe("Submitted");
    expect(historyLabel(t, "split")).toBe("Split into sub-tickets");
    expect(historyLabel(t, "something_new")).toBe("Something new");
    expect(historyLabel((k) => translate("ur", k), "resolve")).toBe("حل کیا گیا");
  });

  it("reads an attachment with its scan status and the server's downloadable flag", () => {
    const a = toAttachment({
      id: "e06d", ticket_id: "5140", message_id: null, uploader_id: "a31b", original_name: "notes.txt", size: 12, kind: "txt",
      content_type: "text/plain; charset=utf-8", status: "unscanned", scanned: false,
      scan_note: "Not scanned for viruses: no antivirus scanner is configured on this server.", downloadable: true,
      download_url: "/api/v1/attachments/e06d/download", variants: [], created_at: "2026-11-26T23:08:19.396Z", sha256: "ab",
      scanned_at: null, updated_at: "2026-11-26T23:08:19.396Z",
    });
    expect(a).toMatchObject({ status: "unscanned", downloadable: true, original_name: "notes.txt", size: 12 });
    for (const status of ["pending", "scanning", "clean", "infected", "unscanned", "failed", "ready"]) {
      expect(translate("en", `attachment.status.${status}`)).not.toBe(`attachment.status.${status}`);
      expect(translate("ur", `attachment.status.${status}`)).not.toBe(translate("en", `attachment.status.${status}`));
    }
  });

  it("sends list filters the way the API reads them (status repeated)", () => {
    const params = listParams({ requestor: "u1", top_level: true, status: ["resolved", "draft"], page_size: 1 });
    expect(params.getAll("status")).toEqual(["resolved", "draft"]);
    expect(params.get("page_size")).toBe("1");
    expect(params.get("top_level")).toBe("true");
  });

  it("shows a sanitised message body as text", () => {
    expect(htmlToText("<p>Tom &amp; Jerry &lt;3</p><p>second<br>line</p>")).toBe("Tom & Jerry <3\nsecond\nline");
  });
});

describe("audit log", () => {
  const ENTRY = {
    id: "3cd5", created_at: "2026-11-26T23:06:03.823Z", actor_id: "a31b", actor_code: "req1", actor_name: "", action: "ticket.submit",
    object_type: "ticket", object_id: "5140", before: { status: "draft", title: "New classroom setup", version: 1 },
    after: { status: "submitted", title: "New classroom setup", version: 2 }, reason: "", request_id: "b351", ip: "127.0.0.1", archived: false,
    kind: "ticket.submit", params: { from_status: "draft", to_status: "submitted", changed: ["status"] },
  };
  it("reads an entry and lists only what changed", () => {
    const e = toAuditEntry(ENTRY);
    expect(e).toMatchObject({ actor_name: "req1", action: "ticket.submit", entity: "ticket", entity_id: "5140", ip: "127.0.0.1", reason: null });
    expect(auditChanges(e)).toEqual(["status: draft → submitted"]);
    expect(auditChanges(toAuditEntry({ ...ENTRY, before: null, after: { method: "password" } }))).toEqual(["method: password"]);
  });
  it("sends the API's filter names: object_type, an action prefix, ISO date-times", () => {
    const p = auditParams({ actor: "u1", action: "ticket.", entity: "ticket", created_after: "2026-11-27", created_before: "2026-11-27", cursor: "x" });
    expect(p).toMatchObject({ actor: "u1", action: "ticket.*", object_type: "ticket" });
    expect(p.entity).toBeUndefined();
    expect(p.cursor).toBeUndefined();
    expect(Date.parse(p.created_before!) - Date.parse(p.created_after!)).toBe(86_400_000);
  });
});

describe("download errors", () => {
  it("reads the API's detail out of a Blob error body", async () => {
    const { AxiosError } = await import("axios");
    const { withBlobErrorBody, toApiError } = await import("@/lib/errors");
    const body = new Blob([JSON.stringify({ detail: "This file has not been scanned yet.", code: "forbidden" })], { type: "application/json" });
    const error = new AxiosError("Request failed", "ERR_BAD_REQUEST", undefined, undefined, {
      status: 403, statusText: "Forbidden", headers: {}, config: { headers: {} } as never, data: body,
    });
    const failure = await withBlobErrorBody(Promise.reject(error)).catch((e: unknown) => e);
    expect(toApiError(failure)).toMatchObject({ status: 403, code: "forbidden", detail: "This file has not been scanned yet." });
  });
});
