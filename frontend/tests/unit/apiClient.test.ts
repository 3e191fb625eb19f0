import { describe, expect, it, vi } from "vitest";
import { AxiosError, AxiosHeaders, type AxiosAdapter, type InternalAxiosRequestConfig } from "axios";
import { createApiClient, type TokenSource } from "@/services/api/createApiClient";
import { createRefreshQueue } from "@/services/api/refreshQueue";

function respond(config: InternalAxiosRequestConfig, status: number, data: unknown) {
  const response = { data, status, statusText: String(status), headers: {}, config };
  if (status >= 400) {
    return Promise.reject(new AxiosError(`status ${status}`, undefined, config, undefined, response));
  }
  return Promise.resolve(response);
}

function tokens(initial: { access: string; refresh: string }, onExpired: () => Promise<string> = () => Promise.reject(new Error("expired"))) {
  const state = { ...initial };
  const source: TokenSource = {
    getAccess: () => state.access,
    getRefresh: () => state.refresh,
    setTokens: (access, refresh) => {
      state.access = access;
      state.refresh = refresh;
    },
    onSessionExpired: onExpired,
  };
  return { state, source };
}

/** A fake API: access tokens `a<N>` are valid only for the latest N; refresh `r<N>` rotates to N+1. */
function fakeApi() {
  let generation = 1;
  const refreshCalls: string[] = [];
  const adapter: AxiosAdapter = async (config) => {
    const auth = AxiosHeaders.from(config.headers).get("Authorization");
    if (config.url === "/auth/refresh") {
      const { refresh } = JSON.parse(String(config.data)) as { refresh: string };
      refreshCalls.push(refresh);
      if (refresh !== `r${generation}`) return respond(config, 401, { detail: "dead", code: "token_invalid" });
      await new Promise((r) => setTimeout(r, 20));
      generation += 1;
      return respond(config, 200, { access: `a${generation}`, refresh: `r${generation}` });
    }
    if (auth !== `Bearer a${generation}`) return respond(config, 401, { detail: "expired", code: "token_invalid" });
    return respond(config, 200, { ok: true, url: config.url });
  };
  return { adapter, refreshCalls, expire: () => (generation += 0), bump: () => (generation += 1), get generation() { return generation; } };
}

describe("refresh queue", () => {
  it("runs one refresh for concurrent callers and shares its result", async () => {
    const doRefresh = vi.fn(async () => {
      await new Promise((r) => setTimeout(r, 10));
      return "new-token";
    });
    const queue = createRefreshQueue(doRefresh);
    const results = await Promise.all([queue.refresh(), queue.refresh(), queue.refresh()]);
    expect(results).toEqual(["new-token", "new-token", "new-token"]);
    expect(doRefresh).toHaveBeenCalledTimes(1);
    expect(queue.inFlight).toBe(false);
  });

  it("starts a new refresh after the previous one settled", async () => {
    let n = 0;
    const queue = createRefreshQueue(async () => `t${++n}`);
    expect(await queue.refresh()).toBe("t1");
    expect(await queue.refresh()).toBe("t2");
  });

  it("lets every waiter see a failed refresh", async () => {
    const queue = createRefreshQueue(async () => {
      throw new Error("nope");
    });
    await expect(Promise.all([queue.refresh(), queue.refresh()])).rejects.toThrow("nope");
    expect(queue.inFlight).toBe(false);
  });
});

describe("auth interceptor", () => {
  it("refreshes once for many concurrent 401s, rotating the refresh token, then retries them all", async () => {
    const api = fakeApi();
    const { state, source } = tokens({ access: "stale", refresh: "r1" });
    const { client } = createApiClient("http://api.test/api/v1", source, { adapter: api.adapter });
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => client.get(`/tickets/${i}`)));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(api.refreshCalls).toEqual(["r1"]);
    expect(state).toEqual({ access: "a2", refresh: "r2" });
  });

  it("retries with the newer token without refreshing when another request already refreshed", async () => {
    const api = fakeApi();
    const { source } = tokens({ access: "a1", refresh: "r1" });
    const { client, refreshAccess } = createApiClient("http://api.test/api/v1", source, { adapter: api.adapter });
    // Rotate first; a request still carrying a1 must not spend r2.
    await refreshAccess();
    const adapterSpy = vi.fn(api.adapter);
    const { client: sameTokens } = createApiClient("http://api.test/api/v1", {
      ...source,
      // Simulates a request that left with the old token just before the rotation.
      getAccess: (() => {
        let first = true;
        return () => {
          if (first) {
            first = false;
            return "a1";
          }
          return source.getAccess();
        };
      })(),
    }, { adapter: adapterSpy });
    const response = await sameTokens.get("/tickets");
    expect(response.status).toBe(200);
    expect(api.refreshCalls).toEqual(["r1"]);
    void client;
  });

  it("asks the user to sign in again when the refresh token is dead, then retries the request", async () => {
    const api = fakeApi();
    const onExpired = vi.fn(async () => {
      // The sign-in dialog succeeds with a fresh pair from the server.
      api.bump();
      state.access = `a${api.generation}`;
      state.refresh = `r${api.generation}`;
      return state.access;
    });
    const { state, source } = tokens({ access: "stale", refresh: "dead" }, onExpired);
    const { client } = createApiClient("http://api.test/api/v1", source, { adapter: api.adapter });
    const response = await client.post("/tickets", { title: "typed text survives" });
    expect(response.status).toBe(200);
    expect(onExpired).toHaveBeenCalledTimes(1);
  });

  it("does not try to refresh for a failed sign-in", async () => {
    const adapter: AxiosAdapter = (config) => respond(config, 401, { detail: "Wrong employee code or password.", code: "not_authenticated" });
    const onExpired = vi.fn(() => Promise.resolve("x"));
    const { source } = tokens({ access: "", refresh: "" }, onExpired);
    const { client } = createApiClient("http://api.test/api/v1", source, { adapter });
    await expect(client.post("/auth/login", {})).rejects.toBeInstanceOf(AxiosError);
    expect(onExpired).not.toHaveBeenCalled();
  });
});
