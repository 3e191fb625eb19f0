import { env } from "@/config/env";
import { createApiClient } from "./createApiClient";
import { browserTokenSource } from "./session";

const apiClient = createApiClient(env.apiBaseUrl, browserTokenSource);

/** The one HTTP client of the app; every service module uses it. */
export const api = apiClient.client;

function expiresSoon(jwt: string, marginSeconds = 30): boolean {
  try {
    const payload = JSON.parse(atob(jwt.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))) as { exp?: number };
    return !payload.exp || payload.exp * 1000 < Date.now() + marginSeconds * 1000;
  } catch {
    return false;
  }
}

/** Access token for a WebSocket handshake, refreshed first when it is about to expire. */
export async function accessTokenForSocket(): Promise<string | null> {
  const access = browserTokenSource.getAccess();
  if (!access) return null;
  if (expiresSoon(access)) return apiClient.refreshAccess();
  return access;
}

export async function forceRefreshAccess(): Promise<string> {
  return apiClient.refreshAccess();
}
