import fs from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { expect, request, test, type Browser, type Page } from "@playwright/test";
import { apiAs, API, PASSWORD, shot, signIn } from "./helpers";

/**
 * Accounts (issue 14): a person changes their password, turns on two-step sign-in with an emailed
 * code, signs out another device and changes a notification preference; an admin runs an SMS sync
 * dry run against the demo SMS bridge and reads its report (created, updated, refused rows); the
 * sign-in page says when a locked account may retry (an admin unlocks it from the users page) and
 * that the SMS is down; an SMS-linked employee signs in with the SMS password. In English and
 * Urdu; screenshots by role, flow and language.
 */

const MAIL_DIR = process.env.E2E_MAIL_DIR || "";
// The demo SMS bridge the e2e desk runs (scripts/e2e.sh): t101-t105, SMS password sms-demo-pass.
const SMS_URL = process.env.E2E_SMS_URL || "";
const SMS_TOKEN = process.env.E2E_SMS_TOKEN || "";
const SMS_PASSWORD = "sms-demo-pass";

const TEXT = {
  en: {
    created: "Created", updated: "Updated", refused: "Refused",
    smsDown: "cannot check your password right now", retryAfter: "You can try again after", locked: "Locked", unlock: "Unlock",
  },
  ur: {
    created: "بنائے گئے", updated: "تازہ کیے گئے", refused: "مسترد",
    smsDown: "اسکول مینجمنٹ سسٹم اس وقت آپ کا پاس ورڈ جانچ نہیں سکتا", retryAfter: "کے بعد دوبارہ کوشش کر سکتے ہیں",
    locked: "مقفل", unlock: "اکاؤنٹ کھولیں",
  },
} as const;

/** Switch the demo SMS bridge's outage on or off (its control call, same bearer token). */
async function smsOutage(down: boolean) {
  expect(SMS_URL, "scripts/e2e.sh runs the desk with the demo SMS bridge (E2E_SMS_URL)").not.toBe("");
  const context = await request.newContext();
  const res = await context.post(`${SMS_URL}/_control/outage`, {
    data: { down }, headers: { Authorization: `Bearer ${SMS_TOKEN}` },
  });
  expect(res.ok(), await res.text()).toBeTruthy();
  await context.dispose();
}

/** "HH:MM" in the desk's time zone, as the web app writes times. */
function deskTime(ms: number): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Karachi", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(ms);
}

async function signInPage(browser: Browser, locale: "en" | "ur"): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto("/login");
  await chooseLanguage(page, locale);
  return page;
}

/** Fill and send the sign-in form (by field ids: the labels are in the page's language). */
async function submitSignIn(page: Page, code: string, password: string) {
  await page.locator("#employee_code").fill(code);
  await page.locator("#password").fill(password);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith("/api/v1/auth/login") && r.request().method() === "POST"),
    page.locator("form button[type=submit]").click(),
  ]);
  return response;
}

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

async function chooseLanguage(page: Page, locale: "en" | "ur") {
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

test("signing in speaks the person's saved language, and a language picked on the sign-in page becomes theirs", async ({ browser }) => {
  const code = await freshUser("lang");
  const me = await apiAs(code);
  expect((await me.api.patch(`${API}/api/v1/auth/me`, { data: { language: "ur" } })).ok()).toBe(true);
  // A new device, the sign-in page left as it opened (English): the desk comes in their saved Urdu.
  let page = await signInPage(browser, "en");
  expect((await submitSignIn(page, code, PASSWORD)).status()).toBe(200);
  await page.waitForURL(/\/requestor\/dashboard$/);
  await expect(page.locator("html")).toHaveAttribute("lang", "ur");
  await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
  await page.context().close();
  // Another device where they choose English on the sign-in page: English stays, and is now theirs.
  page = await signInPage(browser, "ur");
  await chooseLanguage(page, "en");
  expect((await submitSignIn(page, code, PASSWORD)).status()).toBe(200);
  await page.waitForURL(/\/requestor\/dashboard$/);
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect.poll(async () => ((await (await me.api.get(`${API}/api/v1/auth/me`)).json()) as { language: string }).language)
    .toBe("en");
  await me.api.dispose();
  await page.context().close();
});

for (const locale of ["en", "ur"] as const) {
  test(`a person manages their account (${locale})`, async ({ browser }) => {
    const code = await freshUser(locale);
    const page = await signIn(browser, code);
    await chooseLanguage(page, locale);
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
    // A daily digest, and own changes no longer muted (on by default): kept after a reload.
    await expect(page.locator("#mute_own_actions")).toBeChecked();
    await expect(page.locator("#digest")).toHaveValue("off");
    let put = page.waitForResponse((r) => r.url().includes("/notifications/preferences") && r.request().method() === "PUT");
    await page.locator("#digest").selectOption("daily");
    expect((await put).ok()).toBeTruthy();
    put = page.waitForResponse((r) => r.url().includes("/notifications/preferences") && r.request().method() === "PUT");
    await page.locator("#mute_own_actions").click();  // a controlled box: it changes when the server answers
    expect((await put).ok()).toBeTruthy();
    await expect(page.locator("#mute_own_actions")).not.toBeChecked();
    await page.reload();
    await expect(page.locator("#digest")).toHaveValue("daily");
    await expect(page.locator("#mute_own_actions")).not.toBeChecked();
    await shot(page, `requestor-account-preferences-${locale}`);
  });

  test(`an admin runs an SMS sync dry run and reads its report (${locale})`, async ({ browser }) => {
    const page = await signIn(browser, "admin1");
    await chooseLanguage(page, locale);
    await page.goto("/admin/users/sms-sync");
    const runs = page.getByTestId("sync-run");
    // The sync `make run` did at start (the demo bridge's first listing) is there.
    await expect(runs.first()).toBeVisible();
    const count = await runs.count();
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith("/api/v1/users/sync") && r.request().method() === "POST"),
      page.getByRole("button").filter({ hasText: locale === "en" ? "Dry run" : "آزمائشی رن" }).first().click(),
    ]);
    expect(answer.status(), await answer.text()).toBe(200);
    await expect(runs).toHaveCount(count + 1);
    await runs.first().getByRole("button").click();
    const report = page.getByTestId("sync-report");
    await expect(report).toBeVisible();
    // The SMS moved on since the first sync: a new hire, a changed email; LIB is no desk department.
    const row = (outcome: string) => report.locator(`[data-testid=sync-row][data-outcome=${outcome}]`);
    await expect(row("created")).toHaveCount(1);
    await expect(row("created")).toContainText("t105");
    await expect(row("created")).toContainText(TEXT[locale].created);
    await expect(row("updated")).toContainText("t102");
    await expect(row("updated")).toContainText("email");
    await expect(row("updated")).toContainText(TEXT[locale].updated);
    await expect(row("refused")).toContainText("t104");
    await expect(row("refused")).toContainText("LIB");
    await expect(row("refused")).toContainText(TEXT[locale].refused);
    await expect(page.locator("main")).not.toContainText("HDMS_SMS_BASE_URL");
    await shot(page, `admin-sms-sync-dry-run-${locale}`);
    // A dry run changed nothing: the new hire has no account yet.
    const admin = await apiAs("admin1");
    const found = await (await admin.api.get(`${API}/api/v1/users?q=t105`)).json();
    expect(found.items).toEqual([]);
    await admin.api.dispose();
  });

  test(`the sign-in page says when a locked account may retry and an admin unlocks it (${locale})`, async ({ browser }) => {
    const code = await freshUser(`lk${locale}`);
    // Five failed sign-ins of the account (the threshold) lock it.
    const anon = await request.newContext();
    for (let i = 0; i < 5; i++) {
      await anon.post(`${API}/api/v1/auth/login`, { data: { employee_code: code, password: "not-the-password" } });
    }
    await anon.dispose();

    const page = await signInPage(browser, locale);
    const response = await submitSignIn(page, code, PASSWORD);
    expect(response.status()).toBe(429);
    const body = await response.json();
    expect(body.code).toBe("account_locked");
    // When to retry: the server's retry_after, as a time of day in the page's language.
    const at = Date.now();
    const expected = [-1, 0, 1].map((m) => deskTime(at + body.retry_after * 1000 + m * 60_000));
    const until = page.getByTestId("locked-until");
    await expect(until).toContainText(TEXT[locale].retryAfter);
    const shown = (await until.textContent()) ?? "";
    expect(expected.some((time) => shown.includes(time)), `${shown} names one of ${expected.join(", ")}`).toBe(true);
    await expect(page.locator("form [role=alert]")).toBeVisible();
    await shot(page, `sign-in-locked-${locale}`);

    // An admin sees the lock on the users page, and the Unlock the server offers.
    const admin = await signIn(browser, "admin1");
    await chooseLanguage(admin, locale);
    await admin.goto("/admin/users");
    await admin.locator("#users-q").fill(code);
    const line = admin.getByTestId("users-table").locator("tr", { hasText: code });
    await expect(line.getByTestId("user-locked")).toContainText(TEXT[locale].locked);
    const unlocked = admin.waitForResponse((r) => r.url().includes("/unlock") && r.request().method() === "POST");
    await line.getByTestId("user-unlock").click();
    expect((await unlocked).status()).toBe(200);
    await expect(line.getByTestId("user-locked")).toHaveCount(0);
    await expect(line.getByTestId("user-unlock")).toHaveCount(0);
    await shot(admin, `admin-user-unlocked-${locale}`);
    // Audited.
    const adminApi = await apiAs("admin1");
    const person = (await (await adminApi.api.get(`${API}/api/v1/users?q=${code}`)).json()).items[0];
    const audit = await (await adminApi.api.get(`${API}/api/v1/audit?action=user.unlock&object_id=${person.id}`)).json();
    expect(audit.items.length).toBe(1);
    await adminApi.api.dispose();

    // The person signs in again.
    const again = await submitSignIn(page, code, PASSWORD);
    expect(again.status()).toBe(200);
    await page.waitForURL(/\/requestor\/dashboard$/);
  });

  test(`an SMS employee signs in with the SMS password, and the sign-in page says when the SMS is down (${locale})`, async ({ browser }) => {
    const page = await signInPage(browser, locale);
    await smsOutage(true);
    try {
      const response = await submitSignIn(page, "t101", SMS_PASSWORD);
      expect(response.status()).toBe(503);
      expect((await response.json()).code).toBe("service_unavailable");
      await expect(page.getByTestId("sign-in-help")).toContainText(TEXT[locale].smsDown);
      await expect(page.locator("form [role=alert]")).toBeVisible();
      await shot(page, `sign-in-sms-down-${locale}`);
    } finally {
      await smsOutage(false);
    }
    // The SMS back: the same employee signs in with the password the SMS checks.
    const response = await submitSignIn(page, "t101", SMS_PASSWORD);
    expect(response.status(), await response.text()).toBe(200);
    await page.waitForURL(/\/requestor\/dashboard$/);
  });
}
