/** Issue 13: the approver's Approve in the ticket's action bar, list ages in both languages. */
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { actionBarItems } from "@/components/common/ActionButtons";
import { ageText } from "@/components/common/TicketTable";
import { hiddenText } from "@/components/common/TicketChat";
import { en, translate } from "@/lib/i18n";

describe("issue 13 web details", () => {
  it("offers Approve and Reject on the ticket page when the server allows them", () => {
    expect(actionBarItems({ allowed_actions: ["reject", "approve"], editable_fields: [] })).toEqual(["reject", "approve"]);
    expect(actionBarItems({ allowed_actions: ["message", "rate"], editable_fields: [] })).toEqual([]);
  });

  it("writes a ticket's age in days, hours or minutes, in English and Urdu", () => {
    const now = Date.parse("2026-12-04T12:00:00Z");
    expect(ageText("2026-12-01T11:00:00Z", "en", now)).toBe("3 d");
    expect(ageText("2026-12-04T07:00:00Z", "en", now)).toBe("5 h");
    expect(ageText("2026-12-04T11:48:00Z", "ur", now)).toBe("12 منٹ");
  });

  it("has every new confirmation and list text in Urdu", () => {
    const keys = Object.keys(en).filter((k) => /^(confirm|list|conflict|split|toast|chat\.hidden)/.test(k));
    expect(keys.length).toBeGreaterThan(15);
    for (const key of keys) expect(translate("ur", key), key).not.toBe(translate("en", key));
  });

  it("tells a new participant how many earlier messages are hidden and why, one or many", () => {
    const en1 = hiddenText((k) => translate("en", k), 1);
    expect(en1).toBe("1 earlier message is hidden: you see the chat from when you joined this ticket.");
    expect(hiddenText((k) => translate("en", k), 3)).toMatch(/^3 earlier messages are hidden: .*joined/);
    expect(hiddenText((k) => translate("ur", k), 1)).toContain("1 پیغام");
    expect(hiddenText((k) => translate("ur", k), 3)).toContain("3 پیغامات");
  });

  it("names every kind of audited thing the server records, in English and Urdu", () => {
    const backend = path.resolve(__dirname, "../../../backend/hdms");
    const types = new Set<string>();
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const full = path.join(dir, name);
        if (statSync(full).isDirectory()) {
          if (name !== "tests") walk(full);
        } else if (name.endsWith(".py")) {
          for (const m of readFileSync(full, "utf8").matchAll(/object_type="([a-z_]+)"/g)) types.add(m[1]!);
        }
      }
    };
    walk(backend);
    expect(types.size).toBeGreaterThan(8);
    for (const type of types) {
      const key = `audit.entityName.${type}`;
      expect(translate("en", key), key).not.toBe(key);
      expect(translate("ur", key), key).not.toBe(translate("en", key));
    }
  });
});
