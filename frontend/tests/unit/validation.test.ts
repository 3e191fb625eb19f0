import { describe, expect, it } from "vitest";
import { checkUploadFile, newTicketSchema, splitSchema, postponeSchema, ratingSchema } from "@/lib/validation";

describe("new request form", () => {
  it("accepts a complete request", () => {
    const r = newTicketSchema.safeParse({ title: "Projector broken", description: "Room 4 projector shows no picture", priority: "high", amount: "" });
    expect(r.success).toBe(true);
  });
  it("refuses a short title and a malformed amount", () => {
    const r = newTicketSchema.safeParse({ title: "x", description: "long enough", priority: "low", amount: "12,000" });
    expect(r.success).toBe(false);
    const fields = r.error!.issues.map((i) => i.path[0]);
    expect(fields).toContain("title");
    expect(fields).toContain("amount");
  });
});

describe("split form", () => {
  const row = (d: string) => ({ department_id: d, assignee_id: `a-${d}`, title: "" });
  it("needs two departments or more, each once", () => {
    expect(splitSchema.safeParse({ items: [row("it"), row("mnt")] }).success).toBe(true);
    expect(splitSchema.safeParse({ items: [row("it")] }).success).toBe(false);
    expect(splitSchema.safeParse({ items: [row("it"), row("it")] }).success).toBe(false);
  });
});

describe("other forms", () => {
  it("postpone needs a reason and a date", () => {
    expect(postponeSchema.safeParse({ reason: "waiting for parts", until: "2999-01-01" }).success).toBe(true);
    expect(postponeSchema.safeParse({ reason: "", until: "" }).success).toBe(false);
  });
  it("rating is 1 to 5", () => {
    expect(ratingSchema.safeParse({ score: "5" }).success).toBe(true);
    expect(ratingSchema.safeParse({ score: 0 }).success).toBe(false);
  });
});

describe("upload check", () => {
  it("refuses files over 250 MB and types off the allow list, before sending", () => {
    expect(checkUploadFile({ name: "report.pdf", size: 1024 })).toBeNull();
    expect(checkUploadFile({ name: "video.MP4", size: 250 * 1024 * 1024 })).toBeNull();
    expect(checkUploadFile({ name: "video.mp4", size: 250 * 1024 * 1024 + 1 })).toBe("too_large");
    expect(checkUploadFile({ name: "tool.exe", size: 10 })).toBe("bad_type");
  });
});
