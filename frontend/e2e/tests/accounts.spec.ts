import fs from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { expect, request, test, type Page } from "@playwright/test";
import { apiAs, API, PASSWORD, shot, signIn } from "./helpers";

/**
 * Accounts (issue 14): a person changes their password, turns on two-step sign-in with an emailed
 * code, signs out another device and changes a notification preference; an admin runs an SMS sync
 * dry run and reads its report. In English and Urdu; screenshots by role, flow and language.
 */

const MAIL_DIR = process.env.E2E_MAIL_DIR || "";

function codesMailedTo(to: string): string[] {
  if (!MAIL_DIR || !fs.existsSync(MAIL_DIR)) return [];
  const codes: string[] = [];
  for (const file of fs.readdirSync(MAIL_DIR).sort()) {
    const raw = fs.readFileSync(path.join(MAIL_DIR, file), "utf8");
    for (const message of raw.split(/^-{79}$/m)) {
      if (!new RegExp(`^To: ${to}$`, "m").test(message)) continue;
      const match = message.match(/code is (\d{6})/);
      if (match) codes.push(match[1]);
    }
  }
  return codes;
}

async function useLanguage(page: Page, locale: "en" | "ur") {
  const switcher = page.getByTestId("language-switcher").first();
  if ((await switcher.inputValue()) !== locale) await switcher.selectOption(locale);
  await expect(page.locator("html")).toHaveAttribute("lang", locale);
}

async function freshUser(locale: string) {
  const admin = await apiAs("admin1");
  const code = `acct-${locale}-${randomUUID().slice(0, 6)}`;
  const res = await admin.api.post(`${API}/api/v1/users`, {
    data: { employee_code: code, full_name: `Account ${locale}`, password: PASSWORD, email: `${code}@idara.example` },
  });
  expect(res.ok(), await res.text()).toBeTruthy();
  await admin.api.dispose();
  return code;
}

for (const locale of ["en", "ur"] as const) {
  test(`a person manages their account (${locale})`, async ({ browser }) => {
    const code = await freshUser(locale);
    const page = await signIn(browser, code);
    await useLanguage(page, locale);
    // A second device, signed in through the API.
    const other = await request.newContext();
    const second = await (await other.post(`${API}/api/v1/auth/login`, { data: { employee_code: code, password: PASSWORD } })).json();

    await page.goto("/requestor/profile");
    const sessions = page.getByTestId("sessions");
    await expect(sessions.locator("li")).toHaveCount(2);
    await sessions.getByRole("button").first().click();
    await expect(sessions.locator("li")).toHaveCount(1);
    expect((await other.post(`${API}/api/v1/auth/refresh`, { data: { refresh: second.refresh } })).status()).toBe(401);
    await other.dispose();

    // Change password.
    await page.locator("#current_password").fill(PASSWORD);
    await page.locator("#new_password").fill("a-new-pass-phrase-1");
    await page.locator("#new_password").press("Enter");
    await expect(page.getByRole("status").first()).toBeVisible();

    // Two-step sign-in by an emailed code.
    await page.getByTestId("otp-status").waitFor();
    const before = codesMailedTo(`${code}@idara.example`).length;
    await page.getByTestId("otp-status").locator("xpath=..").getByRole("button").click();
    await expect.poll(() => codesMailedTo(`${code}@idara.example`).length).toBeGreaterThan(before);
    await page.locator("#otp_confirm").fill(codesMailedTo(`${code}@idara.example`).at(-1)!);
    await page.locator("#otp_confirm").press("Enter");
    await expect(page.locator("#otp_disable_password")).toBeVisible();
    await shot(page, `requestor-account-profile-${locale}`);

    // Sign-in now asks for the code.
    const anon = await request.newContext();
    const login = await (await anon.post(`${API}/api/v1/auth/login`, {
      data: { employee_code: code, password: "a-new-pass-phrase-1" } })).json();
    expect(login.otp_required).toBe(true);
    await anon.dispose();

    // A notification preference.
    await page.goto("/settings/notifications");
    const box = page.getByTestId("notification-kinds").locator("input[type=checkbox]").first();
    const wasChecked = await box.isChecked();
    const saved = page.waitForResponse((r) => r.url().includes("/notifications/preferences") && r.request().method() !== "GET");
    await box.click();
    expect((await saved).ok()).toBeTruthy();
    await page.reload();
    await expect(page.getByTestId("notification-kinds").locator("input[type=checkbox]").first()).toBeChecked({ checked: !wasChecked });
    await shot(page, `requestor-account-preferences-${locale}`);
  });

  test(`an admin runs an SMS sync dry run and reads its report (${locale})`, async ({ browser }) => {
    const page = await signIn(browser, "admin1");
    await useLanguage(page, locale);
    await page.goto("/admin/users/sms-sync");
    const runs = page.getByTestId("sync-run");
    const count = await runs.count();
    await page.getByRole("button").filter({ hasText: locale === "en" ? "Dry run" : "آزمائشی رن" }).first().click();
    await expect(runs).toHaveCount(count + 1);
    await runs.first().getByRole("button").click();
    await expect(page.getByTestId("sync-report")).toBeVisible();
    await shot(page, `admin-sms-sync-dry-run-${locale}`);
  });
}
