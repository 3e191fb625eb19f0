/**
 * Single-flight token refresh. The API rotates refresh tokens and revokes the whole family when a
 * dead one is reused, so two refreshes with one token would sign the user out: every caller that
 * needs a fresh access token while a refresh is running waits for that same refresh.
 */
export interface RefreshQueue {
  refresh(): Promise<string>;
  readonly inFlight: boolean;
}

export function createRefreshQueue(doRefresh: () => Promise<string>): RefreshQueue {
  let current: Promise<string> | null = null;
  return {
    refresh() {
      if (!current) {
        current = doRefresh().finally(() => {
          current = null;
        });
      }
      return current;
    },
    get inFlight() {
      return current !== null;
    },
  };
}
