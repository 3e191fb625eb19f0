/**
 * Everything a server says, a person reads in their language (issue 13): every notification kind,
 * error code, field error code, history kind, status and priority the server can emit (its own
 * vocabulary file, kept current by the backend's ops/tests/test_vocabulary.py) has English and Urdu
 * text; the renderers never pass on an API field path, a MIME type or a snake_case status.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import vocabulary from "@/lib/server-vocabulary.json";
import { translate, type Locale } from "@/lib/i18n";
import { formatDate, formatDateTime, formatDueDate, formatMoney, formatNumber } from "@/lib/helpers";
import {
  FORM_MESSAGES_UR,
  SERVER_TEXT,
  auditChangeLines,
  errorText,
  fieldErrorText,
  historyText,
  notificationDetail,
  notificationText,
  savedText,
  syncErrorText,
  ticketSavedText,
} from "@/lib/serverText";
import { CAUSES } from "@/lib/serverText";

const URDU = /[\u0600-\u06FF]/;
const RAW = [/payload\./, /\bbody\./, /application\/[a-z.+-]+/, /\b[a-z]+_[a-z_]+\b/];

function clean(text: string): void {
  for (const pattern of RAW) expect(text, `${text} matches ${pattern}`).not.toMatch(pattern);
}

const TABLES = [
  ["notification_kinds", "notifications"],
  ["error_codes", "errors"],
  ["field_error_codes", "fields"],
  ["history_kinds", "history"],
] as const;

describe("the server's vocabulary has English and Urdu text", () => {
  for (const [list, table] of TABLES) {
    it(`${list}: ${vocabulary[list].length} entries`, () => {
      expect(vocabulary[list].length).toBeGreaterThan(3);
      for (const entry of vocabulary[list]) {
        const en = SERVER_TEXT.en[table][entry];
        const ur = SERVER_TEXT.ur[table][entry];
        expect(en, `${list} ${entry} (en)`).toBeTruthy();
        expect(ur, `${list} ${entry} (ur)`).toBeTruthy();
        expect(ur, `${list} ${entry} (ur) is Urdu`).toMatch(URDU);
        expect(ur).not.toBe(en);
      }
    });
  }

  it("statuses and priorities", () => {
    for (const [list, prefix] of [["ticket_statuses", "status"], ["priorities", "priority"]] as const) {
      for (const value of vocabulary[list]) {
        expect(translate("en", `${prefix}.${value}`)).not.toBe(`${prefix}.${value}`);
        expect(translate("ur", `${prefix}.${value}`)).toMatch(URDU);
      }
    }
  });
});

describe("renderers", () => {
  it("an entry the desk made itself says why in words, never the server's English", () => {
    const auto = { kind: "ticket.close", params: { to_status: "closed", from_status: "resolved", cause: "auto_close", days: 7 } };
    expect(historyText("en", auto)).toMatch(/ \(closed automatically 7 days after resolution\)$/);
    expect(historyText("ur", auto)).toContain("7 دن");
    expect(historyText("ur", { kind: "ticket.reopen", params: { cause: "subticket_reopened", subticket: "HD-000012" } })).toContain("HD-000012");
    for (const locale of ["en", "ur"] as const) expect(Object.keys(CAUSES[locale]).sort()).toEqual(["auto_close", "subticket_reopened", "subtickets_resolved"]);
    // The backend's list of causes is the same (audit/kinds.py SYSTEM_CAUSES).
    const kinds = readFileSync(path.resolve(__dirname, "../../../backend/hdms/audit/kinds.py"), "utf8");
    const listed = /SYSTEM_CAUSES = \(([^)]*)\)/.exec(kinds)![1]!.match(/"([a-z_]+)"/g)!.map((q) => q.slice(1, -1)).sort();
    expect(listed).toEqual(Object.keys(CAUSES.en).sort());
  });

  it("a refused upload's audit entry says the refusal in words, without its code", () => {
    for (const locale of ["en", "ur"] as const) {
      const lines = auditChangeLines(locale, { before: null, after: { code: "unsupported_file_type", name: "manual.pdf" } });
      expect(lines.join(" ")).toContain(errorText(locale, { code: "unsupported_file_type" }));
      clean(lines.filter((l) => !l.includes("manual.pdf")).join(" "));
    }
    expect(auditChangeLines("en", { before: null, after: { code: "IT" } })).toEqual(["Code: IT"]);
  });

  it("a saved toast says what was saved and the outcome in words", () => {
    expect(savedText("HD-000011", "en")).toBe("HD-000011: Saved");
    // A failed SMS sync says so in words, never the server's English detail (which names a setting).
    expect(syncErrorText("en", "service_unavailable")).toMatch(/^The School Management System could not be reached/);
    expect(syncErrorText("ur", "service_unavailable")).toMatch(URDU);
    expect(syncErrorText("ur", "forbidden")).toBe(errorText("ur", { code: "forbidden" }));
    expect(savedText("HD-000011", "ur")).toBe("HD-000011: محفوظ ہو گیا");
    expect(ticketSavedText({ number: "HD-000011", status: "in_progress" }, "en")).toBe("HD-000011: In progress");
    clean(ticketSavedText({ number: "HD-000011", status: "pending_approval" }, "ur"));
  });

  const postponed = { kind: "ticket.status", title: "HD-000011 is postponed", params: { number: "HD-000011", status: "in_progress", until: "2026-12-07" } };

  it("a notification says its kind with the ticket's number and the status in words", () => {
    expect(notificationText("en", postponed)).toBe("HD-000011 is now In progress");
    const ur = notificationText("ur", postponed);
    expect(ur).toContain("HD-000011");
    expect(ur).toContain(translate("ur", "status.in_progress"));
    clean(ur);
    // A date-only postponement reads as a date, never "7 Dec 2026, 05:00" nor an ISO date.
    expect(notificationDetail("en", postponed)).toBe("Postponed until: 7 Dec 2026");
    expect(notificationDetail("ur", postponed)).toContain("7 دسمبر 2026");
  });

  it("a notification without a number or of an unknown kind never shows English to an Urdu reader", () => {
    expect(notificationText("ur", { kind: "job.dead_letter", title: "Task x failed", params: {} })).toMatch(URDU);
    expect(notificationText("ur", { kind: "ticket.closed", title: "closed", params: {} })).not.toContain("{");
  });

  it("field errors name the field in words, in the form's unit, never the API path", () => {
    const error = { field: "payload.first_response_minutes", code: "too_small", params: { min: 60 } };
    expect(fieldErrorText("en", error)).toBe("First response time must be at least 60.");
    expect(fieldErrorText("en", error, { divide: 60, unitWord: "hours" })).toBe("First response time must be at least 1 hours.");
    const ur = fieldErrorText("ur", error, { divide: 60, unitWord: "گھنٹے" });
    expect(ur).toContain("پہلے جواب کا وقت");
    clean(ur);
    const response = {
      code: "validation_error",
      fieldErrors: [{ loc: ["body", "payload", "password"], msg: "String should have at least 8 characters", field: "password", code: "too_short", params: { min: 8 } }],
    };
    expect(errorText("en", response)).toBe("Password must be at least 8 characters.");
    clean(errorText("ur", response));
  });

  it("an error code is a sentence in the reader's language (a MIME type never reaches the page)", () => {
    expect(errorText("en", { code: "unsupported_file_type" })).toBe("This file type is not allowed.");
    expect(errorText("ur", { code: "unsupported_file_type" })).toMatch(URDU);
    expect(errorText("ur", { code: "something_new" })).toMatch(URDU);
  });

  it("the timeline never reads 'Submitted → Submitted'; a real change shows its arrow", () => {
    expect(historyText("en", { kind: "ticket.submit", params: { to_status: "submitted" } })).toBe("Submitted");
    expect(historyText("en", { kind: "ticket.assign", params: { from_status: "submitted", to_status: "assigned" } })).toBe("Assigned");
    expect(historyText("en", { kind: "ticket.approve", params: { to_status: "approved" } })).toBe("Approved");
    expect(historyText("en", { kind: "ticket.reopen", params: { to_status: "in_progress" } })).toBe("Reopened → In progress");
    expect(historyText("ur", { kind: "ticket.update", params: {} })).toMatch(URDU);
  });

  it("audit changes are words: fields, statuses, money", () => {
    const lines = auditChangeLines("ur", { before: { status: "submitted", amount: "100000.00" }, after: { status: "in_progress", amount: "250000" } });
    for (const line of lines) clean(line);
    expect(lines.join(" ")).toContain("250,000");
  });
});

describe("one time and number format per language", () => {
  const evening = "2026-12-07T12:05:00Z"; // 17:05 in the desk's time zone
  it.each<[Locale, string]>([
    ["en", "7 Dec 2026, 17:05"],
    ["ur", "7 دسمبر 2026، 17:05"],
  ])("%s: 24-hour, Latin digits, no AM/PM", (locale, expected) => {
    expect(formatDateTime(evening, locale)).toBe(expected);
    expect(formatDateTime(evening, locale)).not.toMatch(/AM|PM|قبل دوپہر|بعد دوپہر/);
  });

  it("a date alone is a date; an end-of-day due time is a date too", () => {
    expect(formatDate("2026-12-07", "en")).toBe("7 Dec 2026");
    expect(formatDueDate("2026-12-07T18:59:00Z", "en")).toBe("7 Dec 2026"); // 23:59 in Karachi
    expect(formatDueDate("2026-12-07T12:05:00Z", "en")).toBe("7 Dec 2026, 17:05");
  });

  it("money is grouped with its currency", () => {
    expect(formatMoney("250000.00", "en")).toBe("PKR 250,000");
    expect(formatMoney("100000.00", "ur")).toBe("100,000 روپے");
    expect(formatMoney("1234.5", "en")).toBe("PKR 1,234.50");
    expect(formatNumber(12345, "ur")).toBe("12,345");
  });
});

describe("the form checks' messages", () => {
  it("every English message in lib/validation.ts has Urdu text", () => {
    const source = readFileSync(path.join(__dirname, "..", "..", "lib", "validation.ts"), "utf8");
    const messages = Array.from(source.matchAll(/"([A-Z][^"]*)"/g), (m) => m[1]!);
    expect(messages.length).toBeGreaterThan(10);
    for (const message of messages) expect(FORM_MESSAGES_UR[message], message).toMatch(URDU);
  });
});
