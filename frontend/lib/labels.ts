/** Words for the API's codes (summary figures, history actions): never show a raw key. */
import { formatNumber } from "@/lib/helpers";
import type { AnalyticsSummary } from "@/types/analytics";
import type { Locale } from "@/lib/i18n";

export type SummaryKey =
  | "total"
  | "open"
  | "breachedOpen"
  | "assignedToMeOpen"
  | "createdLast7Days"
  | "resolvedLast7Days"
  | "avgResolutionHours"
  | "slaCompliancePercent"
  | "avgRating"
  | "awaitingMyApproval";

/** Human text for each figure of GET analytics/summary (never the API's key). */
export function summaryValue(key: SummaryKey, summary: AnalyticsSummary, locale: Locale): string {
  const value = summary[key];
  switch (key) {
    case "avgResolutionHours":
      return value === null ? "—" : `${formatNumber(value as number, locale, 1)} ${locale === "ur" ? "گھنٹے" : "h"}`;
    case "slaCompliancePercent":
      return value === null ? "—" : `${formatNumber(value as number, locale, 1)}%`;
    case "avgRating":
      return value === null ? "—" : `★ ${formatNumber(value as number, locale, 1)}`;
    default:
      return formatNumber(value as number, locale);
  }
}

/** "submit" → "Submitted"; an action the UI has no words for is shown humanised, never as a key. */
export function historyLabel(t: (key: string) => string, action: string): string {
  const key = `history.${action}`;
  const label = t(key);
  if (label !== key) return label;
  const text = action.replace(/[._]/g, " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

