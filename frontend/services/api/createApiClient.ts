import axios, { type AxiosAdapter, type AxiosInstance, type InternalAxiosRequestConfig, type AxiosError } from "axios";
import { createRefreshQueue } from "./refreshQueue";

export interface TokenSource {
  getAccess(): string | null;
  getRefresh(): string | null;
  setTokens(access: string, refresh: string): void;
  /** Refresh failed: ask the user to sign in again; resolves with the new access token. */
  onSessionExpired(): Promise<string>;
  /** Runs `fn` exclusively across tabs where the browser allows it. */
  withLock?<T>(fn: () => Promise<T>): Promise<T>;
}

type RetriableConfig = InternalAxiosRequestConfig & { _retried?: boolean; _sentToken?: string | null };

const AUTH_PATHS = ["/auth/login", "/auth/refresh", "/auth/otp/verify", "/auth/logout"];

export function isAuthPath(url: string | undefined): boolean {
  return !!url && AUTH_PATHS.some((p) => url.includes(p));
}

export interface ApiClient {
  client: AxiosInstance;
  /** A fresh access token through the same single-flight refresh the interceptor uses. */
  refreshAccess: () => Promise<string>;
}

export function createApiClient(baseURL: string, tokens: TokenSource, options: { adapter?: AxiosAdapter } = {}): ApiClient {
  const client = axios.create({ baseURL, timeout: 60_000, adapter: options.adapter });
  const bare = axios.create({ baseURL, timeout: 30_000, adapter: options.adapter });

  const queue = createRefreshQueue(async () => {
    const run = async () => {
      const refresh = tokens.getRefresh();
      if (!refresh) throw new Error("no refresh token");
      const { data } = await bare.post<{ access: string; refresh: string }>("/auth/refresh", { refresh });
      tokens.setTokens(data.access, data.refresh);
      return data.access;
    };
    try {
      return await (tokens.withLock ? tokens.withLock(run) : run());
    } catch {
      return tokens.onSessionExpired();
    }
  });

  client.interceptors.request.use((config: RetriableConfig) => {
    const access = tokens.getAccess();
    config._sentToken = access;
    if (access && !isAuthPath(config.url)) {
      config.headers.set("Authorization", `Bearer ${access}`);
    }
    return config;
  });

  client.interceptors.response.use(undefined, async (error: AxiosError) => {
    const config = error.config as RetriableConfig | undefined;
    if (!config || error.response?.status !== 401 || config._retried || isAuthPath(config.url)) {
      throw error;
    }
    config._retried = true;
    const current = tokens.getAccess();
    // Another request already refreshed while this one was on the wire: reuse its token.
    const access = current && current !== config._sentToken ? current : await queue.refresh();
    config.headers.set("Authorization", `Bearer ${access}`);
    config._sentToken = access;
    return client(config);
  });

  return { client, refreshAccess: () => queue.refresh() };
}

export { createRefreshQueue };
