"use client";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { ErrorState } from "@/components/common/States";
import { Skeleton } from "@/components/ui/skeleton";
import { ExportButton } from "./DateRangePicker";
import { useWorkload } from "@/hooks/useAdmin";
import { useI18n } from "@/hooks/useI18n";
import { downloadText, toCsv, type DateRange } from "@/lib/dateRange";
import { formatNumber } from "@/lib/helpers";

/** Per assignee over the range: open, in progress, overdue, resolved, time to resolve (DESIGN §11). */
export function WorkloadSummary({ range }: { range: DateRange }) {
  const { t, locale } = useI18n();
  const query = useWorkload();
  const rows = (query.data ?? []).map((r) => ({
    name: `${r.fullName} (${r.employeeCode})`,
    open: r.open,
    inProgress: r.inProgress,
    overdue: r.overdue,
    resolved: r.resolved,
    avgResolutionHours: r.avgResolutionHours,
  }));
  const columns = [
    { key: "name" as const, label: t("common.assignee") },
    { key: "open" as const, label: t("workload.open") },
    { key: "inProgress" as const, label: t("workload.inProgress") },
    { key: "overdue" as const, label: t("workload.overdue") },
    { key: "resolved" as const, label: t("workload.resolved") },
    { key: "avgResolutionHours" as const, label: t("summary.avgResolutionHours") },
  ];
  return (
    <Card data-testid="workload-summary">
      <CardHeader className="flex flex-row flex-wrap items-center justify-between gap-2">
        <CardTitle>{t("workload.title")}</CardTitle>
        {rows.length > 0 && (
          <ExportButton
            testId="export-workload"
            onExport={() => downloadText(toCsv(rows, columns), `workload-${range.from}-${range.to}.csv`)}
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
          <div className="overflow-x-auto" tabIndex={0} role="region" aria-label={t("workload.title")}>
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
                  <tr key={r.name} className="border-t" data-testid="workload-row">
                    <td className="py-1">{r.name}</td>
                    <td className="py-1 text-end">{formatNumber(r.open, locale)}</td>
                    <td className="py-1 text-end">{formatNumber(r.inProgress, locale)}</td>
                    <td className="py-1 text-end">{formatNumber(r.overdue, locale)}</td>
                    <td className="py-1 text-end">{formatNumber(r.resolved, locale)}</td>
                    <td className="py-1 text-end">{formatNumber(r.avgResolutionHours, locale, 1)}</td>
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
