import fs from "node:fs";
import path from "node:path";
import { expect, test, type Browser } from "@playwright/test";
import { API, apiAs, inEnglish, PASSWORD, WEB } from "./helpers";

// The links a notification email carries open the desk: the same /tickets/<id> link takes the
// requestor to their view and the assignee to theirs, through sign-in (scripts/e2e.sh has the
// desk write its emails as files under E2E_MAIL_DIR).
const MAIL_DIR = process.env.E2E_MAIL_DIR || "";

/** Decoded bodies of the emails sent to `to` (Django's file backend: one file per run of messages). */
function mailsTo(to: string): string[] {
  if (!MAIL_DIR || !fs.existsSync(MAIL_DIR)) return [];
  const out: string[] = [];
  for (const file of fs.readdirSync(MAIL_DIR)) {
    const raw = fs.readFileSync(path.join(MAIL_DIR, file), "utf8");
    for (const message of raw.split(/^-{79}$/m)) {
      if (!new RegExp(`^To: ${to}$`, "m").test(message)) continue;
      // quoted-printable soft breaks and escapes, in case a line was long
      out.push(message.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))));
    }
  }
  return out;
}

async function emailedLink(to: string, pathPart: string): Promise<string> {
  let link = "";
  await expect
    .poll(() => {
      for (const mail of mailsTo(to)) {
        const found = mail.match(new RegExp(`https?://[^\\s"<>]*${pathPart}`));
        if (found) link = found[0];
      }
      return link;
    }, { timeout: 30_000, message: `an email to ${to} with ${pathPart}` })
    .not.toBe("");
  return link;
}

async function openSignedOut(browser: Browser, link: string, code: string) {
  const page = await (await browser.newContext()).newPage();
  await page.goto(link);
  await page.waitForURL(/\/login\?next=/);
  await page.getByLabel("Employee code").fill(code);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
  await inEnglish(page);
  return page;
}

test("an emailed ticket link opens the ticket for the requestor and for the assignee", async ({ browser }) => {
  expect(MAIL_DIR, "E2E_MAIL_DIR is set by scripts/e2e.sh").not.toBe("");
  const stamp = Date.now().toString(36);
  const title = `Broken window in room 12 (${stamp})`;

  const { api: req } = await apiAs("req2");
  const created = await req.post(`${API}/api/v1/tickets`, {
    data: { title, description: "The glass is cracked and the frame lets the rain in.", submit: true },
  });
  expect(created.ok(), await created.text()).toBeTruthy();
  const ticket = (await created.json()) as { id: string; version: number };

  const { api: mod } = await apiAs("mod1");
  const users = (await (await mod.get(`${API}/api/v1/users`, { params: { q: "it2" } })).json()) as {
    items: { id: string; employee_code: string; department_id: string }[];
  };
  const it2 = users.items.find((u) => u.employee_code === "it2")!;
  const assigned = await mod.post(`${API}/api/v1/tickets/${ticket.id}/actions/assign`, {
    data: { version: ticket.version, department_id: it2.department_id, assignee_id: it2.id },
  });
  expect(assigned.ok(), await assigned.text()).toBeTruthy();
  await Promise.all([req.dispose(), mod.dispose()]);

  // Both were offline, so both got an email; each carries the same link to the ticket.
  const forAssignee = await emailedLink("it2@idara.example", `/tickets/${ticket.id}`);
  const forRequestor = await emailedLink("req2@idara.example", `/tickets/${ticket.id}`);
  expect(forAssignee).toBe(`${WEB}/tickets/${ticket.id}`);
  expect(forRequestor).toBe(forAssignee);

  const assignee = await openSignedOut(browser, forAssignee, "it2");
  await assignee.waitForURL(new RegExp(`/assignee/task-detail/${ticket.id}$`));
  await expect(assignee.getByTestId("ticket-title")).toHaveText(title);
  await assignee.context().close();

  const requestor = await openSignedOut(browser, forRequestor, "req2");
  await requestor.waitForURL(new RegExp(`/requestor/request-detail/${ticket.id}$`));
  await expect(requestor.getByTestId("ticket-title")).toHaveText(title);

  // The settings page the email names exists and lists the preferences API's choices.
  const settingsLink = await emailedLink("req2@idara.example", "/settings/notifications");
  expect(settingsLink).toBe(`${WEB}/settings/notifications`);
  await requestor.goto(settingsLink);
  await expect(requestor.getByRole("heading", { name: "Notification emails" })).toBeVisible();
  // The email choices (the page also lists the in-app ones under the same names).
  const assignedKind = requestor.getByTestId("notification-kinds").getByRole("checkbox", { name: "A ticket is assigned" });
  await expect(assignedKind).toBeChecked();
  await assignedKind.click(); // saved at once; the box follows the answer
  await expect(assignedKind).not.toBeChecked();
  await requestor.reload();
  await expect(requestor.getByTestId("notification-kinds").getByRole("checkbox", { name: "A ticket is assigned" }))
    .not.toBeChecked();
  await requestor.context().close();
});
