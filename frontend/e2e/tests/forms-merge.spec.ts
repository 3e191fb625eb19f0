import { expect, test } from "@playwright/test";
import { selectMatching, shot, signIn, status, ticketIdFromUrl } from "./helpers";
import { Desk, LANGS, setLang, stampOf } from "./roles";

/**
 * Request forms, links and merge (issue 16, items 6 and 7), in English and Urdu: a requestor files a
 * Finance request whose form (seeded by seed_demo) asks for the amount and the cost centre; an amount
 * that is not a number is refused by the server with the field named in place, then the corrected one
 * is filed and its form shows on the ticket. A moderator merges a duplicate into another ticket: the
 * duplicate shows "merged" and its link to the target, the target shows the merged duplicate, and the
 * duplicate's requestor may now open the target. A moderator sends a canned reply to several tickets
 * from the bulk bar: each open one gets it filled in for it, a withdrawn one is refused in the report.
 */

const AMOUNT_LABEL = { en: "Amount (PKR)", ur: "رقم (روپے)" } as const;

for (const lang of LANGS) {
  test(`a requestor files a Finance request whose form asks for the amount (${lang})`, async ({ browser }) => {
    const stamp = stampOf();
    const req = await signIn(browser, "req1");
    await req.goto("/requestor/new-request");
    await setLang(req, lang);
    const form = req.getByTestId("new-request-form");
    await req.locator("#title").fill(`Pay the stationery vendor ${stamp}`);
    await req.locator("#description").fill("Invoice 2231 for exam paper, due this week.");
    await selectMatching(req.locator("#department_id"), /Finance/);
    await selectMatching(req.getByTestId("request-form-category"), lang === "ur" ? /ادائیگی کی درخواست/ : /Payment request/);
    const fields = req.getByTestId("request-form-fields");
    await expect(fields).toContainText(AMOUNT_LABEL[lang]);
    await req.locator("#form-amount").fill("15k rupees");
    await selectMatching(req.locator("#form-cost_centre"), /IT/);
    await req.getByTestId("submit-request").click();

    // The server refuses the amount and the form says so beside the field, naming it.
    const amountError = req.locator("#form-amount-error");
    await expect(amountError).toBeVisible();
    await expect(amountError).toContainText(AMOUNT_LABEL[lang]);
    await expect(req).toHaveURL(/\/new-request$/);
    await shot(req, `requestor-request-form-refused-${lang}`);

    await req.locator("#form-amount").fill("15000");
    await req.getByTestId("submit-request").click();
    await req.waitForURL(/\/request-detail\/[0-9a-f-]{36}$/);
    await expect(status(req)).toHaveAttribute("data-status", "submitted");
    const shown = req.getByTestId("ticket-form");
    await expect(shown.locator('[data-testid="ticket-form-field"][data-key="amount"]')).toContainText(AMOUNT_LABEL[lang]);
    await expect(shown.locator('[data-testid="ticket-form-field"][data-key="amount"]')).toContainText(/15,000|۱۵,۰۰۰|15000/);
    await expect(shown.locator('[data-testid="ticket-form-field"][data-key="cost_centre"]')).toContainText("IT");
    await shot(req, `requestor-request-form-filed-${lang}`);

    // The moderator sees the same values on the ticket.
    const ticketId = ticketIdFromUrl(req);
    const desk = await Desk.open();
    const ticket = await desk.ticket(ticketId);
    expect(ticket.fields).toEqual({ amount: "15000.00", cost_centre: "IT" });
    await desk.close();
  });

  test(`a moderator merges a duplicate into another ticket and both show it (${lang})`, async ({ browser }) => {
    const desk = await Desk.open();
    const stamp = stampOf();
    const target = await desk.submitted(`No Wi-Fi in block A ${stamp} (${lang})`);
    const duplicate = await desk.submitted(`Internet down in block A ${stamp} (${lang})`, {}, "req2");

    const mod = await signIn(browser, "mod1");
    await mod.goto(`/tickets/${duplicate.id}`);
    await setLang(mod, lang);
    await expect(mod.getByTestId("ticket-detail")).toBeVisible();
    await mod.locator('[data-action="merge"]').click();
    await mod.getByTestId("merge-into").fill(target.number);
    await mod.getByTestId("merge-confirm").click();
    await expect(status(mod)).toHaveAttribute("data-status", "merged");
    const toTarget = mod.getByTestId("ticket-link").filter({ hasText: target.number });
    await expect(toTarget).toHaveAttribute("data-merged", "true");
    await expect(mod.locator('[data-action="merge"]')).toHaveCount(0);
    await shot(mod, `moderator-merged-duplicate-${lang}`);

    await mod.goto(`/tickets/${target.id}`);
    await expect(mod.getByTestId("ticket-detail")).toBeVisible();
    await expect(mod.getByTestId("ticket-link").filter({ hasText: duplicate.number })).toHaveAttribute("data-merged", "true");
    await expect(status(mod)).toHaveAttribute("data-status", "submitted");
    await shot(mod, `moderator-merge-target-${lang}`);

    // The duplicate's requestor was moved to the target: they open it and see where their request went.
    const req2 = await signIn(browser, "req2");
    await req2.goto(`/tickets/${target.id}`);
    await setLang(req2, lang);
    await expect(req2.getByTestId("ticket-detail")).toBeVisible();
    await expect(req2.getByTestId("ticket-link").filter({ hasText: duplicate.number })).toBeVisible();
    expect((await desk.ticket(duplicate.id)).merged_into_id).toBe(target.id);
    await desk.close();
  });
}

for (const lang of LANGS) {
  test(`a moderator sends a canned reply to several tickets at once (${lang})`, async ({ browser }) => {
    const desk = await Desk.open();
    const stamp = stampOf();
    const shortcut = `seen-${stamp}`.toLowerCase();
    await desk.post("admin1", "canned-responses", {
      title: `Seen ${stamp}`, shortcut, personal: false,
      body_en: "Dear {{requestor.full_name}}, we have {{ticket.number}} and will answer today.",
      body_ur: "محترم {{requestor.full_name}}، ٹکٹ {{ticket.number}} ہمیں مل گیا ہے، آج جواب دیں گے۔",
    });
    const open = await Promise.all([1, 2].map((n) => desk.submitted(`Canned chair ${n} ${stamp}`)));
    const withdrawn = await desk.submitted(`Canned chair withdrawn ${stamp}`);
    await desk.act("req1", withdrawn.id, "withdraw");

    const mod = await signIn(browser, "mod1");
    await setLang(mod, lang);
    await mod.goto("/moderator/tickets");
    await mod.locator("#filter-q").fill(stamp);
    await mod.locator("#filter-q").press("Enter");
    await expect(mod.getByTestId("select-row")).toHaveCount(3);
    await mod.getByTestId("select-all").check();
    await mod.getByTestId("bulk-action").selectOption("apply_canned");
    await selectMatching(mod.getByTestId("bulk-canned"), new RegExp(`/${shortcut}`));
    await mod.getByTestId("bulk-apply").click();
    const report = mod.getByTestId("bulk-report");
    await expect(report.locator('[data-status="ok"]')).toHaveCount(2);
    await expect(report.locator('[data-status="error"][data-code="invalid_transition"]')).toContainText(String(withdrawn.number));
    await shot(mod, `moderator-bulk-canned-${lang}`);

    // Each open ticket got the reply, filled in for it.
    const requestorName = (await desk.user("req1")).full_name as string;
    for (const ticket of open) {
      const messages = await desk.get("req1", `tickets/${ticket.id}/messages`);
      const bodies = (messages.items as { body: string }[]).map((m) => m.body);
      expect(bodies.some((b) => b.includes(requestorName) && b.includes(ticket.number))).toBe(true);
    }
    expect((await desk.get("req1", `tickets/${withdrawn.id}/messages`)).items).toEqual([]);
    await desk.close();
  });
}
