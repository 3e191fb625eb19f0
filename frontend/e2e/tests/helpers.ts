import { expect, type Browser, type Locator, type Page, type APIRequestContext, request } from "@playwright/test";
import path from "node:path";

/** The web app's origin: the browser and the tests' own API calls go through it (same origin). */
export const WEB = (process.env.E2E_WEB_ORIGIN || "http://127.0.0.1:3000").replace(/\/$/, "");
export const API = WEB;
export const PASSWORD = "demo12345";
export const SCREENSHOTS = path.join(__dirname, "..", "screenshots");

/** What the web app reported as a contract drift (services/api/contract.ts logs it in production builds). */
export const contractErrors: string[] = [];

/** No payload or frame the pages read so far broke the generated contract. */
export function expectNoContractErrors() {
  expect(contractErrors, "payloads that do not match the API's schema").toEqual([]);
}

export async function signIn(browser: Browser, code: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on("console", (message) => {
    if (message.text().includes("API contract")) contractErrors.push(`${code}: ${message.text()}`);
  });
  await page.goto("/login");
  await page.getByLabel("Employee code").fill(code);
  await page.getByLabel("Password").fill(PASSWORD);
  // The desk allows 10 logins a minute per client address and the suite signs in more often than
  // that from one address: when the limiter says so, wait as a person would and sign in again.
  const dashboard = /\/(requestor|moderator|assignee|admin)\/dashboard$/;
  for (let attempt = 0; ; attempt++) {
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith("/api/v1/auth/login") && r.request().method() === "POST"),
      page.getByRole("button", { name: "Sign in" }).click(),
    ]);
    if (response.status() !== 429) break;
    if (attempt >= 8) throw new Error(`${code}: still rate limited after ${attempt + 1} attempts`);
    await page.waitForTimeout(8_000);
  }
  await page.waitForURL(dashboard);
  await inEnglish(page);
  return page;
}

/** Signing in applies the person's saved language (an earlier spec may have saved Urdu): specs start
 * in English and switch where they mean to. */
export async function inEnglish(page: Page) {
  await expect(page.getByTestId("language-switcher").first()).toBeVisible();
  await pickLanguage(page, "en");
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
}

/** Picks a language with the switcher. A signed-in page saves it as the person's language in the
 * background: wait for that save to answer, so a navigation right after cannot cut it off (a save
 * still queued behind another was lost, and the desk kept the language picked before). */
export async function pickLanguage(page: Page, lang: string) {
  const switcher = page.getByTestId("language-switcher").first();
  if ((await switcher.inputValue()) === lang) return;
  const saved = page
    .waitForResponse((r) => r.url().endsWith("/api/v1/auth/me") && r.request().method() === "PATCH", { timeout: 5_000 })
    .catch(() => null);  // nothing to save (signed out, or already the person's language)
  await switcher.selectOption(lang);
  await saved;
}

export async function shot(page: Page, name: string) {
  await page.waitForLoadState("networkidle").catch(() => undefined);
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Selects the first option whose text matches: demo names may vary a little. */
export async function selectMatching(select: Locator, pattern: RegExp) {
  await expect
    .poll(async () => (await select.locator("option").allTextContents()).some((t) => pattern.test(t)), { timeout: 20_000 })
    .toBe(true);
  const options = await select.locator("option").evaluateAll((els) =>
    els.map((el) => ({ value: (el as HTMLOptionElement).value, text: el.textContent ?? "" })),
  );
  const match = options.find((o) => pattern.test(o.text));
  await select.selectOption(match!.value);
}

export async function apiAs(code: string): Promise<{ api: APIRequestContext; token: string }> {
  const anon = await request.newContext();
  let res = await anon.post(`${API}/api/v1/auth/login`, { data: { employee_code: code, password: PASSWORD } });
  // Logins are rate limited per client address (see signIn): wait and retry as a client would.
  for (let attempt = 0; res.status() === 429 && attempt < 8; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    res = await anon.post(`${API}/api/v1/auth/login`, { data: { employee_code: code, password: PASSWORD } });
  }
  expect(res.ok(), await res.text()).toBeTruthy();
  const { access } = (await res.json()) as { access: string };
  await anon.dispose();
  const api = await request.newContext({ extraHTTPHeaders: { Authorization: `Bearer ${access}` } });
  return { api, token: access };
}

export function ticketIdFromUrl(page: Page): string {
  const match = page.url().match(/\/([0-9a-f-]{36})$/);
  if (!match) throw new Error(`No ticket id in ${page.url()}`);
  return match[1]!;
}

export const status = (page: Page) => page.getByTestId("ticket-status");
