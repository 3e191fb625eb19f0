/**
 * The web app keeps no copy of "who may do what" (issue 12, DESIGN §9): buttons, the edit form,
 * rating and the chat box follow the ticket's allowed_actions and editable_fields, and a static
 * check fails if a component compares roles or ticket statuses to decide something.
 */
import { readFileSync, readdirSync, statSync, existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { renderToStaticMarkup } from "react-dom/server";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { ActionButtons, actionBarItems } from "@/components/common/ActionButtons";
import { editChanges } from "@/components/modals/EditTicketModal";
import { toTicket } from "@/services/api/mappers";
import type { ServerAction, Ticket } from "@/types/ticket";

const root = path.resolve(__dirname, "../..");

/** A TicketOut as the API sends it (types/api.gen.ts), with the caller's allowed_actions/editable_fields. */
function payload(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: "t1", number: "HD-1", title: "Printer", description: "Jammed again", status: "submitted", priority: "medium",
    category: "", department_id: "d1", department: { id: "d1", code: "IT", name: "IT" }, requestor_id: "u1",
    requestor: { id: "u1", employee_code: "req1", full_name: "Req One" }, requestor_name: "Req One", assignee_id: null,
    assignee: null, assignee_name: null, sla_due_at: null, owner_id: null, parent_id: null, room_id: "t1", amount: null, due_at: null, resolution: "", postponed_until: null,
    category_id: null, fields: {}, form: null, merged_into_id: null,
    postponed_reason: "", rating: null, rating_comment: "", version: 3, created_at: "2026-12-01T10:00:00Z",
    updated_at: "2026-12-01T10:00:00Z", submitted_at: null, first_responded_at: null, resolved_at: null, closed_at: null,
    subtickets: { total: 0, done: 0 },
    sla: { started_at: null, first_response_due: null, resolution_due: null, first_response_breached: false,
      resolution_breached: false, breached: false, paused: false, paused_minutes: 0 },
    sla_risk: null, triage: null, allowed_actions: [], editable_fields: [], ...over,
  };
}

// What the server answers for these readers (tickets/policy.py); the web app must show just that.
const FIXTURES: { name: string; allowed: ServerAction[]; editable: string[]; bar: string[] }[] = [
  { name: "moderator, submitted", allowed: ["reject", "request_approval", "assign", "split", "message"],
    editable: ["priority", "category", "due_at"], bar: ["reject", "request_approval", "assign", "split", "edit"] },
  { name: "moderator, in progress parent", allowed: ["reassign", "split", "message"], editable: ["priority", "category", "due_at"],
    bar: ["reassign", "split", "edit"] },
  { name: "requestor, resolved (no rating before closing)", allowed: ["reopen", "close", "message"], editable: [],
    bar: ["reopen", "close"] },
  { name: "requestor, closed", allowed: ["rate"], editable: [], bar: [] },
  { name: "requestor, draft", allowed: ["submit", "withdraw", "delete", "message"],
    editable: ["title", "description", "department_id", "category", "priority", "amount", "due_at"],
    bar: ["submit", "withdraw", "edit"] },
  { name: "admin observer, in progress", allowed: ["withdraw", "start"], editable: ["priority"], bar: ["withdraw", "start", "edit"] },
  { name: "finance approver, pending approval", allowed: ["reject", "approve", "message"], editable: [], bar: ["reject", "approve"] },
  { name: "assignee, someone else's ticket", allowed: [], editable: [], bar: [] },
];

function render(ticket: Ticket): string {
  const client = new QueryClient();
  return renderToStaticMarkup(
    <QueryClientProvider client={client}>
      <ActionButtons ticket={ticket} />
    </QueryClientProvider>,
  );
}

describe("the action bar renders exactly the server's allowed_actions", () => {
  for (const f of FIXTURES) {
    it(f.name, () => {
      const ticket = toTicket(payload({ allowed_actions: f.allowed, editable_fields: f.editable }));
      expect(actionBarItems(ticket)).toEqual(f.bar);
      const rendered = Array.from(render(ticket).matchAll(/data-action="([a-z_]+)"/g), (m) => m[1]);
      expect(rendered).toEqual(f.bar);
    });
  }
  it("the same ticket in two states gives the same buttons when the server says the same", () => {
    const allowed: ServerAction[] = ["close"];
    const a = toTicket(payload({ status: "resolved", allowed_actions: allowed }));
    const b = toTicket(payload({ status: "draft", allowed_actions: allowed }));
    expect(actionBarItems(a)).toEqual(actionBarItems(b));
  });
});

describe("the edit form sends only what PATCH accepts from this person", () => {
  it("a moderator's priority change sends priority alone", () => {
    const ticket = toTicket(payload({ editable_fields: ["priority", "category", "due_at"] }));
    expect(editChanges(ticket, { title: "Printer", description: "Jammed again", priority: "urgent" })).toEqual({ priority: "urgent" });
    expect(editChanges(ticket, { title: "Renamed", priority: "medium" })).toEqual({});
  });
  it("the requestor's draft sends its changed fields", () => {
    const ticket = toTicket(payload({ status: "draft", editable_fields: ["title", "description", "priority"] }));
    expect(editChanges(ticket, { title: "Scanner", description: "Jammed again", priority: "high" })).toEqual({ title: "Scanner", priority: "high" });
  });
});

// ---------------------------------------------------------------- static check

const ROLE = /(\.role|\brole)\s*[!=]==?\s*["'`]|["'`](requestor|moderator|assignee|admin)["'`]\s*[!=]==?\s*[\w.]*role\b/;
const STATUS_NAMES = "draft|submitted|pending_approval|approved|rejected|assigned|in_progress|postponed|resolved|closed|withdrawn";
const STATUS = new RegExp(
  `status\\s*[!=]==?\\s*["'\`](${STATUS_NAMES})["'\`]|["'\`](${STATUS_NAMES})["'\`]\\s*[!=]==?\\s*[\\w.]*status\\b|` +
    `\\[[^\\]]*["'\`](${STATUS_NAMES})["'\`][^\\]]*\\]\\.includes\\([\\w.]*status\\)`,
);
const RULE_COPIES = /availableActions|lib\/rbac|canRate\s*=\s*[^;]*\bstatus\b|isAdminObserver/;

/** Lines allowed to compare a role or ticket status, each with why it is not an action decision. */
const ALLOWED: Record<string, { lines: number; why: string }> = {
  "app/(roles)/[role]/dashboard/page.tsx": { lines: 4, why: "which dashboard a role's home page shows" },
  "components/layout/Sidebar.tsx": { lines: 1, why: "which reports page a role's menu links to" },
  "lib/navigation.ts": { lines: 4, why: "which route sections a role opens" },
  "config/routes.ts": { lines: 2, why: "which page shows a ticket to a role" },
  "components/common/SubticketList.tsx": { lines: 1, why: "a requestor sees sub-tickets as text, others as links" },
  "components/common/TicketDetailView.tsx": {
    lines: 3, why: "postponement details shown while postponed; uploads on a finished ticket (files service sends no flag yet)",
  },
  "lib/newRequestFlow.ts": { lines: 1, why: "the filing flow submits the draft it created itself" },
};

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...sources(full));
    else if (/\.(ts|tsx)$/.test(name) && !name.endsWith(".gen.ts")) out.push(full);
  }
  return out;
}

describe("no component decides an action's availability on its own", () => {
  const files = ["app", "components", "config", "hooks", "lib", "store", "services"].flatMap((d) => sources(path.join(root, d)));

  it("scans the web app's sources", () => {
    expect(files.length).toBeGreaterThan(50);
    expect(existsSync(path.join(root, "lib/rbac.ts"))).toBe(false);
  });

  it("compares roles and ticket statuses only where listed (navigation and display)", () => {
    const found: Record<string, string[]> = {};
    for (const file of files) {
      const rel = path.relative(root, file).split(path.sep).join("/");
      const lines = readFileSync(file, "utf8").split("\n");
      lines.forEach((line, i) => {
        if (RULE_COPIES.test(line)) (found[`${rel} (a copy of the rules)`] ??= []).push(`${i + 1}: ${line.trim()}`);
        else if (ROLE.test(line) || STATUS.test(line)) (found[rel] ??= []).push(`${i + 1}: ${line.trim()}`);
      });
    }
    const unexpected = Object.entries(found).filter(([rel, hits]) => ALLOWED[rel]?.lines !== hits.length);
    expect(unexpected, "role/status comparisons outside the list (use allowed_actions/editable_fields)").toEqual([]);
  });

  it("the check catches a copy of the rules", () => {
    expect(STATUS.test(`if (s === "resolved") actions.push("rate")`)).toBe(false); // s is not named status
    expect(STATUS.test(`ticket.status === "closed" && <RateForm />`)).toBe(true);
    expect(STATUS.test(`["closed", "rejected"].includes(ticket.status)`)).toBe(true);
    expect(ROLE.test(`user?.role === "admin"`)).toBe(true);
    expect(ROLE.test(`"moderator" === user.role`)).toBe(true);
    expect(RULE_COPIES.test(`import { availableActions } from "@/lib/rbac";`)).toBe(true);
  });
});
