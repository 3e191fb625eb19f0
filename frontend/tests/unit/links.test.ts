import { describe, expect, it } from "vitest";
import { routes, safeNextPath, ticketViewHref } from "@/config/routes";
import { canOpenSection } from "@/lib/navigation";
import { toNotificationPreferences } from "@/services/api/mappers";
import { ContractError } from "@/services/api/contract";
import type { User } from "@/types/user";

const person = (id: string, role: User["role"]): User =>
  ({ id, role, employee_code: id, full_name: id, email: "", department_id: null, is_approver: false, approver_kind: null }) as User;
const ticket = { id: "t1", requestor_id: "req" };

describe("the one ticket link (/tickets/<id>)", () => {
  it("opens the requestor's view for whoever filed the ticket, whatever their role", () => {
    expect(ticketViewHref(person("req", "requestor"), ticket)).toBe("/requestor/request-detail/t1");
    expect(ticketViewHref(person("req", "assignee"), ticket)).toBe("/assignee/request-detail/t1");
  });
  it("opens the staff view for everyone else", () => {
    expect(ticketViewHref(person("it1", "assignee"), ticket)).toBe("/assignee/task-detail/t1");
    expect(ticketViewHref(person("mod1", "moderator"), ticket)).toBe("/moderator/review/t1");
    expect(ticketViewHref(person("adm", "admin"), ticket)).toBe("/moderator/review/t1");
  });
  it("lives in sections every signed-in role may open", () => {
    for (const role of ["requestor", "moderator", "assignee", "admin"] as const) {
      for (const path of [routes.ticket("t1"), routes.myNotifications(), routes.notificationSettings()]) {
        expect(canOpenSection(person("x", role), path.split("/")[1]!)).toBe(true);
      }
    }
  });
});

describe("returning after sign-in (?next=)", () => {
  it("accepts paths of this app", () => {
    expect(safeNextPath("/tickets/t1")).toBe("/tickets/t1");
    expect(safeNextPath("/settings/notifications?x=1")).toBe("/settings/notifications?x=1");
  });
  it("refuses other origins, the sign-in page itself and nothing", () => {
    for (const bad of ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", "/login", "", null]) {
      expect(safeNextPath(bad)).toBeNull();
    }
  });
});

describe("notification preferences", () => {
  it("keeps the API's choices and refuses a shape the API does not send", () => {
    const rest = { kinds: { message: { in_app: true, email: false } }, digest: "daily", mute_own_actions: true };
    expect(toNotificationPreferences({ email_enabled: false, email_kinds: { message: true, mention: false }, ...rest })).toEqual({
      email_enabled: false,
      email_kinds: { message: true, mention: false },
      ...rest,
    });
    expect(() => toNotificationPreferences({ email_enabled: false, email_kinds: { mention: "yes" }, ...rest })).toThrow(ContractError);
    expect(() => toNotificationPreferences({ email_enabled: false, email_kinds: {}, ...rest, digest: "weekly" })).toThrow(ContractError);
    expect(() => toNotificationPreferences({})).toThrow(ContractError);
  });
});
