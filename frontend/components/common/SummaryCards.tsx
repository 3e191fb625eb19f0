"use client";
import { AnalyticsCard } from "./AnalyticsCard";
import { ErrorState } from "./States";
import { useAnalyticsSummary } from "@/hooks/useAdmin";
import { useI18n } from "@/hooks/useI18n";
import { formatNumber } from "@/lib/helpers";
import { summaryValue, type SummaryKey } from "@/lib/labels";

export type { SummaryKey };

export function SummaryCards({ keys, hrefs = {} }: { keys: SummaryKey[]; hrefs?: Partial<Record<SummaryKey, string>> }) {
  const { t, locale } = useI18n();
  const summary = useAnalyticsSummary();
  if (summary.error) return <ErrorState error={summary.error} onRetry={() => summary.refetch()} />;
  return (
    <>
      {keys.map((key) => (
        <AnalyticsCard
          key={key}
          label={t(`summary.${key}`)}
          value={summary.data ? summaryValue(key, summary.data, locale) : undefined}
          href={hrefs[key]}
          testId={`summary-${key}`}
        />
      ))}
    </>
  );
}

/** Tickets per status (from the summary), only the statuses that have any. */
export function StatusBreakdown() {
  const { t, locale } = useI18n();
  const summary = useAnalyticsSummary();
  const entries = Object.entries(summary.data?.byStatus ?? {}).filter(([, n]) => n > 0);
  if (!entries.length) return null;
  return (
    <ul className="flex flex-wrap gap-2" aria-label={t("common.status")} data-testid="status-breakdown">
      {entries.map(([status, n]) => (
        <li key={status} className="rounded-full border bg-muted/40 px-3 py-1 text-sm">
          {t(`status.${status}`)}: <span className="font-semibold">{formatNumber(n, locale)}</span>
        </li>
      ))}
    </ul>
  );
}
