import { expect, test, type Page } from "@playwright/test";
import { API, shot, signIn } from "./helpers";
import { Desk, LANGS, setLang, stampOf } from "./roles";

/**
 * The agent workspace (issue 16): an assignee writes a canned reply on its page and answers with it (typed as /shortcut; the
 * picker offers it too), rendered by the server in the requestor's language, and writes an internal
 * note mentioning a moderator through the autocomplete; the requestor's open page shows the reply
 * and never the note, live or after a reload. In English and Urdu.
 */

const GREETING = { en: "Salaam", ur: "السلام علیکم" } as const;

async function openTicket(page: Page, id: string) {
  await page.goto(`/tickets/${id}`);
  await expect(page.getByTestId("ticket-detail")).toBeVisible();
  await expect(page.getByTestId("chat-connected")).toBeVisible();
}

for (const lang of LANGS) {
  test(`an assignee answers with a canned reply and a note the requestor never sees (${lang})`, async ({ browser }) => {
    const desk = await Desk.open();
    const stamp = stampOf();
    const ticket = await desk.assigned(`Projector in hall ${stamp} (${lang})`);
    const requestorName = (await desk.user("req1")).full_name as string;
    const shortcut = `ack-${stamp}`.toLowerCase();

    // The assignee writes a personal canned reply in both languages on its page.
    const assignee = await signIn(browser, "it1");
    await setLang(assignee, lang);
    await assignee.goto("/settings/canned-responses");
    await assignee.locator("#canned-title").fill(`Acknowledge ${stamp}`);
    await assignee.locator("#canned-shortcut").fill(shortcut);
    await assignee.locator("#canned-en").fill("Salaam {{requestor.full_name}}, {{ticket.number}} is with {{assignee.full_name}} now.");
    await assignee.locator("#canned-ur").fill("السلام علیکم {{requestor.full_name}}، {{ticket.number}} اب {{assignee.full_name}} کے پاس ہے۔");
    await assignee.locator("#canned-ur").press("Tab");
    await assignee.getByRole("button", { name: lang === "ur" ? "محفوظ کریں" : "Save" }).click();
    await expect(assignee.getByTestId("canned-list")).toContainText(`/${shortcut}`);
    await shot(assignee, `assignee-canned-replies-${lang}`);

    // The requestor reads in this language: the server renders canned replies in it. Their saved
    // language may be another (an earlier spec switched it), and the switcher saves only a change.
    expect((await (await desk.as("req1")).patch(`${API}/api/v1/auth/me`, { data: { language: lang } })).ok()).toBe(true);
    const requestor = await signIn(browser, "req1");
    await setLang(requestor, lang);
    // Signing in started in English and the switch back is saved in the background: the reply is
    // rendered in the language the server holds, so wait until it holds this one.
    await expect.poll(async () => (await desk.user("req1")).language, { message: "req1's saved language" }).toBe(lang);
    await openTicket(requestor, ticket.id);
    // No note toggle and no canned replies for a requestor: the server's allowed_actions say so.
    await expect(requestor.getByTestId("chat-composer")).toHaveAttribute("data-mode", "reply");
    await expect(requestor.getByTestId("chat-mode")).toHaveCount(0);
    await expect(requestor.getByTestId("canned-picker-button")).toHaveCount(0);

    await openTicket(assignee, ticket.id);
    const input = assignee.getByTestId("chat-input");

    // The picker offers the canned reply...
    await assignee.getByTestId("canned-picker-button").click();
    await assignee.getByTestId("canned-picker").getByRole("textbox").fill(shortcut);
    await assignee.getByTestId("canned-option").filter({ hasText: `/${shortcut}` }).click();
    await expect(input).toHaveValue(new RegExp(`^${GREETING[lang]} `));
    await input.fill("");
    // ... and so does typing its shortcut; Enter inserts it, filled in for this ticket.
    await input.pressSequentially(`/${shortcut}`);
    await expect(assignee.getByTestId("canned-suggestions")).toContainText(`/${shortcut}`);
    await input.press("Enter");
    await expect(input).toHaveValue(`${GREETING[lang]} ${requestorName}${lang === "ur" ? "،" : ","} ${ticket.number}`
      + (lang === "ur" ? ` اب ${(await desk.user("it1")).full_name} کے پاس ہے۔` : ` is with ${(await desk.user("it1")).full_name} now.`));
    await input.press("Enter");
    const reply = requestor.getByTestId("chat-message").filter({ hasText: `${GREETING[lang]} ${requestorName}` });
    await expect(reply).toBeVisible();

    // An internal note, mentioning a moderator through the autocomplete.
    const noteText = `Warranty claim ${stamp}: vendor collects the lamp`;
    await assignee.getByTestId("chat-mode-note").click();
    await expect(assignee.getByTestId("chat-composer")).toHaveAttribute("data-mode", "note");
    await input.pressSequentially("@mod1");
    await expect(assignee.getByTestId("mention-suggestions")).toContainText("@mod1");
    await input.press("Enter");
    await expect(input).toHaveValue("@mod1 ");
    await input.pressSequentially(noteText);
    await input.press("Enter");
    const note = assignee.locator('[data-testid="chat-message"][data-internal="true"]').filter({ hasText: noteText });
    await expect(note).toBeVisible();
    await expect(note).not.toHaveAttribute("data-pending", "true");
    await shot(assignee, `assignee-workspace-note-${lang}`);

    // A reply after the note: once the requestor's page shows it, the note would have arrived too.
    await assignee.getByTestId("chat-mode-reply").click();
    const after = `The technician comes at noon ${stamp}`;
    await input.fill(after);
    await input.press("Enter");
    await expect(requestor.getByTestId("chat-message").filter({ hasText: after })).toBeVisible();
    await expect(requestor.getByText(noteText)).toHaveCount(0);
    await expect(requestor.locator('[data-internal="true"]')).toHaveCount(0);
    await shot(requestor, `requestor-workspace-no-note-${lang}`);
    // Nor after a reload (the history over HTTP).
    await openTicket(requestor, ticket.id);
    await expect(requestor.getByTestId("chat-message").filter({ hasText: after })).toBeVisible();
    await expect(requestor.getByText(noteText)).toHaveCount(0);

    // The moderator reads the note, marked as one.
    const moderator = await signIn(browser, "mod1");
    await setLang(moderator, lang);
    await openTicket(moderator, ticket.id);
    await expect(moderator.locator('[data-testid="chat-message"][data-internal="true"]').filter({ hasText: noteText }))
      .toBeVisible();

    for (const page of [requestor, assignee, moderator]) await page.context().close();
    await desk.close();
  });
}
