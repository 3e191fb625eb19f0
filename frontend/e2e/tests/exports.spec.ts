import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { expectNoContractErrors, signIn } from "./helpers";
import { Desk, LANGS, setLang, stampOf, visit } from "./roles";

// DESIGN §11: an admin saves a view and exports it to Excel and CSV (the files are read back: the
// view's tickets, headers in the admin's language); the reports page shows the workload per assignee;
// the admin schedules a weekly report of the view and has it mailed at once.
const PYTHON = path.join(process.env.VENV || path.resolve(__dirname, "../../../.venv"), "bin", "python");
const READ_XLSX = `
import io, json, sys
from openpyxl import load_workbook
with open(sys.argv[1], "rb") as saved:  # the download has no .xlsx name, which openpyxl wants
    sheet = load_workbook(io.BytesIO(saved.read())).active
print(json.dumps({"rtl": bool(sheet.sheet_view.rightToLeft),
                  "rows": [[str(v) if v is not None else None for v in row] for row in sheet.iter_rows(values_only=True)]}))
`;

let desk: Desk;
test.beforeAll(async () => {
  desk = await Desk.open();
});
test.afterAll(async () => {
  await desk.close();
});

for (const lang of LANGS) {
  test(`an admin exports a saved view to Excel and CSV and reads the workload (${lang})`, async ({ browser }) => {
    const stamp = stampOf();
    const tickets = await Promise.all([1, 2].map((n) => desk.submitted(`Export bench ${n} ${stamp}`)));
    const admin = await signIn(browser, "admin1");
    await setLang(admin, lang);
    await admin.goto("/moderator/tickets");
    await admin.locator("#filter-q").fill(stamp);
    await admin.locator("#filter-q").press("Enter");
    await expect(admin.getByTestId("select-row")).toHaveCount(2);
    const name = `Export ${lang} ${stamp}`;
    await admin.locator("#view-name").fill(name);
    await admin.getByTestId("view-save").click();
    const item = admin.locator(`[data-testid="view-item"][data-view-name="${name}"]`);
    await expect(item.getByTestId("view-count")).toHaveText("2");
    await item.click();
    await expect(admin.getByTestId("select-row")).toHaveCount(2);
    await visit(admin, "admin", "export", lang);

    const [excel] = await Promise.all([admin.waitForEvent("download"), admin.getByTestId("export-xlsx").click()]);
    expect(excel.suggestedFilename()).toMatch(/^tickets-.*\.xlsx$/);
    const book = JSON.parse(execFileSync(PYTHON, ["-c", READ_XLSX, await excel.path()], { encoding: "utf-8" }));
    expect(book.rows[0][0]).toBe(lang === "ur" ? "نمبر" : "Number");
    expect(book.rtl).toBe(lang === "ur");
    expect(book.rows.slice(1).map((row: string[]) => row[0]).sort()).toEqual(tickets.map((t) => String(t.number)).sort());

    const [csv] = await Promise.all([admin.waitForEvent("download"), admin.getByTestId("export-csv").click()]);
    const lines = readFileSync(await csv.path(), "utf-8").replace(/^\ufeff/, "").trim().split(/\r?\n/);
    expect(lines).toHaveLength(3);
    for (const ticket of tickets) expect(lines.some((line) => line.startsWith(`${ticket.number},`))).toBe(true);

    // The reports page: workload per assignee over the range (the demo's history has assigned work).
    await admin.goto("/admin/reports");
    await expect(admin.getByTestId("workload-summary")).toBeVisible();
    await expect(admin.getByTestId("workload-row").first()).toBeVisible();
    await visit(admin, "admin", "reports-workload", lang);

    // A weekly report of the saved view, as PDF, to admin1; "send now" mails it at once.
    const report = `Weekly ${lang} ${stamp}`;
    const form = admin.getByTestId("scheduled-reports");
    await form.locator("#schedule-name").fill(report);
    await form.locator("#schedule-kind").selectOption("view");
    await form.locator("#schedule-view").selectOption({ label: name });
    await form.locator("#schedule-cadence").selectOption("weekly");
    await form.locator('[data-testid="schedule-recipient"][data-code="admin1"]').check();
    await form.getByTestId("schedule-save").click();
    const scheduled = form.locator(`[data-testid="schedule-item"][data-name="${report}"]`);
    await expect(scheduled).toBeVisible();
    await admin.mouse.move(0, 0); // the pointer left on the button keeps its hover shade for axe
    await visit(admin, "admin", "reports-schedule", lang);
    await scheduled.getByTestId("schedule-send").click();
    await expect(form.getByTestId("schedule-sent")).toBeVisible();
    const mails = process.env.E2E_MAIL_DIR || "";
    const sent = existsSync(mails) ? readdirSync(mails).map((file) => readFileSync(path.join(mails, file), "utf-8")) : [];
    expect(sent.some((mail) => mail.includes("application/pdf") && mail.includes("hdms-report-"))).toBe(true);
    expectNoContractErrors();
    await admin.context().close();
  });
}
