import { beforeEach, describe, expect, it, vi } from "vitest";

// The operations page's API calls: which dead letters a view lists, replay, and Flower's session.
const calls: { method: string; url: string; params?: Record<string, string> }[] = [];
vi.mock("@/services/api/axiosClient", () => ({
  api: {
    get: async (url: string, config?: { params?: Record<string, string> }) => {
      calls.push({ method: "GET", url, params: config?.params });
      return { data: { items: [], count: 0, next: null } };
    },
    post: async (url: string) => {
      calls.push({ method: "POST", url });
      return { data: url.endsWith("/flower/session") ? { url: "/flower/" } : { id: "d1", replayed_at: "2026-12-04T10:00:00Z" } };
    },
  },
}));

import { deadLetterParams, listDeadLetters, openFlower, replayDeadLetter } from "@/services/api/opsService";
import { ROLE_SECTIONS } from "@/config/permissions";
import { en, translate } from "@/lib/i18n";

describe("dead letters and Flower", () => {
  beforeEach(() => {
    calls.length = 0;
  });

  it("lists not-yet-replayed letters by default and all of them on request", async () => {
    expect(deadLetterParams("pending")).toEqual({ page_size: "50", replayed: "false" });
    expect(deadLetterParams("replayed")).toEqual({ page_size: "50", replayed: "true" });
    expect(deadLetterParams("all")).toEqual({ page_size: "50" });
    await listDeadLetters("pending");
    expect(calls).toEqual([{ method: "GET", url: "/jobs/dead-letters", params: { page_size: "50", replayed: "false" } }]);
    await listDeadLetters("pending", "/api/v1/jobs/dead-letters?page=2&replayed=false");
    expect(calls[1]).toEqual({ method: "GET", url: "/jobs/dead-letters?page=2&replayed=false", params: undefined });
  });

  it("replays one letter by id", async () => {
    const letter = await replayDeadLetter("d1");
    expect(calls).toEqual([{ method: "POST", url: "/jobs/dead-letters/d1/replay" }]);
    expect(letter.replayed_at).toBe("2026-12-04T10:00:00Z");
  });

  it("asks for Flower's session before opening the URL the API gives", async () => {
    const opened: string[] = [];
    await openFlower((url) => opened.push(url));
    expect(calls).toEqual([{ method: "POST", url: "/ops/flower/session" }]);
    expect(opened).toEqual(["/flower/"]);
  });

  it("is an admin section, named in both languages", () => {
    expect(ROLE_SECTIONS.admin).toContain("operations");
    for (const role of ["requestor", "assignee", "moderator"] as const) expect(ROLE_SECTIONS[role]).not.toContain("operations");
    for (const key of Object.keys(en).filter((k) => k.startsWith("ops.") || k === "nav.operations")) {
      expect(translate("ur", key)).not.toBe(translate("en", key));
    }
  });
});
