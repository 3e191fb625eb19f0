// The web app talks to the API on its own origin only: under `make run` its server (server.mjs)
// proxies /api/ and /ws/ to the API, behind the gateway nginx routes them. Nothing about the
// API's address is baked into the build, so one build serves every deployment.
export const API_BASE_PATH = "/api/v1";

/** ws(s)://<this origin>: the WebSocket endpoints live beside the page that opens them. */
export function wsOrigin(location: Pick<Location, "protocol" | "host"> = window.location): string {
  return `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}`;
}

export const env = {
  apiBaseUrl: API_BASE_PATH,
} as const;
