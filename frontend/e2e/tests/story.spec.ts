import { expect, test } from "@playwright/test";
import { apiAs, API, expectNoContractErrors, selectMatching, shot, signIn, status, ticketIdFromUrl } from "./helpers";

/**
 * The "Done when" story, in one browser run: a request with an attachment, split between
 * IT and Maintenance, chat seen live by the requestor, both halves resolved, the parent resolved,
 * confirmed and rated; then Urdu's right-to-left layout and the conflict dialog of a stale edit.
 */
test("a request travels from req1 through mod1, it1 and mnt1 and back", async ({ browser }) => {
  const stamp = Date.now().toString(36);
  const title = `Projector and leaking roof ${stamp}`;

  // req1 files a request with an attachment.
  const req = await signIn(browser, "req1");
  await expect(req.getByTestId("dashboard-requestor")).toBeVisible();
  await req.getByRole("link", { name: "New request" }).first().click();
  await req.getByLabel("Title").fill(title);
  await req.getByLabel("Description").fill("The projector in room 4 is dead and the roof above it leaks when it rains.");
  await req.getByLabel("Priority").selectOption("high");
  await req.getByLabel("Attachments").setInputFiles({
    name: "room4-notes.txt",
    mimeType: "text/plain",
    buffer: Buffer.from("Room 4: projector shows no picture; water drips near the window.\n"),
  });
  await expect(req.getByTestId("upload-list")).toContainText("room4-notes.txt");
  await req.getByTestId("submit-request").click();
  await req.waitForURL(/\/requestor\/request-detail\/[0-9a-f-]{36}$/);
  const ticketId = ticketIdFromUrl(req);
  await expect(req.getByTestId("ticket-title")).toHaveText(title);
  await expect(status(req)).toHaveAttribute("data-status", "submitted");
  await expect(req.getByTestId("attachment")).toContainText("room4-notes.txt");

  // mod1 splits it between IT and Maintenance.
  const mod = await signIn(browser, "mod1");
  await expect(mod.getByTestId("dashboard-moderator")).toBeVisible();
  await shot(mod, "moderator-dashboard");
  await mod.goto(`/moderator/review/${ticketId}`);
  await expect(mod.getByTestId("ticket-title")).toHaveText(title);
  await mod.getByRole("button", { name: "Split into sub-tickets" }).click();
  const split = mod.getByTestId("split-modal");
  await selectMatching(split.getByLabel("Department 1"), /^(IT|Information)/i);
  await selectMatching(split.getByLabel("Assignee 1"), /\(it1\)/);
  await split.getByLabel("Title 1").fill(`Projector ${stamp}`);
  await selectMatching(split.getByLabel("Department 2"), /Mainten/i);
  await selectMatching(split.getByLabel("Assignee 2"), /\(mnt1\)/);
  await split.getByLabel("Title 2").fill(`Roof ${stamp}`);
  await split.getByRole("button", { name: "Split into sub-tickets" }).click();
  await expect(split).toBeHidden();
  const subtickets = mod.getByTestId("subtickets").locator("[data-subticket-id]");
  await expect(subtickets).toHaveCount(2);
  const itSub = await subtickets.filter({ hasText: `Projector ${stamp}` }).getAttribute("data-subticket-id");
  const mntSub = await subtickets.filter({ hasText: `Roof ${stamp}` }).getAttribute("data-subticket-id");
  expect(itSub && mntSub).toBeTruthy();

  // The requestor's open page follows without a reload.
  await expect(status(req)).toHaveAttribute("data-status", "in_progress");
  await expect(req.getByTestId("chat-connected")).toBeVisible();

  // it1 and mnt1 each start their half and chat on it.
  const it1 = await signIn(browser, "it1");
  await expect(it1.getByTestId("dashboard-assignee")).toBeVisible();
  await shot(it1, "assignee-dashboard");
  await it1.goto(`/assignee/task-detail/${itSub}`);
  await it1.getByRole("button", { name: "Start work" }).click();
  await expect(status(it1)).toHaveAttribute("data-status", "in_progress");
  await it1.getByLabel("Message").fill(`IT here: a new projector lamp is on its way (${stamp})`);
  await it1.getByRole("button", { name: "Send" }).click();

  const mnt1 = await signIn(browser, "mnt1");
  await mnt1.goto(`/assignee/task-detail/${mntSub}`);
  await mnt1.getByRole("button", { name: "Start work" }).click();
  await expect(status(mnt1)).toHaveAttribute("data-status", "in_progress");
  await mnt1.getByLabel("Message").fill(`Maintenance: roofer booked for Thursday (${stamp})`);
  await mnt1.getByRole("button", { name: "Send" }).click();

  const reqMessages = req.getByTestId("chat-messages");
  await expect(reqMessages).toContainText(`IT here: a new projector lamp is on its way (${stamp})`);
  await expect(reqMessages).toContainText(`Maintenance: roofer booked for Thursday (${stamp})`);
  // Each message once, however many frames and catch-ups delivered it.
  await expect(reqMessages.getByText(`IT here: a new projector lamp is on its way (${stamp})`)).toHaveCount(1);

  // Both halves resolve; the parent resolves itself and the requestor sees it live.
  await it1.getByRole("button", { name: "Resolve" }).click();
  await it1.getByTestId("confirm-dialog").getByLabel(/Resolution note/).fill(`New lamp fitted (${stamp})`);
  await it1.getByTestId("confirm-action").click();
  await expect(status(it1)).toHaveAttribute("data-status", "resolved");
  await expect(it1.getByTestId("ticket-resolution")).toHaveText(`New lamp fitted (${stamp})`);
  await mnt1.getByRole("button", { name: "Resolve" }).click();
  await mnt1.getByTestId("confirm-action").click();
  await expect(status(mnt1)).toHaveAttribute("data-status", "resolved");
  await expect(status(req)).toHaveAttribute("data-status", "resolved", { timeout: 30_000 });

  // req1 confirms and rates.
  await req.getByRole("button", { name: "Confirm resolution" }).click();
  await expect(status(req)).toHaveAttribute("data-status", "closed");
  const rating = req.getByTestId("rating-form");
  await rating.getByLabel("5 / 5").check({ force: true });
  await rating.getByLabel("Comment").fill("Quick and friendly, thank you.");
  await rating.getByRole("button", { name: "Rate" }).click();
  await expect(req.getByTestId("ticket-rating")).toBeVisible();

  await req.goto("/requestor/dashboard");
  await expect(req.getByTestId("dashboard-requestor")).toBeVisible();
  await shot(req, "requestor-dashboard");

  // Urdu lays the page out right to left.
  await req.getByTestId("language-switcher").selectOption("ur");
  await expect(req.locator("html")).toHaveAttribute("dir", "rtl");
  await expect(req.locator("html")).toHaveAttribute("lang", "ur");
  await expect(req.getByRole("link", { name: "نئی درخواست" }).first()).toBeVisible();
  await shot(req, "requestor-dashboard-urdu");
  await req.getByTestId("language-switcher").selectOption("en");
  await expect(req.locator("html")).toHaveAttribute("dir", "ltr");

  // A phone-width layout still works.
  await req.setViewportSize({ width: 390, height: 800 });
  await expect(req.getByRole("button", { name: "Menu" })).toBeVisible();
  await shot(req, "requestor-dashboard-phone");
  await req.setViewportSize({ width: 1280, height: 860 });

  // Every payload and frame the pages read matched the generated contract.
  expectNoContractErrors();
  for (const page of [mod, it1, mnt1]) await page.context().close();
});

test("a stale edit opens the conflict dialog with the newer state", async ({ browser }) => {
  const stamp = Date.now().toString(36);
  const req = await signIn(browser, "req1");
  await req.goto("/requestor/new-request");
  await req.getByLabel("Title").fill(`Draft chair repair ${stamp}`);
  await req.getByLabel("Description").fill("Two chairs in the staff room have broken legs.");
  await req.getByRole("button", { name: "Save as draft" }).click();
  await req.waitForURL(/\/request-detail\/[0-9a-f-]{36}$/);
  const ticketId = ticketIdFromUrl(req);
  await expect(status(req)).toHaveAttribute("data-status", "draft");

  // The user starts editing...
  await req.getByRole("button", { name: "Edit" }).click();
  const editor = req.getByTestId("edit-ticket-modal");
  await expect(editor).toBeVisible();

  // ...while the same ticket is changed elsewhere.
  const { api } = await apiAs("req1");
  const current = await (await api.get(`${API}/api/v1/tickets/${ticketId}`)).json();
  const changed = await api.patch(`${API}/api/v1/tickets/${ticketId}`, {
    data: { title: `Changed elsewhere ${stamp}`, version: current.version },
  });
  expect(changed.ok(), await changed.text()).toBeTruthy();
  await api.dispose();

  await editor.getByLabel("Title").fill(`My stale title ${stamp}`);
  await editor.getByRole("button", { name: "Save" }).click();
  const conflict = req.getByTestId("conflict-dialog");
  await expect(conflict).toBeVisible();
  await expect(conflict.getByTestId("conflict-latest")).toContainText(`Changed elsewhere ${stamp}`);
  await shot(req, "conflict-dialog");
  await conflict.getByRole("button", { name: "Reload the newer version" }).click();
  await expect(conflict).toBeHidden();
  await expect(req.getByTestId("ticket-title")).toHaveText(`Changed elsewhere ${stamp}`);
});

test("admin and approver main pages, and the 404 page", async ({ browser }) => {
  const admin = await signIn(browser, "admin1");
  await expect(admin.getByTestId("dashboard-admin")).toBeVisible();
  await shot(admin, "admin-dashboard");
  await admin.goto("/admin/audit");
  await expect(admin.getByRole("heading", { name: "Audit log" })).toBeVisible();
  await shot(admin, "admin-audit");

  const ceo = await signIn(browser, "ceo1");
  await expect(ceo.getByRole("link", { name: "Approvals" }).first()).toBeVisible();
  await ceo.getByRole("link", { name: "Approvals" }).first().click();
  await expect(ceo.getByRole("heading", { name: "Approvals" })).toBeVisible();
  await shot(ceo, "approver-approvals");

  await ceo.goto("/no/such/page");
  await expect(ceo.getByTestId("not-found")).toBeVisible();
  expectNoContractErrors();
});
