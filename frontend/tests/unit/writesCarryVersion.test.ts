import { beforeEach, describe, expect, it, vi } from "vitest";

// Every ticket write carries the ticket's `version` (issue 10 item 11): the server refuses one without.
const posts: { url: string; body: Record<string, unknown> }[] = [];
const { ticketPayload } = await vi.hoisted(async () => import("./fixtures"));
vi.mock("@/services/api/axiosClient", () => {
  // Answers shaped as the API's (the mappers refuse anything else).
  const answer = (url: string) => {
    if (url.endsWith("/subtickets")) return [];
    if (url.startsWith("/approvals")) {
      return { id: "x", ticket_id: "t1", step: 1, round: 1, approver_kind: "finance", status: "approved", decided_by: null,
        decided_at: null, reason: "", created_at: "2026-12-01T10:00:00Z" };
    }
    if (url.startsWith("/users")) {
      return { id: "x", employee_code: "e1", full_name: "E", email: "", phone: "", role: "requestor", department_id: null,
        is_approver: false, approver_kind: null, is_active: true, otp_enabled: false, language: "en", version: 2,
        created_at: "2026-12-01T10:00:00Z", last_login: null, otp_required: false, sms_linked: false,
        locked: false, allowed_actions: [] };
    }
    return ticketPayload({ id: "x" });
  };
  const record = async (url: string, body: Record<string, unknown>) => {
    posts.push({ url, body });
    return { data: answer(url) };
  };
  return { api: { post: record, patch: record } };
});

import { decideApproval } from "@/services/api/approvalService";
import { createSubtickets, runTicketAction, updateTicket } from "@/services/api/ticketService";
import { updateUser } from "@/services/api/userService";

describe("ticket writes send the version", () => {
  beforeEach(() => {
    posts.length = 0;
  });

  it("split sends the parent's version with the items", async () => {
    await createSubtickets("t1", 4, [{ department_id: "d1", assignee_id: "u1" }]);
    expect(posts).toEqual([{ url: "/tickets/t1/subtickets", body: { version: 4, items: [{ department_id: "d1", assignee_id: "u1" }] } }]);
  });

  it("approve and reject send the ticket's version", async () => {
    await decideApproval("a1", "approve", 7);
    await decideApproval("a1", "reject", 8, "No budget");
    expect(posts.map((p) => p.body)).toEqual([{ version: 7 }, { version: 8, reason: "No budget" }]);
  });

  it("actions and edits send the version", async () => {
    await runTicketAction("t1", "start", 3);
    await updateTicket("t1", { version: 5, priority: "high" });
    expect(posts.map((p) => p.body.version)).toEqual([3, 5]);
  });

  it("a user edit sends only fields the server takes (the employee code is fixed)", async () => {
    await updateUser("u1", { employee_code: "T001", full_name: "Amina Khan", role: "assignee" });
    expect(posts).toEqual([{ url: "/users/u1", body: { full_name: "Amina Khan", role: "assignee" } }]);
  });
});
