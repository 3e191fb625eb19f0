import { useAuthStore } from "@/store/authStore";
import { SESSION_STORAGE_KEY } from "@/lib/constants";
import type { TokenSource } from "./createApiClient";

let pendingRelogin: { promise: Promise<string>; resolve: (a: string) => void; reject: (e: Error) => void } | null =
  null;

/** Waits for the sign-in dialog; concurrent callers share one wait. */
function waitForRelogin(): Promise<string> {
  if (!pendingRelogin) {
    let resolve!: (a: string) => void;
    let reject!: (e: Error) => void;
    const promise = new Promise<string>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    pendingRelogin = { promise, resolve, reject };
  }
  useAuthStore.getState().setSessionExpired(true);
  return pendingRelogin.promise;
}

export function completeRelogin(access: string) {
  useAuthStore.getState().setSessionExpired(false);
  pendingRelogin?.resolve(access);
  pendingRelogin = null;
}

export function abandonSession() {
  pendingRelogin?.reject(new Error("Signed out"));
  pendingRelogin = null;
  useAuthStore.getState().clear();
}

function readStoredTokens(): { access: string | null; refresh: string | null } {
  try {
    const raw = localStorage.getItem(SESSION_STORAGE_KEY);
    const state = raw ? (JSON.parse(raw).state as { access?: string; refresh?: string }) : {};
    return { access: state.access ?? null, refresh: state.refresh ?? null };
  } catch {
    return { access: null, refresh: null };
  }
}

export const browserTokenSource: TokenSource = {
  getAccess: () => useAuthStore.getState().access,
  getRefresh: () => useAuthStore.getState().refresh,
  setTokens: (access, refresh) => useAuthStore.getState().setTokens(access, refresh),
  onSessionExpired: waitForRelogin,
  async withLock<T>(fn: () => Promise<T>): Promise<T> {
    const locks = typeof navigator !== "undefined" ? navigator.locks : undefined;
    if (!locks) return fn();
    const before = useAuthStore.getState().refresh;
    return locks.request("hdms-token-refresh", async () => {
      // Another tab may have rotated the pair while this one waited for the lock.
      const stored = readStoredTokens();
      if (stored.refresh && stored.access && stored.refresh !== before) {
        useAuthStore.getState().setTokens(stored.access, stored.refresh);
        return stored.access as unknown as T;
      }
      return fn();
    }) as Promise<T>;
  },
};
