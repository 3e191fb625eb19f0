import { describe, expect, it } from "vitest";
import { directionFor, en, translate } from "@/lib/i18n";
import { availableActions, canOpenSection } from "@/lib/rbac";
import { useUiStore } from "@/store/uiStore";
import type { Ticket } from "@/types/ticket";
import type { User } from "@/types/user";

describe("language", () => {
  it("lays Urdu out right to left and English left to right", () => {
    expect(directionFor("ur")).toBe("rtl");
    expect(directionFor("en")).toBe("ltr");
  });
  it("translates, falling back to English then to the key", () => {
    expect(translate("ur", "auth.signIn")).toBe("سائن ان");
    expect(translate("ur", "charts.volume")).toBe("ٹکٹوں کی تعداد");
    expect(translate("en", "no.such.key")).toBe("no.such.key");
  });
  it("has an Urdu text for every English one", () => {
    const missing = Object.keys(en).filter((key) => translate("ur", key) === translate("en", key) && !/^(day|attachment\.types)/.test(key));
    expect(missing.filter((k) => !["common.export"].includes(k))).toEqual([]);
  });
  it("keeps the chosen language in the UI store", () => {
    useUiStore.getState().setLocale("ur");
    expect(useUiStore.getState().locale).toBe("ur");
    useUiStore.getState().setLocale("en");
  });
});

const user = (over: Partial<User>): User => ({
  id: "u1", employee_code: "x", full_name: "X", email: "", role: "requestor", department_id: null,
  is_approver: false, approver_kind: null, ...over,
});
const ticket = (over: Partial<Ticket>): Ticket => ({
  id: "t", number: "T-1", title: "t", description: "d", status: "submitted", priority: "medium", department_id: null,
  requestor_id: "u1", assignee_id: null, parent_id: null, version: 1, created_at: "", updated_at: "", category: null,
  amount: null, sla: null, subtickets_progress: null, rating: null, room_id: "t", ...over,
});

describe("actions offered per role and state", () => {
  it("offers the requestor confirm, reopen and rating on a resolved ticket", () => {
    expect(availableActions(ticket({ status: "resolved" }), user({}))).toEqual(expect.arrayContaining(["close", "reopen", "rate"]));
  });
  it("offers the moderator triage on a submitted ticket, split only on a parent", () => {
    const mod = user({ id: "m", role: "moderator" });
    expect(availableActions(ticket({ status: "submitted" }), mod)).toEqual(expect.arrayContaining(["assign", "reject", "request_approval", "split"]));
    expect(availableActions(ticket({ status: "approved", parent_id: "p" }), mod)).not.toContain("split");
  });
  it("offers the assignee the work transitions", () => {
    const it1 = user({ id: "a", role: "assignee" });
    expect(availableActions(ticket({ status: "assigned", assignee_id: "a" }), it1)).toContain("start");
    expect(availableActions(ticket({ status: "in_progress", assignee_id: "a" }), it1)).toEqual(expect.arrayContaining(["postpone", "resolve"]));
    expect(availableActions(ticket({ status: "in_progress", assignee_id: "other" }), it1)).toEqual([]);
  });
  it("keeps sections to their roles", () => {
    expect(canOpenSection(user({ role: "admin" }), "moderator")).toBe(true);
    expect(canOpenSection(user({ role: "requestor" }), "admin")).toBe(false);
    expect(canOpenSection(user({ role: "requestor" }), "requestor")).toBe(true);
  });
});
