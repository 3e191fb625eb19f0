import { expect, test } from "@playwright/test";
import { API, expectNoContractErrors, shot, signIn } from "./helpers";

/**
 * An admin picks date ranges on the analytics page (over make run's 120-day demo history): the
 * range goes into the URL, every chart and card follows it (daily buckets up to a month, weekly
 * beyond, the same numbers the API gives for that range), it survives a reload, and the Reports page
 * summarises each department over its range. English and Urdu.
 */
const day = (offset: number) => {
  const d = new Date();
  d.setDate(d.getDate() + offset);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 10);
};

test("admin picks a date range on analytics and the charts follow it", async ({ browser }) => {
  // One sign-in (logins are rate limited): the API checks below use the page's own session.
  const page = await signIn(browser, "admin1");
  await page.setViewportSize({ width: 1280, height: 1000 });
  const token = await page.evaluate(() => JSON.parse(localStorage.getItem("hdms-session") ?? "{}").state?.access);
  expect(token).toBeTruthy();
  const api = { get: (path: string) => page.request.get(`${API}${path}`, { headers: { Authorization: `Bearer ${token}` } }) };

  await page.goto("/admin/analytics");
  const reports = page.getByTestId("reports");
  const volume = page.getByTestId("chart-volume");
  const trend = page.getByTestId("chart-priority-trend");
  // Default: the last 30 days, per day.
  await expect(reports).toHaveAttribute("data-range-from", day(-29));
  await expect(reports).toHaveAttribute("data-range-to", day(0));
  await expect(volume).toHaveAttribute("data-points", "30");
  await expect(page.getByTestId("range-preset-30")).toHaveAttribute("aria-pressed", "true");

  // Last 7 days: in the URL, 7 daily buckets, the summary's total is the API's for that range.
  await page.getByTestId("range-preset-7").click();
  await expect(page).toHaveURL(new RegExp(`from=${day(-6)}&to=${day(0)}`));
  await expect(volume).toHaveAttribute("data-points", "7");
  await expect(trend).toHaveAttribute("data-points", "7");
  await expect(volume).toContainText(day(-6));
  const week = await (await api.get(`/api/v1/analytics/summary?from=${day(-6)}&to=${day(0)}`)).json();
  expect(week.total).toBeGreaterThan(10);
  await expect(page.getByTestId("summary-total")).toContainText(week.total.toLocaleString("en-GB"));

  // A custom range of 120 days: weekly buckets, as many as the API returns, more tickets than the week.
  await page.getByTestId("range-from").fill(day(-119));
  await page.getByTestId("range-to").fill(day(0));
  await page.getByTestId("range-apply").click();
  await expect(page).toHaveURL(new RegExp(`from=${day(-119)}&to=${day(0)}`));
  const weekly = await (await api.get(`/api/v1/analytics/volume?from=${day(-119)}&to=${day(0)}&interval=week`)).json();
  expect(weekly.items.length).toBeGreaterThanOrEqual(18);
  await expect(volume).toHaveAttribute("data-points", String(weekly.items.length));
  await expect(page.getByTestId("range-preset-120")).toHaveAttribute("aria-pressed", "true");
  const all = await (await api.get(`/api/v1/analytics/summary?from=${day(-119)}&to=${day(0)}`)).json();
  expect(all.total).toBeGreaterThan(2000);
  await expect(page.getByTestId("summary-total")).toContainText(all.total.toLocaleString("en-GB"));
  // The trend is spread over the weeks, not one spike.
  const busyWeeks = weekly.items.filter((i: { created: number }) => i.created > 0).length;
  expect(busyWeeks).toBeGreaterThanOrEqual(17);
  await expect(page.getByTestId("export-volume")).toBeVisible();
  await shot(page, "admin-analytics-date-range-en");

  // The range lives in the URL: a reload keeps it.
  await page.reload();
  await expect(reports).toHaveAttribute("data-range-from", day(-119));
  await expect(volume).toHaveAttribute("data-points", String(weekly.items.length));

  // Urdu: the same range, right to left.
  await page.getByTestId("language-switcher").selectOption("ur");
  await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
  await expect(page.getByTestId("range-preset-90")).toHaveText("پچھلے 90 دن");
  await expect(volume).toHaveAttribute("data-points", String(weekly.items.length));
  await shot(page, "admin-analytics-date-range-ur");

  // Reports: a summary per department over the range.
  await page.goto(`/admin/reports?from=${day(-89)}&to=${day(0)}`);
  await expect(page.getByTestId("department-report")).toHaveAttribute("data-range-from", day(-89));
  // the six departments (and the story tickets not yet routed to one)
  await expect.poll(() => page.getByTestId("department-row").count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(6);
  await expect(page.getByTestId("department-row").filter({ hasText: "Maintenance" })).toHaveCount(1);
  await expect(page.getByTestId("department-summary")).toContainText("شعبہ وار خلاصہ");
  await shot(page, "admin-reports-by-department-ur");
  await page.getByTestId("language-switcher").selectOption("en");
  await expect(page.getByTestId("department-summary")).toContainText("Summary by department");
  await shot(page, "admin-reports-by-department-en");

  expectNoContractErrors();
  await page.context().close();
});
