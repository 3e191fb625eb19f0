import { describe, expect, it } from "vitest";
import {
  intervalFor,
  isDay,
  presetOf,
  presetRange,
  rangeDays,
  rangeFromParams,
  rangeToSearch,
  toCsv,
} from "@/lib/dateRange";

const params = (query: string) => new URLSearchParams(query);

describe("analytics date range", () => {
  it("presets are the last N days, today included", () => {
    expect(presetRange(7, "2026-12-04")).toEqual({ from: "2026-11-28", to: "2026-12-04" });
    expect(presetRange(30, "2026-12-04")).toEqual({ from: "2026-11-05", to: "2026-12-04" });
    expect(presetRange(120, "2026-12-04")).toEqual({ from: "2026-08-07", to: "2026-12-04" });
    expect(rangeDays(presetRange(90, "2026-03-01"))).toBe(90);
  });

  it("reads the range from the URL and falls back to the last 30 days", () => {
    expect(rangeFromParams(params("from=2026-11-01&to=2026-11-15"), "2026-12-04")).toEqual({ from: "2026-11-01", to: "2026-11-15" });
    for (const bad of ["", "from=2026-11-01", "from=2026-11-15&to=2026-11-01", "from=2026-02-30&to=2026-03-01", "from=yesterday&to=today"]) {
      expect(rangeFromParams(params(bad), "2026-12-04")).toEqual({ from: "2026-11-05", to: "2026-12-04" });
    }
  });

  it("writes the range into the URL keeping other parameters", () => {
    expect(rangeToSearch({ from: "2026-11-01", to: "2026-11-30" }, "tab=x&from=2020-01-01")).toBe("tab=x&from=2026-11-01&to=2026-11-30");
  });

  it("knows its preset and its bucket size", () => {
    expect(presetOf(presetRange(90, "2026-12-04"), "2026-12-04")).toBe(90);
    expect(presetOf({ from: "2026-11-01", to: "2026-11-03" }, "2026-12-04")).toBeNull();
    expect(intervalFor(presetRange(30))).toBe("day");
    expect(intervalFor(presetRange(31))).toBe("day");
    expect(intervalFor(presetRange(90))).toBe("week");
  });

  it("accepts only real days", () => {
    expect(isDay("2028-02-29")).toBe(true);
    expect(isDay("2026-02-29")).toBe(false);
    expect(isDay("2026-1-01")).toBe(false);
  });

  it("exports the shown series as CSV, quoting and defusing cells", () => {
    const csv = toCsv(
      [
        { key: "2026-11-01", created: 3, note: 'a "b", c' },
        { key: "2026-11-02", created: 0, note: "=SUM(A1)" },
      ],
      [
        { key: "key", label: "Day" },
        { key: "created", label: "نئے" },
        { key: "note", label: "Note" },
      ],
    );
    expect(csv).toBe('Day,نئے,Note\r\n2026-11-01,3,"a ""b"", c"\r\n2026-11-02,0,\'=SUM(A1)\r\n');
  });
});
