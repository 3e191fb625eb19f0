"use client";
import { SummaryTable, type SummaryColumn } from "./SummaryTable";
import { useDepartmentLoad } from "@/hooks/useAdmin";
import { useI18n } from "@/hooks/useI18n";
import type { DateRange } from "@/lib/dateRange";
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
  type Row = (typeof rows)[number];
  const columns: SummaryColumn<Row>[] = [
    { key: "name", label: t("common.department"), show: (r) => r.name },
    { key: "total", label: t("charts.total"), show: (r) => formatNumber(r.total, locale) },
    { key: "open", label: t("charts.open"), show: (r) => formatNumber(r.open, locale) },
    { key: "breached", label: t("charts.breached"), show: (r) => formatNumber(r.breached, locale) },
    {
      key: "breachedPercent",
      label: t("reports.breachedPercent"),
      show: (r) => (r.breachedPercent === null ? "—" : `${formatNumber(r.breachedPercent, locale, 1)}%`),
    },
    { key: "avgResolutionHours", label: t("summary.avgResolutionHours"), show: (r) => formatNumber(r.avgResolutionHours, locale, 1) },
    { key: "avgRating", label: t("summary.avgRating"), show: (r) => formatNumber(r.avgRating, locale, 2) },
  ];
  return (
    <SummaryTable
      title={t("reports.byDepartment")}
      note={t("reports.rangeNote").replace("{from}", range.from).replace("{to}", range.to)}
      testId="department-summary"
      rowTestId="department-row"
      exportTestId="export-departments"
      fileName={`departments-${range.from}-${range.to}.csv`}
      query={query}
      rows={rows}
      columns={columns}
    />
  );
}
