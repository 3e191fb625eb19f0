import { expect, test } from "@playwright/test";
import { signIn, WEB } from "./helpers";

// Every page of the web app carries its security headers (next.config.ts), and the built app
// still works under its Content-Security-Policy: no violation while a user signs in, opens the
// dashboard (its API calls and its notifications WebSocket) and a new-request form.
test("pages send CSP, frame, nosniff and referrer headers, and the app runs under them", async ({ browser }) => {
  const page = await signIn(browser, "req1");
  const violations: string[] = [];
  await page.exposeFunction("hdmsCspViolation", (text: string) => violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      (window as unknown as { hdmsCspViolation: (t: string) => void }).hdmsCspViolation(
        `${event.violatedDirective} ${event.blockedURI}`,
      );
    });
  });
  page.on("console", (message) => {
    if (message.type() === "error" && /Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  const sockets: string[] = [];
  page.on("websocket", (ws) => sockets.push(ws.url()));

  const response = await page.goto(`${WEB}/`);
  const headers = response!.headers();
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["content-security-policy"]).toContain("connect-src 'self'");
  expect(headers["content-security-policy"]).not.toContain("unsafe-eval");
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("same-origin");

  await expect(page.getByRole("link", { name: "New request" }).first()).toBeVisible();
  await expect.poll(() => sockets.length, { timeout: 20_000 }).toBeGreaterThan(0);
  await page.getByRole("link", { name: "New request" }).first().click();
  await expect(page.getByLabel(/title/i).first()).toBeVisible();
  expect(violations).toEqual([]);
  await page.context().close();
});
