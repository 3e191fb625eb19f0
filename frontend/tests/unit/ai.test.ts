import { describe, expect, it } from "vitest";
import { routingFeedback } from "@/hooks/useAi";
import { toTicket } from "@/services/api/mappers";
import { en, translate } from "@/lib/i18n";
import { ROLE_SECTIONS } from "@/config/permissions";
import { ticketPayload } from "./fixtures";

const suggestion = {
  departments: [
    { department_id: "it", probability: 0.81 },
    { department_id: "mnt", probability: 0.12 },
  ],
  accepted: null,
  chosen_department_id: null,
};

describe("feedback after routing (DESIGN §12)", () => {
  it("routing to a suggested department accepts it, elsewhere overrides it", () => {
    expect(routingFeedback(suggestion, ["it"])).toEqual({ accepted: true, chosen_department_id: "it" });
    expect(routingFeedback(suggestion, ["mnt"])).toEqual({ accepted: true, chosen_department_id: "mnt" });
    expect(routingFeedback(suggestion, ["fin"])).toEqual({ accepted: false, chosen_department_id: "fin" });
  });
  it("a split counts the first suggested department among its sub-tickets'", () => {
    expect(routingFeedback(suggestion, ["fin", "mnt"])).toEqual({ accepted: true, chosen_department_id: "mnt" });
  });
  it("the same answer again, or no department, says nothing", () => {
    expect(routingFeedback({ ...suggestion, accepted: true, chosen_department_id: "it" }, ["it"])).toBeNull();
    expect(routingFeedback(suggestion, [])).toBeNull();
  });
});

describe("SLA risk is rendered as the server sends it", () => {
  it("maps the risk and refuses a level the server does not have", () => {
    expect(toTicket(ticketPayload({ sla_risk: { probability: 0.72, level: "high" } })).sla_risk).toEqual({ probability: 0.72, level: "high" });
    expect(toTicket(ticketPayload()).sla_risk).toBeNull();
    expect(() => toTicket(ticketPayload({ sla_risk: { probability: 0.72, level: "extreme" as "high" } }))).toThrow();
  });
  it("the models page is an admin section with its name in both languages", () => {
    expect(ROLE_SECTIONS.admin).toContain("models");
    for (const role of ["requestor", "assignee", "moderator"] as const) expect(ROLE_SECTIONS[role]).not.toContain("models");
    for (const key of Object.keys(en).filter((k) => k.startsWith("ai.") || k.startsWith("risk."))) {
      expect(translate("ur", key as keyof typeof en)).not.toBe(en[key as keyof typeof en]);
    }
  });
});
