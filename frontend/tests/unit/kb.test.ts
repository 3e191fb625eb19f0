import { describe, expect, it } from "vitest";
import { articleLinkText, localised } from "@/services/api/kbService";
import { canOpenSection } from "@/lib/navigation";
import { ROLE_SECTIONS } from "@/config/permissions";
import type { User } from "@/types/user";

const article = { id: "a1", title_en: "Printer not working", title_ur: "پرنٹر کام نہیں کر رہا", body_en: "<p>Restart</p>", body_ur: "" };

describe("knowledge base in the web app", () => {
  it("shows an article in the reader's language, English where there is no Urdu", () => {
    expect(localised(article, "ur")).toEqual({ title: "پرنٹر کام نہیں کر رہا", body: "<p>Restart</p>" });
    expect(localised(article, "en").title).toBe("Printer not working");
  });

  it("puts both titles and the article's address on this desk into an agent's reply", () => {
    expect(articleLinkText(article, "https://desk.example")).toBe(
      "Printer not working / پرنٹر کام نہیں کر رہا: https://desk.example/kb/a1",
    );
    expect(articleLinkText({ ...article, title_ur: "" }, "https://desk.example")).toBe("Printer not working: https://desk.example/kb/a1");
  });

  it("is a section every role lists and opens", () => {
    for (const role of ["requestor", "assignee", "moderator", "admin"] as const) {
      expect(ROLE_SECTIONS[role]).toContain("kb");
      expect(canOpenSection({ role } as User, "kb")).toBe(true);
    }
  });
});
