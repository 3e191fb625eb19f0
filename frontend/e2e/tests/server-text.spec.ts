import { randomUUID } from "node:crypto";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { apiAs, API, shot, signIn, status } from "./helpers";

/**
 * Everything a server says, a person reads in their language (issue 13): main pages and a few
 * toasts in English and Urdu. No page shows an API field path, a MIME type, a snake_case status
 * or error code name, an HTTP status name, or (in the Urdu layout) a known English sentence of the
 * server. One screenshot per page walked (<role>-text-<page>-<language>.png).
 */

const FIELD_PATH = /\b(payload|body|query)\.[a-z_]+/;
const MIME = /\b(application|image|text|video|audio)\/[a-z0-9.+-]+/;
const RAW_STATUS = /\b(in_progress|pending_approval|first_response|near_breach|auto_close|approval_reject|request_approval)\b/;
const RAW_CODE = /\b(validation_error|version_conflict|invalid_transition|unsupported_file_type|file_too_large|not_authenticated|token_invalid|rate_limited|service_unavailable|server_error)\b/;
// HTTP reason phrases (Title Case, as servers and HTTP clients write them) and the HTTP client's own sentence.
const HTTP_STATUS = /\b(Bad Request|Unauthorized|Forbidden|Not Found|Method Not Allowed|Conflict|Payload Too Large|Unsupported Media Type|Unprocessable (Entity|Content)|Too Many Requests|Internal Server Error|Bad Gateway|Service Unavailable)\b|Request failed with status code|\b[45]\d\d\b(?= ?(error|Error))/;
// The server's English sentences (titles of notifications, error details) an Urdu reader must not meet.
const ENGLISH_SERVER = [
  /was assigned to you/, /\bis postponed\b/, /Approval needed for/, /Work (started|resumed) on/, /New ticket HD-/,
  /Invalid input/, /is not allowed/, /Not found\./, /was (approved|rejected|withdrawn|resolved|reopened|closed)\b/,
  /\bis assigned\b/, /priority is now/, /Authentication credentials/, /The request could not be completed/,
];

// A Windows executable's first bytes (DOS header pointing at a PE header): libmagic names it an executable.
const EXECUTABLE = Buffer.concat([
  Buffer.from("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00\xb8", "binary"),
  Buffer.alloc(7), Buffer.from([0x40]), Buffer.alloc(35), Buffer.from([0x80, 0, 0, 0]), Buffer.alloc(64),
  Buffer.from("PE\x00\x00\x4c\x01", "binary"), Buffer.alloc(200),
]);

async function pageText(page: Page): Promise<string> {
  await page.waitForLoadState("networkidle").catch(() => undefined);
  return page.evaluate(() => document.body.innerText);
}

async function expectClean(page: Page, where: string, locale: "en" | "ur") {
  const text = await pageText(page);
  expect(text, `${where}: an API field path`).not.toMatch(FIELD_PATH);
  expect(text, `${where}: a MIME type`).not.toMatch(MIME);
  expect(text, `${where}: a raw status name`).not.toMatch(RAW_STATUS);
  expect(text, `${where}: an error code name`).not.toMatch(RAW_CODE);
  expect(text, `${where}: an HTTP status name`).not.toMatch(HTTP_STATUS);
  if (locale === "ur") {
    for (const sentence of ENGLISH_SERVER) expect(text, `${where}: English server text in Urdu`).not.toMatch(sentence);
    await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
  }
}

/** "/moderator/review/<id>" → "review", "/notifications" → "notifications". */
const pageName = (path: string) => path.split("/").filter((part) => part && !/^[0-9a-f-]{36}$/.test(part)).slice(-1)[0]!;

async function useLanguage(page: Page, locale: "en" | "ur") {
  const switcher = page.getByTestId("language-switcher").first();
  if ((await switcher.inputValue()) !== locale) await switcher.selectOption(locale);
  await expect(page.locator("html")).toHaveAttribute("lang", locale);
}

async function post(api: APIRequestContext, path: string, data: Record<string, unknown>) {
  const res = await api.post(`${API}/api/v1/${path}`, { data, headers: { "Idempotency-Key": randomUUID() } });
  expect(res.ok(), `${path}: ${await res.text()}`).toBeTruthy();
  return res.json();
}

/** A ticket of req1's assigned to it1 (through the API), so it1 can start it from the page. */
async function assignedTicket(title: string) {
  const req = await apiAs("req1");
  const ticket = await post(req.api, "tickets", { title, description: "Server text walk.", priority: "low", submit: true });
  const it = await apiAs("it1");
  const me = await (await it.api.get(`${API}/api/v1/auth/me`)).json();
  const mod = await apiAs("mod1");
  const assigned = await post(mod.api, `tickets/${ticket.id}/actions/assign`, {
    version: ticket.version, department_id: me.department_id, assignee_id: me.id,
  });
  await Promise.all([req.api.dispose(), it.api.dispose(), mod.api.dispose()]);
  return assigned as { id: string; number: string };
}

for (const locale of ["en", "ur"] as const) {
  test(`server text in ${locale}: pages, a status toast, an upload refusal and SLA errors`, async ({ browser }) => {
    const stamp = `${locale}-${Date.now().toString(36)}`;
    const ticket = await assignedTicket(`Projector needed, room 4? (${stamp})`);

    // Assignee: starts the ticket; the toast says the status in words.
    const it = await signIn(browser, "it1");
    await useLanguage(it, locale);
    await it.goto(`/tickets/${ticket.id}`);
    await expect(status(it)).toHaveAttribute("data-status", "assigned");
    await it.locator('[data-action="start"]').click();
    const toast = it.locator("[data-sonner-toast]").filter({ hasText: ticket.number }).first();
    await expect(toast).toBeVisible();
    const toastText = await toast.innerText();
    expect(toastText).not.toMatch(RAW_STATUS);
    expect(toastText).not.toMatch(HTTP_STATUS);
    expect(toastText).not.toMatch(/: in progress/);
    if (locale === "ur") expect(toastText).toContain("جاری");
    else expect(toastText).toContain("In progress");
    await expect(status(it)).toHaveAttribute("data-status", "in_progress");
    // User text keeps its own direction inside either layout.
    await expect(it.getByTestId("ticket-title")).toHaveAttribute("dir", "auto");
    await expectClean(it, `assignee ticket (${locale})`, locale);
    await shot(it, `assignee-text-start-toast-${locale}`);
    for (const path of ["/assignee/dashboard", "/assignee/tasks", "/notifications"]) {
      await it.goto(path);
      await expectClean(it, `assignee ${path} (${locale})`, locale);
      await shot(it, `assignee-text-${pageName(path)}-${locale}`);
    }
    await it.context().close();

    // Requestor: notifications (rendered from kind + params), the ticket's history, an upload refused by type.
    const req = await signIn(browser, "req1");
    await useLanguage(req, locale);
    await req.goto("/notifications");
    await expect(req.getByTestId("notification").filter({ hasText: ticket.number }).first()).toBeVisible();
    await expectClean(req, `requestor notifications (${locale})`, locale);
    await shot(req, `requestor-text-notifications-${locale}`);
    await req.goto(`/requestor/request-detail/${ticket.id}`);
    await expect(status(req)).toHaveAttribute("data-status", "in_progress");
    // An upload refused twice, in words. The web app refuses an .exe by its name before sending a
    // byte; an executable named .pdf passes that check and the server refuses it by its content
    // (415 unsupported_file_type, whose English detail names the MIME type): the page shows the
    // code's sentence in the reader's language, never the detail.
    const upload = req.locator("#attachment-input");
    await expect(upload).toHaveCount(1);
    const sent: string[] = [];
    req.on("request", (r) => {
      if (r.method() === "POST" && r.url().includes("/attachments")) sent.push(r.url());
    });
    await upload.setInputFiles({ name: "tool.exe", mimeType: "application/x-msdownload", buffer: EXECUTABLE });
    await expect(req.getByRole("alert").filter({ hasText: "tool.exe" })).toHaveText(
      `tool.exe ${locale === "ur" ? "کی قسم کی اجازت نہیں" : "is not an allowed file type"}`,
    );
    expect(sent, "an .exe is refused before it is sent").toEqual([]);
    await upload.setInputFiles({ name: "manual.pdf", mimeType: "application/pdf", buffer: EXECUTABLE });
    const [refusal] = await Promise.all([
      req.waitForResponse((r) => r.request().method() === "POST" && r.url().includes(`/tickets/${ticket.id}/attachments`)),
      req.getByTestId("upload-files").click(),
    ]);
    expect(refusal.status()).toBe(415);
    const body = (await refusal.json()) as { code: string; detail: string };
    expect(body.code).toBe("unsupported_file_type");
    expect(body.detail, "the server's English detail names the type; the page must not").toMatch(MIME);
    await expect(req.getByTestId("upload-list").getByRole("alert")).toHaveText(
      locale === "ur" ? "اس قسم کی فائل کی اجازت نہیں۔" : "This file type is not allowed.",
    );
    await expectClean(req, `requestor ticket (${locale})`, locale);
    await shot(req, `requestor-text-upload-refused-${locale}`);
    for (const path of ["/requestor/dashboard", "/requestor/requests"]) {
      await req.goto(path);
      await expectClean(req, `requestor ${path} (${locale})`, locale);
      await shot(req, `requestor-text-${pageName(path)}-${locale}`);
    }
    await req.context().close();

    // Moderator: pool and the ticket's review page (history with kinds).
    const mod = await signIn(browser, "mod1");
    await useLanguage(mod, locale);
    for (const path of ["/moderator/dashboard", "/moderator/ticket-pool", "/moderator/assigned-tickets", `/moderator/review/${ticket.id}`]) {
      await mod.goto(path);
      await expectClean(mod, `moderator ${path} (${locale})`, locale);
      await shot(mod, `moderator-text-${pageName(path)}-${locale}`);
    }
    await mod.context().close();

    // Admin: audit log in words, SLA form errors in hours, the threshold as money.
    const admin = await signIn(browser, "admin1");
    await useLanguage(admin, locale);
    await admin.goto("/admin/audit");
    await expect(admin.locator("table")).toBeVisible();
    await expectClean(admin, `admin audit (${locale})`, locale);
    await shot(admin, `admin-text-audit-${locale}`);
    await admin.goto("/admin/settings");
    await expect(admin.getByTestId("ceo-threshold-money")).toContainText(/\d{1,3}(,\d{3})+/);
    const firstHours = admin.locator('input[aria-label*="low"]').first();
    await firstHours.fill("0");
    await firstHours.locator("xpath=ancestor::tr").getByRole("button").click();
    await expect(admin.getByTestId("policy-error").first()).toBeVisible();
    await expectClean(admin, `admin settings (${locale})`, locale);
    await shot(admin, `admin-text-settings-sla-error-${locale}`);
    for (const path of ["/admin/users", "/admin/departments", "/admin/dashboard"]) {
      await admin.goto(path);
      await expectClean(admin, `admin ${path} (${locale})`, locale);
      await shot(admin, `admin-text-${pageName(path)}-${locale}`);
    }
    await admin.context().close();
  });
}
