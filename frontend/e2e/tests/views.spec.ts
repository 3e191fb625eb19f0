import { expect, test } from "@playwright/test";
import { expectNoContractErrors, selectMatching, signIn } from "./helpers";
import { Desk, LANGS, setLang, stampOf, visit } from "./roles";

// DESIGN §10: a moderator saves a view, sees its live count, and bulk-assigns three tickets from
// it with a per-ticket report; a fourth, already assigned, is refused and left as it was.
let desk: Desk;
test.beforeAll(async () => {
  desk = await Desk.open();
});
test.afterAll(async () => {
  await desk.close();
});

for (const lang of LANGS) {
  test(`a moderator saves a view and bulk-assigns three tickets from it (${lang})`, async ({ browser }) => {
    const stamp = stampOf();
    const fresh = await Promise.all([1, 2, 3].map((n) => desk.submitted(`Bulk chair ${n} ${stamp}`)));
    const taken = await desk.assigned(`Bulk chair taken ${stamp}`, "mnt1");
    const mod = await signIn(browser, "mod1");
    await setLang(mod, lang);
    await mod.goto("/moderator/tickets");

    // Filter the list (search by the stamp), sort by a column header: both land in the address.
    await mod.locator("#filter-q").fill(stamp);
    await mod.locator("#filter-q").press("Enter");
    await expect(mod.getByTestId("select-row")).toHaveCount(4);
    await mod.getByTestId("sort-requestor").click();
    await expect(mod).toHaveURL(new RegExp(`q=${stamp}.*ordering=requestor|ordering=requestor.*q=${stamp}`));

    // Save it as a view: the sidebar lists it with the list's count.
    const name = `Chairs ${lang} ${stamp}`;
    await mod.locator("#view-name").fill(name);
    await mod.getByTestId("view-save").click();
    const item = mod.locator(`[data-testid="view-item"][data-view-name="${name}"]`);
    await expect(item.getByTestId("view-count")).toHaveText("4");
    await item.click();
    await expect(mod.getByTestId("select-row")).toHaveCount(4);
    await visit(mod, "moderator", "views", lang);

    // Select all four, assign them to IT / Imran in one go.
    await mod.getByTestId("select-all").check();
    await expect(mod.getByTestId("bulk-bar")).toBeVisible();
    await mod.getByTestId("bulk-action").selectOption("assign");
    await selectMatching(mod.getByTestId("bulk-department"), /^IT$/);
    await selectMatching(mod.getByTestId("bulk-assignee"), /it1/);
    await mod.getByTestId("bulk-apply").click();
    const report = mod.getByTestId("bulk-report");
    await expect(report.locator('[data-status="ok"]')).toHaveCount(3);
    await expect(report.locator('[data-status="error"][data-code="invalid_transition"]')).toHaveCount(1);
    await expect(report.locator('[data-status="error"]')).toContainText(String(taken.number));
    await mod.mouse.move(0, 0); // the pointer left on "Apply" keeps its hover shade in the screenshot and for axe
    await visit(mod, "moderator", "bulk-report", lang);

    // The server agrees: three assigned to it1, the refused one still with mnt1.
    const it1 = await desk.user("it1");
    for (const ticket of fresh) {
      const now = await desk.ticket(ticket.id);
      expect([now.status, now.assignee_id]).toEqual(["assigned", it1.id]);
    }
    expect((await desk.ticket(taken.id)).assignee_name).toMatch(/./);
    expect((await desk.ticket(taken.id)).version).toBe(taken.version);
    expectNoContractErrors();
    await mod.context().close();
  });
}
