import { messagePayload, ticketPayload } from "./fixtures";
import { describe, expect, it } from "vitest";
import { QueryClient } from "@tanstack/react-query";
import { applyPresence, toPresenceChange, type PresenceChange, handleRoomFrame, mergeMessages } from "@/services/socket/eventHandlers";
import { queryKeys } from "@/services/api/queryKeys";
import type { ChatMessage } from "@/types/chat";
import type { Ticket } from "@/types/ticket";

const msg = (over: Partial<ChatMessage>): ChatMessage => ({
  id: "m1",
  ticket_id: "t",
  author_id: "u",
  body: "hi",
  client_id: null,
  created_at: "2025-01-01T10:00:00Z",
  edited_at: null,
  ...over,
});

describe("mergeMessages", () => {
  it("replaces the pending copy with the server's message of the same client_id", () => {
    const pending = msg({ id: "", client_id: "c1", pending: true, created_at: "2025-01-01T10:00:05Z" });
    const confirmed = msg({ id: "m9", client_id: "c1", seq: 3 });
    const merged = mergeMessages([pending], [confirmed]);
    expect(merged).toHaveLength(1);
    expect(merged[0]).toMatchObject({ id: "m9", pending: false });
  });

  it("ignores repeats (reconnect catch-up, resends) and keeps room order", () => {
    const a = msg({ id: "a", seq: 1 });
    const b = msg({ id: "b", seq: 2, client_id: "x" });
    const c = msg({ id: "c", seq: 3 });
    const merged = mergeMessages([c, a], [b, a, c, b]);
    expect(merged.map((m) => m.id)).toEqual(["a", "b", "c"]);
  });

  it("applies an edit that carries no client_id to the message sent with one", () => {
    const original = msg({ id: "a", client_id: "x", body: "old" });
    const edited = msg({ id: "a", client_id: null, body: "new", edited_at: "2025-01-01T11:00:00Z" });
    const merged = mergeMessages([original], [edited]);
    expect(merged).toHaveLength(1);
    expect(merged[0]!.body).toBe("new");
  });

  it("does not let a late pending copy hide a confirmed message", () => {
    const confirmed = msg({ id: "a", client_id: "x" });
    const pending = msg({ id: "", client_id: "x", pending: true });
    expect(mergeMessages([confirmed], [pending])[0]!.pending).toBe(false);
  });
});

describe("room frames", () => {
  it("puts message.new into the room's cache and ticket.updated into the ticket's", () => {
    const qc = new QueryClient();
    handleRoomFrame(qc, "room", { type: "message.new", message: messagePayload() });
    expect(qc.getQueryData<ChatMessage[]>(queryKeys.tickets.messages("room"))).toHaveLength(1);
    qc.setQueryData(queryKeys.tickets.detail("t1"), { id: "t1", version: 3, status: "assigned" } as Ticket);
    handleRoomFrame(qc, "room", { type: "ticket.updated", ticket: ticketPayload({ id: "t1", version: 4, status: "in_progress" }) });
    expect(qc.getQueryData<Ticket>(queryKeys.tickets.detail("t1"))?.status).toBe("in_progress");
    // An older version arriving late does not undo the newer one.
    handleRoomFrame(qc, "room", { type: "ticket.updated", ticket: ticketPayload({ id: "t1", version: 2, status: "assigned" }) });
    expect(qc.getQueryData<Ticket>(queryKeys.tickets.detail("t1"))?.status).toBe("in_progress");
  });

  it("reports presence lists and changes", () => {
    const seen: PresenceChange[] = [];
    const qc = new QueryClient();
    handleRoomFrame(qc, "r", { type: "presence", users: [{ id: "1", full_name: "A" }] }, { onPresence: (c) => seen.push(c) });
    handleRoomFrame(qc, "r", { type: "presence", joined: [], left: [{ id: "1", full_name: "A" }] }, { onPresence: (c) => seen.push(c) });
    expect(seen[0]).toMatchObject({ users: [{ id: "1", full_name: "A" }], joined: [], left: [] });
    expect(seen[1]).toMatchObject({ joined: [], left: [{ id: "1" }] });
    expect(seen[1]!.users).toBeUndefined();
  });
});

describe("presence (docs/realtime.md frames)", () => {
  // Copied from the server: the frame on connect, then a batched change.
  const onConnect = {
    type: "presence",
    users: [
      { id: "a31bda63-4887-4a93-bae7-61b0dc49ecb7", employee_code: "req1", full_name: "Rabia Teacher" },
      { id: "5753c232-e022-4d03-98e3-2acaf0b18f28", employee_code: "it1", full_name: "Imran IT" },
    ],
  };
  const batched = {
    type: "presence",
    joined: [{ id: "1b6eedb8-ad5d-4fe0-b2b1-e9abb5211102", employee_code: "mnt1", full_name: "Kamran Maintenance" }],
    left: [{ id: "5753c232-e022-4d03-98e3-2acaf0b18f28", employee_code: "it1", full_name: "Imran IT" }],
  };

  const names = (room: Record<string, { full_name: string }>) => Object.values(room).map((u) => u.full_name);

  it("replaces the list on connect, then applies joined and left", () => {
    const stale = { id: "stale", full_name: "Someone", state: "viewing" as const, internal: false };
    let room = applyPresence({ stale }, toPresenceChange(onConnect));
    expect(names(room)).toEqual(["Rabia Teacher", "Imran IT"]);
    room = applyPresence(room, toPresenceChange(batched));
    expect(names(room).sort()).toEqual(["Kamran Maintenance", "Rabia Teacher"]);
  });

  it("applies state changes: composing a reply or a note, then viewing again", () => {
    let room = applyPresence({}, toPresenceChange({ ...onConnect, users: onConnect.users.map((u) => ({ ...u, state: "viewing" })) }));
    const imran = onConnect.users[1]!;
    room = applyPresence(room, toPresenceChange({ type: "presence", changed: [{ ...imran, state: "composing", internal: true }] }));
    expect(room[imran.id]).toMatchObject({ state: "composing", internal: true });
    room = applyPresence(room, toPresenceChange({ type: "presence", changed: [{ ...imran, state: "viewing" }] }));
    expect(room[imran.id]).toMatchObject({ state: "viewing", internal: false });
    expect(names(room)).toEqual(["Rabia Teacher", "Imran IT"]);
  });

  it("accepts several users per batch and the older single-object form", () => {
    const many = toPresenceChange({
      type: "presence",
      joined: [
        { id: "x", employee_code: "x1", full_name: "X" },
        { id: "y", employee_code: "y1" },
      ],
      left: [],
    });
    expect(many.joined.map((u) => u.full_name)).toEqual(["X", "y1"]);
    const single = toPresenceChange({ type: "presence", joined: { id: "z", full_name: "Z" } });
    expect(names(applyPresence({}, single))).toEqual(["Z"]);
  });
});
