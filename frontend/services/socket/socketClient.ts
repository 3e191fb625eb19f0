import { wsOrigin } from "@/config/env";
import { SOCKET_CLOSE } from "@/config/socketEvents";
import { SERVER_FRAME_TYPES } from "@/types/realtime";
import { contractBroken } from "@/services/api/contract";

export type SocketStatus = "connecting" | "open" | "closed";
/** Why the server ended the socket for good (close 4403 / 4404). */
export type SocketEnd = "access_lost" | "ticket_gone";
export type SocketFrame = { type: string } & Record<string, unknown>;

export interface SocketOptions {
  path: string;
  getToken: () => Promise<string | null>;
  /** Called after a handshake failure that may be an expired token, and on close 4401. */
  onAuthFailure?: () => Promise<unknown>;
  /** The server ended the socket for good (4403, 4404): it is not reopened. */
  onEnded?: (reason: SocketEnd) => void;
  onFrame: (frame: SocketFrame) => void;
  onStatus?: (status: SocketStatus) => void;
  /** Every open after the first: time to catch up on what was missed. */
  onReconnect?: () => void;
  onOpen?: () => void;
}

/**
 * A WebSocket to the API origin that authenticates with the `bearer` subprotocol (DESIGN §5) and
 * reconnects with backoff. Catch-up after a reconnect is the caller's (re-read over HTTP).
 * Server closes: 4401 refreshes the token and reconnects; 4403 and 4404 stop for good.
 */
export class ReconnectingSocket {
  private ws: WebSocket | null = null;
  private attempts = 0;
  private opened = false;
  private stopped = false;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly options: SocketOptions) {}

  start() {
    this.stopped = false;
    void this.connect();
  }

  stop() {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.ws?.close(1000);
    this.ws = null;
  }

  get isOpen() {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  send(frame: SocketFrame): boolean {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  private async connect() {
    if (this.stopped) return;
    this.options.onStatus?.("connecting");
    let token: string | null = null;
    try {
      token = await this.options.getToken();
    } catch {
      token = null;
    }
    if (this.stopped) return;
    if (!token) {
      this.scheduleReconnect();
      return;
    }
    const ws = new WebSocket(`${wsOrigin()}${this.options.path}`, ["bearer", token]);
    this.ws = ws;
    let didOpen = false;
    ws.onopen = () => {
      didOpen = true;
      this.attempts = 0;
      this.options.onStatus?.("open");
      this.options.onOpen?.();
      if (this.opened) this.options.onReconnect?.();
      this.opened = true;
    };
    ws.onmessage = (event) => {
      let frame: SocketFrame;
      try {
        frame = JSON.parse(String(event.data)) as SocketFrame;
      } catch {
        return; // Not JSON: ignore rather than break the room.
      }
      if (!frame || typeof frame.type !== "string") return;
      // A frame type outside docs/realtime.schema.json is a contract drift: loud in dev and tests.
      if (!(SERVER_FRAME_TYPES as readonly string[]).includes(frame.type)) contractBroken(`unknown WebSocket frame type ${frame.type}`);
      this.options.onFrame(frame);
    };
    ws.onclose = (event: CloseEvent) => {
      if (this.ws === ws) this.ws = null;
      this.options.onStatus?.("closed");
      if (this.stopped) return;
      if (event.code === SOCKET_CLOSE.accessLost || event.code === SOCKET_CLOSE.ticketGone) {
        this.stopped = true; // a new handshake would be refused as well
        this.options.onEnded?.(event.code === SOCKET_CLOSE.ticketGone ? "ticket_gone" : "access_lost");
        return;
      }
      if (event.code === SOCKET_CLOSE.tokenInvalid) {
        this.attempts = 0;
        const refreshed = this.options.onAuthFailure?.() ?? Promise.resolve();
        void refreshed.catch(() => undefined).finally(() => this.scheduleReconnect());
        return;
      }
      if (!didOpen && this.options.onAuthFailure && this.attempts >= 1) {
        void this.options.onAuthFailure().catch(() => undefined).finally(() => this.scheduleReconnect());
        return;
      }
      this.scheduleReconnect();
    };
  }

  private scheduleReconnect() {
    if (this.stopped) return;
    this.attempts += 1;
    const delay = Math.min(15_000, 500 * 2 ** Math.min(this.attempts, 5)) + Math.random() * 300;
    this.timer = setTimeout(() => void this.connect(), delay);
  }
}
