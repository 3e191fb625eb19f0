"use client";
import { useEffect, useState } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { useI18n } from "@/hooks/useI18n";
import { isDay, presetOf, presetRange, RANGE_PRESETS, type DateRange } from "@/lib/dateRange";

/** Presets (last 7/30/90/120 days) and a from/to pair of day inputs; the page keeps the range in its URL. */
export function DateRangePicker({ range, onChange }: { range: DateRange; onChange: (range: DateRange) => void }) {
  const { t } = useI18n();
  const [from, setFrom] = useState(range.from);
  const [to, setTo] = useState(range.to);
  useEffect(() => {
    setFrom(range.from);
    setTo(range.to);
  }, [range.from, range.to]);
  const active = presetOf(range);
  const valid = isDay(from) && isDay(to) && from <= to;
  return (
    <div className="flex flex-wrap items-end gap-2" role="group" aria-label={t("range.label")} data-testid="date-range">
      <div className="flex flex-wrap gap-1">
        {RANGE_PRESETS.map((days) => (
          <Button
            key={days}
            type="button"
            size="sm"
            variant={active === days ? "default" : "outline"}
            aria-pressed={active === days}
            data-testid={`range-preset-${days}`}
            onClick={() => onChange(presetRange(days))}
          >
            {t("range.lastDays").replace("{n}", String(days))}
          </Button>
        ))}
      </div>
      <form
        className="flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          if (valid) onChange({ from, to });
        }}
      >
        <label className="flex flex-col text-xs text-muted-foreground">
          {t("range.from")}
          <Input type="date" value={from} max={to} onChange={(e) => setFrom(e.target.value)} data-testid="range-from" className="h-9" />
        </label>
        <label className="flex flex-col text-xs text-muted-foreground">
          {t("range.to")}
          <Input type="date" value={to} min={from} onChange={(e) => setTo(e.target.value)} data-testid="range-to" className="h-9" />
        </label>
        <Button type="submit" size="sm" variant="secondary" disabled={!valid} data-testid="range-apply">
          {t("range.apply")}
        </Button>
      </form>
    </div>
  );
}

/** A small button that saves a chart's series as CSV. */
export function ExportButton({ onExport, testId }: { onExport: () => void; testId?: string }) {
  const { t } = useI18n();
  return (
    <Button type="button" size="sm" variant="outline" onClick={onExport} data-testid={testId}>
      {t("common.export")}
    </Button>
  );
}
