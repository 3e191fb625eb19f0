/**
 * The analytics date range: whole calendar days, `from` and `to` both included, kept in the URL
 * (`?from=2026-11-01&to=2026-11-30`). The API reads a date alone as that whole day in the desk's
 * time zone (DESIGN §11), so the days go to the server as they are.
 */
import { saveBlob } from "./download";
export interface DateRange {
  from: string;
  to: string;
}

export const RANGE_PRESETS = [7, 30, 90, 120] as const;
export const DEFAULT_RANGE_DAYS = 30;
/** Up to this many days a trend is drawn per day, beyond it per week. */
export const DAILY_UP_TO_DAYS = 31;

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

function dayMs(day: string): number {
  return Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)));
}

function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** A real calendar day written YYYY-MM-DD (30 February is not). */
export function isDay(value: unknown): value is string {
  return typeof value === "string" && DAY_RE.test(value) && dayOf(dayMs(value)) === value;
}

/** Today as the desk's calendar sees it (the browser's local date). */
export function today(now: Date = new Date()): string {
  const local = new Date(now.getTime() - now.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 10);
}

/** The last `days` days up to and including `end`. */
export function presetRange(days: number, end: string = today()): DateRange {
  return { from: dayOf(dayMs(end) - (days - 1) * DAY_MS), to: end };
}

/** Number of days in the range, both ends included. */
export function rangeDays(range: DateRange): number {
  return Math.round((dayMs(range.to) - dayMs(range.from)) / DAY_MS) + 1;
}

/** The preset the range is (ending today), if any: highlights the preset button. */
export function presetOf(range: DateRange, end: string = today()): number | null {
  if (range.to !== end) return null;
  return RANGE_PRESETS.find((days) => rangeDays(range) === days) ?? null;
}

/** The range in the URL, or the default (last 30 days) when missing or not a valid range. */
export function rangeFromParams(params: { get(name: string): string | null }, end: string = today()): DateRange {
  const from = params.get("from");
  const to = params.get("to");
  if (isDay(from) && isDay(to) && from <= to) return { from, to };
  return presetRange(DEFAULT_RANGE_DAYS, end);
}

/** A URL query string with the range set and every other parameter kept. */
export function rangeToSearch(range: DateRange, current: string = ""): string {
  const params = new URLSearchParams(current);
  params.set("from", range.from);
  params.set("to", range.to);
  return params.toString();
}

export function intervalFor(range: DateRange): "day" | "week" {
  return rangeDays(range) <= DAILY_UP_TO_DAYS ? "day" : "week";
}

/** The API's query parameters for the range. */
export function rangeParams(range: DateRange): { from: string; to: string } {
  return { from: range.from, to: range.to };
}

function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? "" : String(value);
  // A leading =, +, - or @ would be a formula in a spreadsheet.
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** CSV (RFC 4180, CRLF) of the rows shown, columns in the given order with their headings. */
export function toCsv<T extends object>(rows: T[], columns: { key: keyof T; label: string }[]): string {
  const lines = [columns.map((c) => csvCell(c.label)).join(",")];
  for (const row of rows) lines.push(columns.map((c) => csvCell(row[c.key])).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

/** Saves text as a file in the browser. */
export function downloadText(text: string, filename: string, type = "text/csv;charset=utf-8"): void {
  // A byte order mark so spreadsheet programs read Urdu as UTF-8.
  const blob = new Blob(["\ufeff", text], { type });
  saveBlob(blob, filename);
}
