import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ReconnectingSocket, type SocketEnd } from "@/services/socket/socketClient";
import { SOCKET_CLOSE } from "@/config/socketEvents";

/** A stand-in for the browser's WebSocket: records each socket the client opens. */
class FakeSocket {
  static OPEN = 1;
  static opened: FakeSocket[] = [];
  readyState = 0;
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  constructor(
    public url: string,
    public protocols: string[],
  ) {
    FakeSocket.opened.push(this);
  }
  open() {
    this.readyState = FakeSocket.OPEN;
    this.onopen?.();
  }
  serverClose(code: number) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
  send() {}
  close() {}
}

function client(overrides: Partial<ConstructorParameters<typeof ReconnectingSocket>[0]> = {}) {
  const ended: SocketEnd[] = [];
  const onAuthFailure = vi.fn(async () => undefined);
  const socket = new ReconnectingSocket({
    path: "/ws/chat/t1/",
    getToken: async () => "token",
    onAuthFailure,
    onEnded: (reason) => ended.push(reason),
    onFrame: () => undefined,
    ...overrides,
  });
  return { socket, ended, onAuthFailure };
}

async function opened() {
  await vi.advanceTimersByTimeAsync(0);
  const ws = FakeSocket.opened.at(-1)!;
  ws.open();
  return ws;
}

describe("ReconnectingSocket and the server's close codes", () => {
  beforeEach(() => {
    FakeSocket.opened = [];
    vi.useFakeTimers();
    vi.stubGlobal("WebSocket", FakeSocket);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it("refreshes the token and reconnects after 4401 (token expired)", async () => {
    const { socket, onAuthFailure, ended } = client();
    socket.start();
    (await opened()).serverClose(SOCKET_CLOSE.tokenInvalid);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(onAuthFailure).toHaveBeenCalledTimes(1);
    expect(FakeSocket.opened).toHaveLength(2);
    expect(ended).toEqual([]);
    socket.stop();
  });

  it.each([
    [SOCKET_CLOSE.accessLost, "access_lost"],
    [SOCKET_CLOSE.ticketGone, "ticket_gone"],
  ])("stops for good after %i and says why", async (code, reason) => {
    const { socket, onAuthFailure, ended } = client();
    socket.start();
    (await opened()).serverClose(code);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(ended).toEqual([reason]);
    expect(FakeSocket.opened).toHaveLength(1);
    expect(onAuthFailure).not.toHaveBeenCalled();
  });

  it("reconnects after an ordinary drop without refreshing the token", async () => {
    const { socket, onAuthFailure, ended } = client();
    socket.start();
    (await opened()).serverClose(1006);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(FakeSocket.opened).toHaveLength(2);
    expect(onAuthFailure).not.toHaveBeenCalled();
    expect(ended).toEqual([]);
    socket.stop();
  });
});
