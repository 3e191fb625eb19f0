import type { Locale } from "@/lib/i18n";

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return "—";
  const units = ["B", "KB", "MB", "GB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

const MONTHS: Record<Locale, string[]> = {
  en: ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
  ur: ["جنوری", "فروری", "مارچ", "اپریل", "مئی", "جون", "جولائی", "اگست", "ستمبر", "اکتوبر", "نومبر", "دسمبر"],
};

/** The desk's time zone (DESIGN §9): times read the same for everyone, whatever the browser's zone. */
export const DESK_TIME_ZONE = "Asia/Karachi";

function deskParts(date: Date): { year: number; month: number; day: number; hour: string; minute: string } {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone: DESK_TIME_ZONE, year: "numeric", month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit",
    hourCycle: "h23", numberingSystem: "latn",
  }).formatToParts(date);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return { year: Number(get("year")), month: Number(get("month")), day: Number(get("day")), hour: get("hour"), minute: get("minute") };
}

/**
 * One time format per language (docs/decisions.md): "7 Dec 2026, 17:05" / "7 دسمبر 2026، 17:05":
 * 24-hour, Latin digits, month names in the reader's language, in the desk's time zone.
 */
export function formatDateTime(iso: string | null | undefined, locale: Locale = "en"): string {
  if (!iso) return "—";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "—";
  const p = deskParts(date);
  return `${p.day} ${MONTHS[locale][p.month - 1]} ${p.year}${locale === "ur" ? "،" : ","} ${p.hour}:${p.minute}`;
}

/** A calendar date ("2026-12-07", or a time whose date matters) → "7 Dec 2026" / "7 دسمبر 2026". */
export function formatDate(value: string | null | undefined, locale: Locale = "en"): string {
  if (!value) return "—";
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (m) return `${Number(m[3])} ${MONTHS[locale][Number(m[2]) - 1]} ${m[1]}`;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return "—";
  const p = deskParts(date);
  return `${p.day} ${MONTHS[locale][p.month - 1]} ${p.year}`;
}

/** A postponement or due time: a date alone when it falls at a day's end (a date-only entry), else date and time. */
export function formatDueDate(iso: string | null | undefined, locale: Locale = "en"): string {
  if (!iso) return "—";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "—";
  const p = deskParts(date);
  const dateOnly = (p.hour === "00" && p.minute === "00") || (p.hour === "23" && p.minute === "59");
  return dateOnly ? formatDate(iso, locale) : formatDateTime(iso, locale);
}

/** Money: "PKR 250,000" (grouped, no decimals unless there are paise) in both languages. */
export function formatMoney(value: string | number | null | undefined, locale: Locale = "en"): string {
  if (value === null || value === undefined || value === "") return "—";
  const amount = typeof value === "number" ? value : Number(value);
  if (!Number.isFinite(amount)) return "—";
  const text = amount.toLocaleString("en-US", { maximumFractionDigits: 2, minimumFractionDigits: Number.isInteger(amount) ? 0 : 2 });
  return locale === "ur" ? `${text} روپے` : `PKR ${text}`;
}

export function newClientId(): string {
  if (typeof crypto !== "undefined" && "randomUUID" in crypto) return crypto.randomUUID();
  return `c-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

export function fileExtension(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot < 0 ? "" : name.slice(dot + 1).toLowerCase();
}

export function initials(name: string | null | undefined): string {
  if (!name) return "?";
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]!.toUpperCase())
    .join("");
}

/** "2026-11-27" → "27 Nov" (the key is a calendar date, so it is formatted in UTC, never shifted). */
export function formatDay(key: string, locale: Locale = "en"): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(key)) return key;
  const date = new Date(`${key}T00:00:00Z`);
  return `${date.getUTCDate()} ${MONTHS[locale][date.getUTCMonth()]}`;
}

export function formatNumber(value: number | null | undefined, locale: Locale = "en", digits = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  // Latin digits and "," grouping in both languages (docs/decisions.md).
  return value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " ", "#39": "'", "#x27": "'" };

/** A message body is sanitised HTML (DESIGN §5); shown as plain text: line breaks kept, tags dropped, entities decoded. */
export function htmlToText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<\/(p|li)>/gi, "\n")
    .replace(/<[^>]*>/g, "")
    .replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (match, name: string) => {
      const known = ENTITIES[name.toLowerCase()];
      if (known !== undefined) return known;
      if (name.startsWith("#x") || name.startsWith("#X")) return String.fromCodePoint(parseInt(name.slice(2), 16));
      if (name.startsWith("#")) return String.fromCodePoint(Number(name.slice(1)));
      return match;
    })
    .replace(/\n+$/, "");
}

/** A list's count as shown: "10,000+" when the server's count stopped at its cap (`countCapped`). */
export function formatCount(page: { count?: number | null; countCapped?: boolean } | undefined): string | undefined {
  if (page?.count === null || page?.count === undefined) return undefined;
  return `${formatNumber(page.count)}${page.countCapped ? "+" : ""}`;
}
