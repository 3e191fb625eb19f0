import { AxiosError, AxiosHeaders, type AxiosResponse } from "axios";
import { beforeEach, describe, expect, it, vi } from "vitest";

// Idempotency-Key per user intent (DESIGN §9, issue 10 item 13): one key for every retry of one
// intent, a new key for a new intent, and a new request whose upload failed retried without a
// second ticket.
const calls: { url: string; key: string | undefined }[] = [];
const failures: unknown[] = [];
const { ticketPayload } = await vi.hoisted(async () => import("./fixtures"));
vi.mock("@/services/api/axiosClient", () => ({
  api: {
    post: async (url: string, _body: unknown, config?: { headers?: Record<string, string> }) => {
      calls.push({ url, key: config?.headers?.["Idempotency-Key"] });
      const failure = failures.shift();
      if (failure) throw failure;
      return { data: { ...ticketPayload({ id: "t1", number: "HD-1", title: "x", status: "draft", version: 1 }), ticket_id: "t1" } };
    },
  },
}));

import { createTicket, runTicketAction } from "@/services/api/ticketService";
import { isRetriable } from "@/services/api/idempotency";
import { fileRequest, loadIntent, newRequestIntent, saveIntent, uploadKeyFor } from "@/lib/newRequestFlow";
import type { NewTicketInput, Ticket } from "@/types/ticket";

const noWait = { sleep: async () => undefined };

function lostAnswer(): AxiosError {
  return new AxiosError("Network Error", "ERR_NETWORK");
}

function answered(status: number): AxiosError {
  const response = { status, data: { code: "x" }, headers: {}, config: { headers: new AxiosHeaders() } } as AxiosResponse;
  return new AxiosError(`Request failed with status code ${status}`, "ERR_BAD_RESPONSE", undefined, undefined, response);
}

describe("Idempotency-Key on writes", () => {
  beforeEach(() => {
    calls.length = 0;
    failures.length = 0;
  });

  it("retries a lost answer and a 503 with the same key", async () => {
    failures.push(lostAnswer(), answered(503));
    const ticket = await createTicket({ title: "Printer", description: "" }, undefined, noWait);
    expect(ticket.id).toBe("t1");
    expect(calls).toHaveLength(3);
    expect(new Set(calls.map((c) => c.key)).size).toBe(1);
    expect(calls[0]!.key).toMatch(/.{8,}/);
  });

  it("gives each intent its own key", async () => {
    await createTicket({ title: "One", description: "" });
    await createTicket({ title: "Two", description: "" });
    await runTicketAction("t1", "start", 3);
    expect(new Set(calls.map((c) => c.key)).size).toBe(3);
  });

  it("does not retry an answer that says the request is wrong", async () => {
    failures.push(answered(422));
    await expect(createTicket({ title: "", description: "" }, "k1", noWait)).rejects.toBeInstanceOf(AxiosError);
    expect(calls).toHaveLength(1);
    expect(isRetriable(answered(409))).toBe(false);
    expect(isRetriable(answered(504))).toBe(true);
  });

  it("gives up after the attempts and keeps the key for the user's own retry", async () => {
    failures.push(answered(503), answered(503), answered(503));
    await expect(createTicket({ title: "A", description: "" }, "intent-1", noWait)).rejects.toBeInstanceOf(AxiosError);
    await createTicket({ title: "A", description: "" }, "intent-1", noWait);
    expect(calls.map((c) => c.key)).toEqual(["intent-1", "intent-1", "intent-1", "intent-1"]);
  });
});

describe("filing a new request when an upload fails", () => {
  beforeEach(() => localStorage.clear());

  const ticket = (status: string, version = 1) => ({ id: "t9", version, status }) as Ticket;

  it("creates the ticket once and retries only the failed upload, with the same keys", async () => {
    const intent = newRequestIntent();
    const create = vi.fn<(input: NewTicketInput, key: string) => Promise<Ticket>>(async () => ticket("draft"));
    const submitDraft = vi.fn(async () => ticket("submitted", 2));
    const sent: { file: string; key: string }[] = [];
    const stored = new Set<string>();
    let failNext = true;
    const uploadPending = vi.fn(async () => {
      for (const file of ["a.pdf", "b.pdf"]) {
        if (stored.has(file)) continue;
        sent.push({ file, key: uploadKeyFor(intent, file) });
        if (file === "b.pdf" && failNext) {
          failNext = false;
          return false;
        }
        stored.add(file);
      }
      return true;
    });
    const steps = { create, uploadPending, submitDraft, remember: (i: typeof intent) => saveIntent("draft", i) };

    const first = await fileRequest(intent, { title: "Broken door", description: "" }, true, true, steps);
    expect(first.filed).toBe(false);
    const again = await fileRequest(intent, { title: "Broken door", description: "" }, true, true, steps);
    expect(again.filed).toBe(true);

    expect(create).toHaveBeenCalledTimes(1);
    expect(create.mock.calls[0]![0]).toMatchObject({ submit: false }); // filed as a draft until its files are in
    expect(create.mock.calls[0]![1]).toBe(intent.createKey);
    expect(sent.map((s) => s.file)).toEqual(["a.pdf", "b.pdf", "b.pdf"]);
    expect(sent[1]!.key).toBe(sent[2]!.key);
    expect(sent[0]!.key).not.toBe(sent[1]!.key);
    expect(submitDraft).toHaveBeenCalledWith({ id: "t9", version: 1, status: "draft" }, intent.submitKey);
    expect(again.ticket.status).toBe("submitted");
  });

  it("after a reload the remembered ticket is used, not created again", async () => {
    const intent = newRequestIntent();
    const steps = {
      create: vi.fn(async () => ticket("draft")),
      uploadPending: vi.fn(async () => false),
      submitDraft: vi.fn(async () => ticket("submitted", 2)),
      remember: (i: typeof intent) => saveIntent("draft", i),
    };
    await fileRequest(intent, { title: "Leak", description: "" }, true, true, steps);
    const reloaded = loadIntent("draft");
    expect(reloaded.createKey).toBe(intent.createKey);
    steps.uploadPending.mockResolvedValue(true);
    const done = await fileRequest(reloaded, { title: "Leak", description: "" }, true, true, steps);
    expect(done.filed).toBe(true);
    expect(steps.create).toHaveBeenCalledTimes(1);
  });
});
