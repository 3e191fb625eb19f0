import { describe, expect, it } from "vitest";
import { directionFor, en, translate } from "@/lib/i18n";
import { canOpenSection } from "@/lib/navigation";
import { useUiStore } from "@/store/uiStore";
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

describe("sections (navigation only; ticket actions come from the server)", () => {
  it("keeps sections to their roles", () => {
    expect(canOpenSection(user({ role: "admin" }), "moderator")).toBe(true);
    expect(canOpenSection(user({ role: "requestor" }), "admin")).toBe(false);
    expect(canOpenSection(user({ role: "requestor" }), "requestor")).toBe(true);
  });
});
