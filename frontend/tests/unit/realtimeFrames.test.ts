/**
 * The web app's WebSocket frame types are the shared contract's (docs/realtime.schema.json), which the
 * backend checks against what its consumers send (communication/tests/test_realtime_schema.py).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { CLIENT_FRAME_TYPES, SERVER_FRAME_TYPES } from "@/types/realtime";
import { SOCKET_EVENTS } from "@/config/socketEvents";
import { ReconnectingSocket } from "@/services/socket/socketClient";
import { ContractError } from "@/services/api/contract";
import { toMessage, toTicket } from "@/services/api/mappers";
import { messagePayload, ticketPayload } from "./fixtures";

type Def = { properties?: { type?: { const?: string } }; oneOf?: { $ref: string }[]; required?: string[] };
const schema = JSON.parse(readFileSync(path.resolve(__dirname, "../../../docs/realtime.schema.json"), "utf8")) as {
  $defs: Record<string, Def>;
};
const consts = (union: string) =>
  schema.$defs[union]!.oneOf!.map((ref) => schema.$defs[ref.$ref.split("/").pop()!]!.properties!.type!.const!);

describe("WebSocket frames", () => {
  it("the frame types are exactly the schema's", () => {
    expect([...new Set(consts("ServerFrame"))].sort()).toEqual([...SERVER_FRAME_TYPES].sort());
    expect(consts("ClientFrame").sort()).toEqual([...CLIENT_FRAME_TYPES].sort());
  });

  it("every frame name the app uses is in the contract", () => {
    const known = new Set<string>([...SERVER_FRAME_TYPES, ...CLIENT_FRAME_TYPES]);
    expect(Object.values(SOCKET_EVENTS).filter((name) => !known.has(name))).toEqual([]);
  });

  it("the entities frames carry are what the mappers read", () => {
    const required = (name: string) => [...schema.$defs[name]!.required!].sort();
    expect(required("Message")).toEqual(Object.keys(messagePayload()).sort());
    expect(required("Ticket")).toEqual(Object.keys(ticketPayload()).sort());
    expect(() => toMessage(messagePayload())).not.toThrow();
    expect(() => toTicket(ticketPayload())).not.toThrow();
  });

  it("a frame type outside the contract fails loudly", async () => {
    const opened: { onmessage: ((e: { data: string }) => void) | null }[] = [];
    class FakeSocket {
      onopen: (() => void) | null = null;
      onmessage: ((e: { data: string }) => void) | null = null;
      onclose: (() => void) | null = null;
      constructor() {
        opened.push(this);
      }
      send() {}
      close() {}
    }
    vi.stubGlobal("WebSocket", FakeSocket);
    try {
      const seen: string[] = [];
      const socket = new ReconnectingSocket({
        path: "/ws/chat/x/", getToken: async () => "t", onAuthFailure: async () => undefined, onEnded: () => undefined,
        onFrame: (f) => seen.push(f.type),
      });
      socket.start();
      await vi.waitFor(() => expect(opened).toHaveLength(1));
      const ws = opened[0]!;
      ws.onmessage!({ data: JSON.stringify({ type: "typing", user: { id: "u", employee_code: "u", full_name: "U" } }) });
      expect(seen).toEqual(["typing"]);
      expect(() => ws.onmessage!({ data: JSON.stringify({ type: "ticket.changed" }) })).toThrow(ContractError);
      expect(seen).toEqual(["typing"]);
      socket.stop();
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
