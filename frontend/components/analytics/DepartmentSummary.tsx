"use client";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { ErrorState } from "@/components/common/States";
import { Skeleton } from "@/components/ui/skeleton";
import { ExportButton } from "./DateRangePicker";
import { useDepartmentLoad } from "@/hooks/useAdmin";
import { useI18n } from "@/hooks/useI18n";
import { downloadText, toCsv, type DateRange } from "@/lib/dateRange";
import { formatNumber } from "@/lib/helpers";

/** Per department over the range: tickets, still open, SLA breached (and the share), time to resolve, rating. */
export function DepartmentSummary({ range }: { range: DateRange }) {
  const { t, locale } = useI18n();
  const query = useDepartmentLoad();
  const rows = (query.data ?? []).map((d) => ({
    name: d.name ?? t("charts.noDepartment"),
    total: d.total,
    open: d.open,
    breached: d.breached,
    breachedPercent: d.total ? Math.round((1000 * d.breached) / d.total) / 10 : null,
    avgResolutionHours: d.avgResolutionHours,
    avgRating: d.avgRating,
  }));
  const columns = [
    { key: "name" as const, label: t("common.department") },
    { key: "total" as const, label: t("charts.total") },
    { key: "open" as const, label: t("charts.open") },
    { key: "breached" as const, label: t("charts.breached") },
    { key: "breachedPercent" as const, label: t("reports.breachedPercent") },
    { key: "avgResolutionHours" as const, label: t("summary.avgResolutionHours") },
    { key: "avgRating" as const, label: t("summary.avgRating") },
  ];
  return (
    <Card data-testid="department-summary">
      <CardHeader className="flex flex-row flex-wrap items-center justify-between gap-2">
        <div>
          <CardTitle>{t("reports.byDepartment")}</CardTitle>
          <p className="text-sm text-muted-foreground">
            {t("reports.rangeNote").replace("{from}", range.from).replace("{to}", range.to)}
          </p>
        </div>
        {rows.length > 0 && (
          <ExportButton
            testId="export-departments"
            onExport={() => downloadText(toCsv(rows, columns), `departments-${range.from}-${range.to}.csv`)}
          />
        )}
      </CardHeader>
      <CardContent>
        {query.error ? (
          <ErrorState error={query.error} onRetry={() => query.refetch()} />
        ) : query.isLoading ? (
          <Skeleton className="h-40 w-full" />
        ) : !rows.length ? (
          <p className="text-sm text-muted-foreground">{t("charts.noData")}</p>
        ) : (
          <div className="overflow-x-auto" tabIndex={0} role="region" aria-label={t("reports.byDepartment")}>
            <table className="w-full text-sm">
              <thead>
                <tr className="text-muted-foreground">
                  {columns.map((c, i) => (
                    <th key={c.key} className={`py-1 font-medium ${i === 0 ? "text-start" : "text-end"}`}>{c.label}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.name} className="border-t" data-testid="department-row">
                    <td className="py-1">{r.name}</td>
                    <td className="py-1 text-end">{formatNumber(r.total, locale)}</td>
                    <td className="py-1 text-end">{formatNumber(r.open, locale)}</td>
                    <td className="py-1 text-end">{formatNumber(r.breached, locale)}</td>
                    <td className="py-1 text-end">{r.breachedPercent === null ? "—" : `${formatNumber(r.breachedPercent, locale, 1)}%`}</td>
                    <td className="py-1 text-end">{formatNumber(r.avgResolutionHours, locale, 1)}</td>
                    <td className="py-1 text-end">{formatNumber(r.avgRating, locale, 2)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </CardContent>
    </Card>
  );
}
