import { randomUUID } from "node:crypto";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { apiAs, API, expectNoContractErrors, signIn, status } from "./helpers";

/**
 * The web app renders what the server allows (issue 12): buttons, the edit form, rating and the
 * chat box come from the ticket's allowed_actions and editable_fields, never from a copy of the rules.
 */

async function post(api: APIRequestContext, path: string, data: Record<string, unknown>) {
  const res = await api.post(`${API}/api/v1/${path}`, { data, headers: { "Idempotency-Key": randomUUID() } });
  expect(res.ok(), `${path}: ${await res.text()}`).toBeTruthy();
  return res.json();
}

async function submittedTicket(title: string): Promise<{ id: string; version: number; department_id: string | null }> {
  const { api } = await apiAs("req1");
  const ticket = await post(api, "tickets", {
    title, description: "Filed by the browser test of the server's policy.", category: "", priority: "low", submit: true,
  });
  await api.dispose();
  expect(ticket.status).toBe("submitted");
  return ticket;
}

test("a moderator changes a ticket's priority from the web app (only editable fields are offered and sent)", async ({ browser }) => {
  const stamp = Date.now().toString(36);
  const ticket = await submittedTicket(`Priority from the web ${stamp}`);

  const mod = await signIn(browser, "mod1");
  await mod.goto(`/moderator/review/${ticket.id}`);
  await expect(status(mod)).toHaveAttribute("data-status", "submitted");
  const patches: string[] = [];
  mod.on("request", (r) => {
    if (r.method() === "PATCH" && r.url().includes(`/api/v1/tickets/${ticket.id}`)) patches.push(r.postData() ?? "");
  });
  await mod.getByRole("button", { name: "Edit" }).click();
  const editor = mod.getByTestId("edit-ticket-modal");
  await expect(editor.getByLabel("Priority")).toBeVisible();
  // The server's editable_fields for a moderator hold no title or description.
  await expect(editor.getByLabel("Title")).toHaveCount(0);
  await expect(editor.getByLabel("Description")).toHaveCount(0);
  await editor.getByLabel("Priority").selectOption("urgent");
  await editor.getByRole("button", { name: "Save" }).click();
  await expect(editor).toBeHidden();
  await expect(status(mod)).toContainText("Urgent");

  const { api } = await apiAs("mod1");
  const saved = await (await api.get(`${API}/api/v1/tickets/${ticket.id}`)).json();
  await api.dispose();
  expect(saved.priority).toBe("urgent");
  expect(patches).toHaveLength(1);
  expect(Object.keys(JSON.parse(patches[0]!)).sort()).toEqual(["priority", "version"]);
  expectNoContractErrors();
  await mod.context().close();
});

test("a requestor can rate only after closing, and a closed ticket's chat takes no message", async ({ browser }) => {
  const stamp = Date.now().toString(36);
  const ticket = await submittedTicket(`Rate after closing ${stamp}`);

  // mod1 assigns it to it1, who starts and resolves it (through the API: the page under test is req1's).
  const it = await apiAs("it1");
  const me = await (await it.api.get(`${API}/api/v1/auth/me`)).json();
  const mod = await apiAs("mod1");
  let t = await post(mod.api, `tickets/${ticket.id}/actions/assign`, {
    version: ticket.version, department_id: me.department_id, assignee_id: me.id,
  });
  t = await post(it.api, `tickets/${ticket.id}/actions/start`, { version: t.version });
  t = await post(it.api, `tickets/${ticket.id}/actions/resolve`, { version: t.version, resolution: "Replaced the cable." });
  expect(t.status).toBe("resolved");
  await Promise.all([it.api.dispose(), mod.api.dispose()]);

  const req = await signIn(browser, "req1");
  await req.goto(`/requestor/request-detail/${ticket.id}`);
  await expect(status(req)).toHaveAttribute("data-status", "resolved");
  await expect(req.getByRole("button", { name: "Confirm resolution" })).toBeVisible();
  // Resolved: no rating offered (the server accepts a rating only on a closed ticket); the chat is open.
  await expect(req.getByTestId("rating-form")).toHaveCount(0);
  await expect(req.getByRole("button", { name: "Rate" })).toHaveCount(0);
  await expect(req.getByLabel("Message")).toBeVisible();

  await req.getByRole("button", { name: "Confirm resolution" }).click();
  await expect(status(req)).toHaveAttribute("data-status", "closed");
  const rating = req.getByTestId("rating-form");
  await expect(rating).toBeVisible();
  await expect(req.getByLabel("Message")).toHaveCount(0);
  await rating.getByLabel("4 / 5").check({ force: true });
  await rating.getByRole("button", { name: "Rate" }).click();
  await expect(req.getByTestId("ticket-rating")).toBeVisible();
  await expect(req.getByTestId("rating-form")).toHaveCount(0);
  expectNoContractErrors();
  await req.context().close();
});

test("an admin observes a ticket's chat without a message box; a moderator has one", async ({ browser }) => {
  const stamp = Date.now().toString(36);
  const ticket = await submittedTicket(`Admin observes ${stamp}`);

  const mod = await signIn(browser, "mod1");
  await mod.goto(`/moderator/review/${ticket.id}`);
  await expect(status(mod)).toHaveAttribute("data-status", "submitted");
  await expect(mod.getByLabel("Message")).toBeVisible();

  const admin = await signIn(browser, "admin1");
  await admin.goto(`/moderator/review/${ticket.id}`);
  await expect(status(admin)).toHaveAttribute("data-status", "submitted");
  await expect(admin.getByTestId("ticket-chat")).toBeVisible();
  await expect(admin.getByTestId("chat-connected")).toBeVisible(); // the room is loaded: the box would be there by now
  await expect(admin.getByLabel("Message")).toHaveCount(0);
  await expect(admin.getByRole("button", { name: "Send", exact: true })).toHaveCount(0);
  // The server agrees: its payload gives the admin no "message" and refuses the post.
  const { api } = await apiAs("admin1");
  const seen = await (await api.get(`${API}/api/v1/tickets/${ticket.id}`)).json();
  expect(seen.allowed_actions).not.toContain("message");
  const refused = await api.post(`${API}/api/v1/tickets/${ticket.id}/messages`, { data: { body: "hello" } });
  expect(refused.status()).toBe(403);
  await api.dispose();
  expectNoContractErrors();
  await Promise.all([mod.context().close(), admin.context().close()]);
});
