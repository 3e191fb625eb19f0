/**
 * The WebSocket frames (docs/realtime.md), typed from the shared contract docs/realtime.schema.json:
 * tests/unit/realtimeFrames.test.ts checks that these frame types are exactly the schema's, and the
 * backend checks that the server sends exactly those (communication/tests/test_realtime_schema.py).
 * The entities inside frames are the API's generated types (types/api.gen.ts).
 */
import type { components } from "@/types/api.gen";

type Schemas = components["schemas"];
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

export interface UserBrief {
  id: string;
  employee_code: string;
  full_name: string;
}

/** An entry of a presence frame (DESIGN §10): `internal` only reaches note readers. */
export interface PresenceEntry extends UserBrief {
  state: "viewing" | "composing";
  internal?: true;
}

export type ServerFrame =
  | { type: "presence"; users: PresenceEntry[] }
  | { type: "presence"; joined: PresenceEntry[]; left: UserBrief[] }
  | { type: "presence"; changed: PresenceEntry[] }
  | { type: "message.new"; message: Schemas["MessageOut"] }
  | { type: "message.edited"; message: Schemas["MessageOut"] }
  | { type: "typing"; user: UserBrief; internal?: true }
  | { type: "ticket.updated"; ticket: Schemas["TicketOut"] }
  | { type: "subticket.created"; subticket: Schemas["TicketOut"] }
  | { type: "attachment.ready"; attachment: Schemas["AttachmentOut"] }
  | { type: "sync"; messages: Schemas["MessageOut"][]; has_more: boolean }
  | { type: "error"; code: string; detail: string; client_id?: string | null; retry_after?: number; errors?: Record<string, unknown>[] }
  | { type: "notifications.unread"; unread: number }
  | { type: "notification.new"; notification: Schemas["NotificationOut"]; unread: number }
  | { type: "notification.read"; unread: number; ids?: string[]; all?: true };

export type ClientFrame =
  | { type: "message.send"; client_id: string; body: string; attachment_ids?: string[]; internal?: boolean }
  | { type: "typing"; internal?: boolean; stopped?: boolean }
  | { type: "sync"; after: string | null };

export const SERVER_FRAME_TYPES = [
  "presence", "message.new", "message.edited", "typing", "ticket.updated", "subticket.created", "attachment.ready",
  "sync", "error", "notifications.unread", "notification.new", "notification.read",
] as const satisfies readonly ServerFrame["type"][];
export const CLIENT_FRAME_TYPES = ["message.send", "typing", "sync"] as const satisfies readonly ClientFrame["type"][];
const serverTypesComplete: Same<(typeof SERVER_FRAME_TYPES)[number], ServerFrame["type"]> = true;
const clientTypesComplete: Same<(typeof CLIENT_FRAME_TYPES)[number], ClientFrame["type"]> = true;
void serverTypesComplete;
void clientTypesComplete;
