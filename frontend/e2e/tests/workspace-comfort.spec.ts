import { expect, test, type Page } from "@playwright/test";
import { shot, signIn } from "./helpers";
import { Desk, LANGS, setLang, stampOf } from "./roles";

/**
 * The agent workspace, continued (issue 16 items 4, 9, 10): two staff on one ticket see each
 * other and see the other writing an internal note, which the requestor's open page never shows;
 * the ticket list keeps its rows and offers "N new or changed — refresh"; the `?` overlay and
 * shortcuts; the dark theme (a remembered toggle, the system's preference by default); files
 * dropped on the conversation are attached. In English and Urdu.
 */

const WRITING_NOTE = { en: "writing an internal note", ur: "اندرونی نوٹ لکھ رہے ہیں" } as const;
const WRITING_REPLY = { en: "writing a reply", ur: "جواب لکھ رہے ہیں" } as const;
const SHORTCUTS_TITLE = { en: "Keyboard shortcuts", ur: "کی بورڈ شارٹ کٹس" } as const;
const CHANGED = { en: /new or changed — refresh/, ur: /نئے یا تبدیل شدہ — تازہ کریں|نیا یا تبدیل شدہ — تازہ کریں/ } as const;

async function openTicket(page: Page, id: string) {
  await page.goto(`/tickets/${id}`);
  await expect(page.getByTestId("ticket-detail")).toBeVisible();
  await expect(page.getByTestId("chat-connected")).toBeVisible();
}

const person = (page: Page, name: string) => page.getByTestId("presence-user").filter({ hasText: name });

for (const lang of LANGS) {
  test(`two staff on a ticket see each other and one sees the other writing a note (${lang})`, async ({ browser }) => {
    const desk = await Desk.open();
    const ticket = await desk.assigned(`Scanner on floor 3 ${stampOf()} (${lang})`);
    const assigneeName = (await desk.user("it1")).full_name as string;
    const moderatorName = (await desk.user("mod1")).full_name as string;

    const requestor = await signIn(browser, "req1");
    await setLang(requestor, lang);
    await openTicket(requestor, ticket.id);
    const moderator = await signIn(browser, "mod1");
    await setLang(moderator, lang);
    await openTicket(moderator, ticket.id);
    const assignee = await signIn(browser, "it1");
    await setLang(assignee, lang);
    await openTicket(assignee, ticket.id);

    // Each sees the other, viewing (not themselves).
    await expect(person(moderator, assigneeName)).toHaveAttribute("data-state", "viewing");
    await expect(person(assignee, moderatorName)).toHaveAttribute("data-state", "viewing");
    await expect(person(assignee, assigneeName)).toHaveCount(0);

    // The assignee writes an internal note: the moderator sees it, the requestor does not.
    await assignee.getByTestId("chat-mode-note").click();
    await assignee.getByTestId("chat-input").pressSequentially("Checking the warranty first");
    const writing = person(moderator, assigneeName);
    await expect(writing).toHaveAttribute("data-state", "composing");
    await expect(writing).toHaveAttribute("data-internal", "true");
    await expect(writing).toContainText(WRITING_NOTE[lang]);
    await shot(moderator, `moderator-sees-colleague-writing-note-${lang}`);
    await expect(person(requestor, assigneeName)).toHaveAttribute("data-state", "viewing");
    await expect(requestor.getByTestId("chat-presence")).not.toContainText(WRITING_NOTE[lang]);

    // Sent: back to viewing for the moderator; a reply being written shows to the requestor too.
    await assignee.getByTestId("chat-input").press("Enter");
    await expect(person(moderator, assigneeName)).toHaveAttribute("data-state", "viewing");
    await assignee.getByTestId("chat-mode-reply").click();
    await assignee.getByTestId("chat-input").pressSequentially("On my way");
    await expect(person(requestor, assigneeName)).toContainText(WRITING_REPLY[lang]);
    await expect(person(moderator, assigneeName)).toContainText(WRITING_REPLY[lang]);
    // The note never reached the requestor's page.
    await expect(requestor.getByTestId("chat-message").filter({ hasText: "Checking the warranty first" })).toHaveCount(0);

    // A closed tab is gone from the others' pages.
    await assignee.context().close();
    await expect(person(moderator, assigneeName)).toHaveCount(0);
    await requestor.context().close();
    await moderator.context().close();
  });
}

test("the ticket list keeps its rows and offers N new or changed — refresh (ur)", async ({ browser }) => {
  const desk = await Desk.open();
  const moderator = await signIn(browser, "mod1");
  await setLang(moderator, "ur");
  await moderator.goto("/moderator/tickets");
  const rows = moderator.getByTestId("ticket-table").locator("tbody tr[data-ticket-id]");
  await expect(rows.first()).toBeVisible();
  const firstBefore = await rows.first().getAttribute("data-ticket-id");
  await expect(moderator.getByTestId("list-changed-banner")).toHaveCount(0);

  const title = `Door lock jammed ${stampOf()}`;
  const created = await desk.submitted(title);
  // The page asks the server when it becomes visible again (and every 15 s).
  await moderator.evaluate(() => document.dispatchEvent(new Event("visibilitychange")));
  const banner = moderator.getByTestId("list-changed-banner");
  await expect(banner).toContainText(CHANGED.ur);
  // The rows did not move under the reader.
  await expect(rows.first()).toHaveAttribute("data-ticket-id", firstBefore!);
  await expect(moderator.locator(`tr[data-ticket-id="${created.id}"]`)).toHaveCount(0);
  await shot(moderator, "moderator-list-changed-banner-ur");
  await banner.click();
  await expect(moderator.locator(`tr[data-ticket-id="${created.id}"]`)).toBeVisible();
  await expect(banner).toHaveCount(0);
  await moderator.context().close();
});

test("shortcuts: the ? overlay, next ticket in the list, note; the dark theme; a file dropped on the chat (en)", async ({ browser }) => {
  const desk = await Desk.open();
  const ticket = await desk.assigned(`Laptop battery ${stampOf()}`);
  const assignee = await signIn(browser, "it1");

  // ? opens the overlay listing the shortcuts; Escape closes it.
  await assignee.goto("/assignee/tasks");
  await expect(assignee.getByTestId("ticket-table")).toBeVisible();
  await assignee.keyboard.press("?");
  const overlay = assignee.getByTestId("shortcuts-overlay");
  await expect(overlay).toBeVisible();
  await expect(overlay).toContainText(SHORTCUTS_TITLE.en);
  await expect(overlay).toContainText("Assign to me");
  await shot(assignee, "assignee-shortcuts-overlay-en");
  await assignee.keyboard.press("Escape");
  await expect(overlay).toHaveCount(0);
  // j moves to the first ticket of the list, j again to the next.
  const links = assignee.getByTestId("ticket-table").locator("tbody tr[data-ticket-id] a[href]");
  await assignee.keyboard.press("j");
  await expect(links.first()).toBeFocused();
  if ((await links.count()) > 1) {
    await assignee.keyboard.press("j");
    await expect(links.nth(1)).toBeFocused();
  }

  // n on a ticket's page: the internal-note box, focused.
  await openTicket(assignee, ticket.id);
  await assignee.keyboard.press("n");
  await expect(assignee.getByTestId("chat-composer")).toHaveAttribute("data-mode", "note");
  await expect(assignee.getByTestId("chat-input")).toBeFocused();

  // A file dropped on the conversation goes to the ticket's attachments.
  await assignee.getByTestId("chat-input").blur();
  const transfer = await assignee.evaluateHandle(() => {
    const data = new DataTransfer();
    data.items.add(new File(["Battery serial BT-2231\n"], "battery-serial.txt", { type: "text/plain" }));
    return data;
  });
  const chat = assignee.getByTestId("ticket-chat");
  await chat.dispatchEvent("dragover", { dataTransfer: transfer });
  await expect(assignee.getByTestId("chat-drop-hint")).toBeVisible();
  await chat.dispatchEvent("drop", { dataTransfer: transfer });
  await expect(assignee.getByTestId("attachment").filter({ hasText: "battery-serial.txt" })).toBeVisible();

  // The theme toggle: dark, remembered across a reload; t switches back.
  const html = assignee.locator("html");
  await expect(html).not.toHaveClass(/dark/);
  await assignee.getByTestId("theme-toggle").click();
  await expect(html).toHaveClass(/dark/);
  await shot(assignee, "assignee-ticket-dark-en");
  await assignee.reload();
  await expect(html).toHaveClass(/dark/);
  await expect(assignee.getByTestId("ticket-detail")).toBeVisible();
  await assignee.keyboard.press("t");
  await expect(html).not.toHaveClass(/dark/);
  await assignee.context().close();

  // With no choice made, the system's preference decides.
  const context = await browser.newContext({ colorScheme: "dark" });
  const fresh = await context.newPage();
  await fresh.goto("/login");
  await expect(fresh.locator("html")).toHaveClass(/dark/);
  await context.close();
});
