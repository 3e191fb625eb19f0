import { expect, test, type Locator, type Page } from "@playwright/test";
import { expectNoContractErrors, selectMatching, signIn, status, ticketIdFromUrl } from "./helpers";
import { Desk, LANGS, setLang, stampOf, visit, type Lang } from "./roles";

/**
 * The per-role browser suites of issue 13: each role walks its flows in English and Urdu (the
 * requestor and moderator also at phone width, in both languages), one screenshot per page visited
 * (screenshots/<role>-<flow>-<language>[-phone].png) and axe-core on each. Data a flow does not test
 * is made through the API; every test uses its own tickets. A dialog closed gives focus back to the
 * button that opened it.
 */
const PHONE = { width: 390, height: 844 };
const WIDTHS = [
  { tag: "", phone: false },
  { tag: "-phone", phone: true },
];

let desk: Desk;
test.beforeAll(async () => {
  desk = await Desk.open();
});
test.afterAll(async () => {
  await desk.close();
});

async function open(page: Page, path: string) {
  await page.goto(path);
  await expect(page.getByTestId("ticket-detail").or(page.locator("main")).first()).toBeVisible();
}

async function act(page: Page, action: string) {
  // At phone width the bar may wrap below the fold: the click scrolls it into view.
  await page.locator(`[data-action="${action}"]`).first().click();
}

const dialog = (page: Page) => page.getByRole("dialog");

/** Focus is back on the button that opened the dialog just closed (document.activeElement). */
async function expectFocusOn(opener: Locator) {
  await expect(opener).toBeFocused();
  expect(await opener.evaluate((el) => el === document.activeElement)).toBe(true);
}

for (const lang of LANGS) {
  for (const { tag, phone } of WIDTHS) {
    const l: string = `${lang}${tag}`;

    test(`requestor files, drafts, withdraws, chats, confirms, reopens and rates (${l})`, async ({ browser }) => {
      const stamp = stampOf();
      const req = await signIn(browser, "req1");
      if (phone) await req.setViewportSize(PHONE);
      await setLang(req, lang);
      await visit(req, "requestor", "dashboard", l);

      // A draft with an attachment, then submitted from its page.
      await req.goto("/requestor/new-request");
      await req.locator("#title").fill(`Printer toner ${stamp}`);
      await req.locator("#description").fill("The staff room printer is out of toner.");
      await req.locator('input[type="file"]').first().setInputFiles({
        name: "printer.txt", mimeType: "text/plain", buffer: Buffer.from("HP LaserJet, room 2\n"),
      });
      await expect(req.getByTestId("upload-list")).toContainText("printer.txt");
      await visit(req, "requestor", "new-request", l);
      await req.getByTestId("save-draft").click();
      await req.waitForURL(/\/request-detail\/[0-9a-f-]{36}$/);
      await expect(status(req)).toHaveAttribute("data-status", "draft");
      await expect(req.getByTestId("attachment")).toContainText("printer.txt");
      await visit(req, "requestor", "draft", l);
      await act(req, "submit");
      await expect(status(req)).toHaveAttribute("data-status", "submitted");

      // Chat on it.
      const chat = req.getByTestId("ticket-chat");
      await chat.locator("textarea").fill(`Any news? ${stamp}`);
      await chat.locator("textarea").press("Enter");
      await expect(req.getByTestId("chat-messages")).toContainText(`Any news? ${stamp}`);
      await visit(req, "requestor", "request-detail", l);

      // Withdraw asks first.
      const other = await desk.submitted(`Spare chair ${stamp}`);
      await req.goto(`/requestor/request-detail/${other.id}`);
      await act(req, "withdraw");
      await expect(req.getByTestId("confirm-dialog")).toBeVisible();
      await visit(req, "requestor", "withdraw-confirm", l);
      await req.getByTestId("confirm-action").click();
      await expect(status(req)).toHaveAttribute("data-status", "withdrawn");

      // A resolved ticket: the resolution note shows; reopen, then confirm and rate.
      const done = await desk.resolved(`Projector cable ${stamp}`, `Cable replaced ${stamp}`);
      await req.goto(`/requestor/request-detail/${done.id}`);
      await expect(status(req)).toHaveAttribute("data-status", "resolved");
      await expect(req.getByTestId("ticket-resolution")).toHaveText(`Cable replaced ${stamp}`);
      await act(req, "reopen");
      await dialog(req).locator("textarea").fill("The cable is loose again.");
      await dialog(req).locator('button[type="submit"]').click();
      await expect(status(req)).not.toHaveAttribute("data-status", "resolved");
      await desk.act("it1", done.id, "resolve", { resolution: `Cable fixed for good ${stamp}` });
      await req.reload();
      await expect(status(req)).toHaveAttribute("data-status", "resolved");
      await act(req, "close");
      await expect(status(req)).toHaveAttribute("data-status", "closed");
      const rating = req.getByTestId("rating-form");
      await rating.locator('label:has(input[value="5"])').click(); // the star, as a person clicks it
      await expect(rating.locator('input[value="5"]')).toBeChecked();
      await rating.locator("textarea").fill(`Thank you ${stamp}`);
      await rating.locator('button[type="submit"]').click();
      await expect(req.getByTestId("ticket-rating")).toBeVisible();
      await expect(req.getByTestId("ticket-rating-comment")).toHaveText(`Thank you ${stamp}`);
      await visit(req, "requestor", "rated", l);
      expectNoContractErrors();
      await req.context().close();
    });

    test(`moderator reviews, assigns, splits, sends for approval, rejects, reassigns, edits and searches (${l})`, async ({ browser }) => {
      const stamp = stampOf();
      const [assignMe, splitMe, approveMe, noAmount, rejectMe] = await Promise.all([
        desk.submitted(`Assign me ${stamp}`),
        desk.submitted(`Split me ${stamp}`),
        desk.submitted(`Laptop purchase ${stamp}`, { amount: "250000.00" }),
        desk.submitted(`No amount ${stamp}`),
        desk.submitted(`Reject me ${stamp}`),
      ]);
      const reassignMe = await desk.assigned(`Reassign me ${stamp}`);
      const mod = await signIn(browser, "mod1");
      if (phone) await mod.setViewportSize(PHONE);
      await setLang(mod, lang);
      await visit(mod, "moderator", "dashboard", l);

      // The pool, and search by the digits of a number.
      await mod.goto("/moderator/ticket-pool");
      const digits = String(Number(String(assignMe.number).replace(/^HD-/, "")));
      await mod.locator("#filter-q").fill(digits);
      await mod.locator("#filter-q").press("Enter");
      await expect(mod.getByText(String(assignMe.number)).first()).toBeVisible();
      await expect(mod).toHaveURL(new RegExp(`q=${digits}`));
      await visit(mod, "moderator", "pool-search", l);

      // Review and assign.
      await mod.goto(`/moderator/review/${assignMe.id}`);
      await visit(mod, "moderator", "review", l);
      await act(mod, "assign");
      await selectMatching(dialog(mod).locator("#assign-department"), /^(IT|Information|آئی ٹی)/i);
      await selectMatching(dialog(mod).locator("#assign-assignee"), /\(it1\)/);
      await dialog(mod).locator('button[type="submit"]').click();
      await expect(status(mod)).toHaveAttribute("data-status", "assigned");

      // Split; the parent then offers no Reassign.
      await mod.goto(`/moderator/review/${splitMe.id}`);
      await act(mod, "split");
      const split = mod.getByTestId("split-modal");
      await expect(split).toBeVisible();
      await mod.keyboard.press("Escape");
      await expect(split).toBeHidden();
      await expectFocusOn(mod.locator('[data-action="split"]'));
      await act(mod, "split");
      await selectMatching(split.locator("#split-department-0"), /^(IT|Information|آئی ٹی)/i);
      await selectMatching(split.locator("#split-assignee-0"), /\(it1\)/);
      await selectMatching(split.locator("#split-department-1"), /^(Mainten|مرمت|دیکھ)/i);
      await selectMatching(split.locator("#split-assignee-1"), /\(mnt1\)/);
      await visit(mod, "moderator", "split-dialog", l);
      await split.locator('button[type="submit"]').click();
      await expect(split).toBeHidden();
      await expect(mod.getByTestId("subtickets").locator("[data-subticket-id]")).toHaveCount(2);
      await expect(status(mod)).toHaveAttribute("data-status", "in_progress");
      await expect(mod.locator('[data-action="reassign"]')).toHaveCount(0);

      // Send for approval shows the amount; without one it warns.
      await mod.goto(`/moderator/review/${noAmount.id}`);
      await act(mod, "request_approval");
      await expect(mod.getByTestId("confirm-warning")).toBeVisible();
      await mod.getByTestId("confirm-dialog").locator('button[type="button"]').filter({ hasNotText: /^$/ }).first().click();
      await expect(mod.getByTestId("confirm-dialog")).toBeHidden();
      await expectFocusOn(mod.locator('[data-action="request_approval"]'));
      await expect(status(mod)).toHaveAttribute("data-status", "submitted");
      await mod.goto(`/moderator/review/${approveMe.id}`);
      await act(mod, "request_approval");
      await expect(mod.getByTestId("confirm-dialog")).toContainText("250,000");
      await expect(mod.getByTestId("confirm-warning")).toHaveCount(0);
      await visit(mod, "moderator", "approval-confirm", l);
      await mod.getByTestId("confirm-action").click();
      await expect(status(mod)).toHaveAttribute("data-status", "pending_approval");

      // Reject with a reason.
      await mod.goto(`/moderator/review/${rejectMe.id}`);
      await act(mod, "reject");
      await dialog(mod).locator("textarea").fill("Duplicate of an earlier request.");
      await dialog(mod).locator('button[type="submit"]').click();
      await expect(status(mod)).toHaveAttribute("data-status", "rejected");

      // Reassign to another IT person, then raise its priority.
      await mod.goto(`/moderator/review/${reassignMe.id}`);
      await act(mod, "reassign");
      await selectMatching(dialog(mod).locator("#assign-assignee"), /\(it2\)/);
      await dialog(mod).locator('button[type="submit"]').click();
      await expect.poll(async () => (await desk.ticket(reassignMe.id)).assignee?.employee_code ?? (await desk.ticket(reassignMe.id)).assignee_id)
        .not.toBe(reassignMe.assignee_id);
      await act(mod, "edit");
      await mod.getByTestId("edit-ticket-modal").locator("#edit-priority").selectOption("urgent");
      await mod.getByTestId("edit-ticket-modal").locator('button[type="submit"]').click();
      await expect.poll(async () => (await desk.ticket(reassignMe.id)).priority).toBe("urgent");
      await visit(mod, "moderator", "reassigned", l);
      expectNoContractErrors();
      await mod.context().close();
    });

    if (phone) continue; // the other roles at desktop width

    test(`assignee starts, postpones, resumes, chats and resolves with a note (${l})`, async ({ browser }) => {
      const stamp = stampOf();
      const fresh = await desk.submitted(`Network socket ${stamp}`);
      await desk.post("req1", `tickets/${fresh.id}/messages`, { body: `Said before assignment ${stamp}` });
      const it1user = await desk.user("it1");
      await desk.act("mod1", fresh.id, "assign", { department_id: it1user.department_id, assignee_id: it1user.id });
      const it1 = await signIn(browser, "it1");
      await setLang(it1, lang);
      await it1.goto("/assignee/tasks");
      await expect(it1.getByText(`Network socket ${stamp}`).first()).toBeVisible();
      await visit(it1, "assignee", "tasks", l);
      await it1.goto(`/assignee/task-detail/${fresh.id}`);
      // Earlier messages are hidden by the join-time rule, and the page says so.
      await expect(it1.getByTestId("chat-hidden-before-join")).toContainText("1");
      await expect(it1.getByText(`Said before assignment ${stamp}`)).toHaveCount(0);
      await visit(it1, "assignee", "task-detail", l);
      await act(it1, "start");
      await expect(status(it1)).toHaveAttribute("data-status", "in_progress");
      await act(it1, "postpone");
      await dialog(it1).locator("textarea").fill("Waiting for a new socket.");
      const until = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
      await dialog(it1).locator('input[type="date"]').fill(until);
      await visit(it1, "assignee", "postpone-dialog", l);
      await dialog(it1).locator('button[type="submit"]').click();
      await expect(status(it1)).toHaveAttribute("data-status", "postponed");
      await act(it1, "resume");
      await expect(status(it1)).toHaveAttribute("data-status", "in_progress");
      const chat = it1.getByTestId("ticket-chat");
      await chat.locator("textarea").fill(`Socket ordered ${stamp}`);
      await chat.locator("textarea").press("Enter");
      await expect(it1.getByTestId("chat-messages")).toContainText(`Socket ordered ${stamp}`);
      await act(it1, "resolve");
      await it1.getByTestId("confirm-dialog").getByRole("button", { name: lang === "ur" ? "بند کریں" : "Close", exact: true }).click();
      await expect(it1.getByTestId("confirm-dialog")).toBeHidden();
      await expectFocusOn(it1.locator('[data-action="resolve"]'));
      await act(it1, "resolve");
      await it1.getByTestId("confirm-dialog").locator("textarea").fill(`New socket fitted ${stamp}`);
      await visit(it1, "assignee", "resolve-dialog", l);
      await it1.getByTestId("confirm-action").click();
      await expect(status(it1)).toHaveAttribute("data-status", "resolved");
      await expect(it1.getByTestId("ticket-resolution")).toHaveText(`New socket fitted ${stamp}`);
      expectNoContractErrors();
      await it1.context().close();
    });

    test(`approvers approve and reject after confirming (${l})`, async ({ browser }) => {
      const stamp = stampOf();
      const [yes, no] = await Promise.all([
        desk.submitted(`Printer purchase ${stamp}`, { amount: "45000.00" }),
        desk.submitted(`Sofa purchase ${stamp}`, { amount: "30000.00" }),
      ]);
      await desk.act("mod1", yes.id, "request_approval");
      await desk.act("mod1", no.id, "request_approval");
      const fin = await signIn(browser, "fin1");
      await setLang(fin, lang);
      await fin.goto("/assignee/approvals");
      const list = fin.getByTestId("approval-list");
      const yesItem = list.locator("li").filter({ hasText: String(yes.number) });
      const noItem = list.locator("li").filter({ hasText: String(no.number) });
      await expect(yesItem).toBeVisible();
      await visit(fin, "approver", "approvals", l);
      await yesItem.locator("button").first().click();
      await expect(fin.getByTestId("confirm-dialog")).toBeVisible();
      await fin.keyboard.press("Escape");
      await expect(fin.getByTestId("confirm-dialog")).toBeHidden();
      await expectFocusOn(yesItem.locator("button").first());
      await yesItem.locator("button").first().click();
      await expect(fin.getByTestId("confirm-dialog")).toContainText("45,000");
      await visit(fin, "approver", "approve-confirm", l);
      await fin.getByTestId("confirm-action").click();
      await expect(yesItem).toHaveCount(0);
      expect((await desk.ticket(yes.id)).status).toBe("approved");
      await noItem.locator("button").nth(1).click();
      await dialog(fin).locator("textarea").fill("Not in this year's budget.");
      await dialog(fin).locator('button[type="submit"]').click();
      await expect(noItem).toHaveCount(0);
      expect((await desk.ticket(no.id)).status).toBe("rejected");
      // On a ticket they only decide, an approver neither chats nor uploads.
      const third = await desk.submitted(`Desk lamp ${stamp}`, { amount: "5000.00" });
      await desk.act("mod1", third.id, "request_approval");
      await fin.goto(`/assignee/request-detail/${third.id}`);
      await expect(fin.getByTestId("ticket-title")).toBeVisible();
      await expect(fin.getByTestId("ticket-chat").locator("textarea")).toHaveCount(0);
      await expect(fin.locator('input[type="file"]')).toHaveCount(0);
      await visit(fin, "approver", "ticket", l);
      await fin.context().close();
    });

    test(`admin manages users, imports with a bad row, departments, SLA, audit export and notifications (${l})`, async ({ browser }) => {
      const stamp = stampOf();
      const admin = await signIn(browser, "admin1");
      await setLang(admin, lang);
      await visit(admin, "admin", "dashboard", l);
      await admin.goto("/admin/users");
      await expect(admin.getByTestId("users-table")).toBeVisible();
      await visit(admin, "admin", "users", l);
      const csv = `employee_code,full_name,role\nimp${stamp},Imported ${stamp},requestor\nbad${stamp},Bad Role ${stamp},wizard\n`;
      await admin.locator('input[type="file"]').setInputFiles({ name: "people.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
      const report = admin.locator("table").filter({ hasText: `bad${stamp}` });
      await expect(report).toBeVisible();
      await expect(admin.locator("tr").filter({ hasText: `imp${stamp}` }).first()).toBeVisible();
      await visit(admin, "admin", "users-import", l);
      await admin.goto("/admin/departments");
      await expect(admin.locator("main")).toContainText(/IT|آئی ٹی/);
      await visit(admin, "admin", "departments", l);
      await admin.goto("/admin/settings");
      await expect(admin.locator("main table, main form").first()).toBeVisible();
      await visit(admin, "admin", "sla-calendar", l);
      await admin.goto("/admin/audit");
      await expect(admin.getByTestId("audit-table")).toBeVisible();
      const download = admin.waitForEvent("download");
      await admin.getByTestId("audit-export").click();
      const file = await download;
      expect(file.suggestedFilename()).toMatch(/\.csv$/);
      await visit(admin, "admin", "audit", l);
      await admin.goto("/admin/notifications");
      await expect(admin.locator("main")).toBeVisible();
      await visit(admin, "admin", "notifications", l);
      expectNoContractErrors();
      await admin.context().close();
    });
  }
}
