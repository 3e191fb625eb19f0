"use client";
import { Suspense } from "react";
import { DateRangePicker } from "@/components/analytics/DateRangePicker";
import { DepartmentSummary } from "@/components/analytics/DepartmentSummary";
import { WorkloadSummary } from "@/components/analytics/WorkloadSummary";
import { ScheduledReports } from "@/components/analytics/ScheduledReports";
import { AnalyticsRangeContext, useAnalyticsRangeFromUrl } from "@/hooks/useAnalyticsRange";
import { TicketVolumeChart } from "@/components/charts/TicketVolumeChart";
import { DepartmentLoadChart } from "@/components/charts/DepartmentLoadChart";
import { PriorityTrendChart } from "@/components/charts/PriorityTrendChart";
import { SlaComplianceChart } from "@/components/charts/SlaComplianceChart";
import { SatisfactionChart } from "@/components/charts/SatisfactionChart";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { SummaryCards, StatusBreakdown, type SummaryKey } from "./SummaryCards";
import { useResolutionTime } from "@/hooks/useAdmin";
import { useI18n } from "@/hooks/useI18n";
import { formatNumber } from "@/lib/helpers";

function ResolutionTimeTable() {
  const { t, locale } = useI18n();
  const query = useResolutionTime();
  const rows = query.data ?? [];
  if (!rows.length) return null;
  return (
    <Card data-testid="resolution-time">
      <CardHeader>
        <CardTitle>{t("charts.resolutionTime")}</CardTitle>
      </CardHeader>
      <CardContent>
        <table className="w-full text-sm">
          <thead>
            <tr className="text-muted-foreground">
              <th className="py-1 text-start font-medium">{t("common.priority")}</th>
              <th className="py-1 text-end font-medium">{t("charts.resolved")}</th>
              <th className="py-1 text-end font-medium">{t("summary.avgResolutionHours")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.priority} className="border-t">
                <td className="py-1">{t(`priority.${r.priority}`)}</td>
                <td className="py-1 text-end">{formatNumber(r.resolved, locale)}</td>
                <td className="py-1 text-end">{r.avgHours === null ? "—" : `${formatNumber(r.avgHours, locale, 1)} ${t("common.hoursShort")}`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </CardContent>
    </Card>
  );
}

const ALL: SummaryKey[] = [
  "total",
  "open",
  "breachedOpen",
  "createdLast7Days",
  "resolvedLast7Days",
  "avgResolutionHours",
  "slaCompliancePercent",
  "avgRating",
];
const MINE: SummaryKey[] = ["assignedToMeOpen", "open", "breachedOpen", "resolvedLast7Days", "avgResolutionHours", "slaCompliancePercent", "avgRating", "total"];

/** The analytics of whatever the caller may see (the whole desk for admins, their department for
 * assignees) over the range in the URL (default: the last 30 days). */
export function ReportsView({ scope }: { scope: "all" | "mine" }) {
  return (
    <Suspense fallback={null}>
      <RangedReports scope={scope} />
    </Suspense>
  );
}

function RangedReports({ scope }: { scope: "all" | "mine" }) {
  const { range, setRange } = useAnalyticsRangeFromUrl();
  return (
    <AnalyticsRangeContext.Provider value={range}>
      <div className="space-y-4" data-testid="reports" data-range-from={range.from} data-range-to={range.to}>
        <DateRangePicker range={range} onChange={setRange} />
        <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
          <SummaryCards keys={scope === "all" ? ALL : MINE} />
        </div>
        <StatusBreakdown />
        <div className="grid gap-4 lg:grid-cols-2">
          <TicketVolumeChart />
          <DepartmentLoadChart />
          <PriorityTrendChart />
          <SlaComplianceChart />
          <SatisfactionChart />
          <ResolutionTimeTable />
        </div>
      </div>
    </AnalyticsRangeContext.Provider>
  );
}

/** The "Reports" page: a summary per department over a range, then the status breakdown. */
export function DepartmentReport() {
  return (
    <Suspense fallback={null}>
      <RangedDepartmentReport />
    </Suspense>
  );
}

function RangedDepartmentReport() {
  const { range, setRange } = useAnalyticsRangeFromUrl();
  return (
    <AnalyticsRangeContext.Provider value={range}>
      <div className="space-y-4" data-testid="department-report" data-range-from={range.from} data-range-to={range.to}>
        <DateRangePicker range={range} onChange={setRange} />
        <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
          <SummaryCards keys={["total", "open", "slaCompliancePercent", "avgRating"]} />
        </div>
        <DepartmentSummary range={range} />
        <WorkloadSummary range={range} />
        <StatusBreakdown />
        <ScheduledReports />
      </div>
    </AnalyticsRangeContext.Provider>
  );
}
