"use client";
import { SummaryTable, type SummaryColumn } from "./SummaryTable";
import { useWorkload } from "@/hooks/useAdmin";
import { useI18n } from "@/hooks/useI18n";
import type { DateRange } from "@/lib/dateRange";
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
  type Row = (typeof rows)[number];
  const count = (key: "open" | "inProgress" | "overdue" | "resolved") => (r: Row) => formatNumber(r[key], locale);
  const columns: SummaryColumn<Row>[] = [
    { key: "name", label: t("common.assignee"), show: (r) => r.name },
    { key: "open", label: t("workload.open"), show: count("open") },
    { key: "inProgress", label: t("workload.inProgress"), show: count("inProgress") },
    { key: "overdue", label: t("workload.overdue"), show: count("overdue") },
    { key: "resolved", label: t("workload.resolved"), show: count("resolved") },
    { key: "avgResolutionHours", label: t("summary.avgResolutionHours"), show: (r) => formatNumber(r.avgResolutionHours, locale, 1) },
  ];
  return (
    <SummaryTable
      title={t("workload.title")}
      testId="workload-summary"
      rowTestId="workload-row"
      exportTestId="export-workload"
      fileName={`workload-${range.from}-${range.to}.csv`}
      query={query}
      rows={rows}
      columns={columns}
    />
  );
}
