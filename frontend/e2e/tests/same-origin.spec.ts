import { expect, test } from "@playwright/test";
import { signIn, WEB } from "./helpers";

// One build serves every deployment: the page calls the API and opens its WebSocket on its own
// origin only (the web server or the gateway routes /api/ and /ws/), whatever ports the desk
// runs on (scripts/e2e.sh starts it on non-default ones).
test("the web app talks to the API and the socket on its own origin only", async ({ browser }) => {
  const origins = new Set<string>();
  const sockets: string[] = [];
  const page = await signIn(browser, "req1");
  page.context().on("request", (r) => origins.add(new URL(r.url()).origin));
  page.on("websocket", (ws) => sockets.push(ws.url()));
  const apiCall = page.waitForResponse((r) => r.url().startsWith(`${WEB}/api/v1/`) && r.ok());
  await page.reload();
  await apiCall;
  await expect(page.getByRole("link", { name: "New request" }).first()).toBeVisible();
  // The notifications socket opens on every signed-in page.
  await expect.poll(() => sockets.length, { timeout: 20_000 }).toBeGreaterThan(0);

  expect([...origins].filter((o) => o.startsWith("http"))).toEqual([WEB]);
  for (const url of sockets) expect(url.startsWith(`${WEB.replace(/^http/, "ws")}/ws/`), url).toBe(true);
  await page.context().close();
});
