"use client";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { ChartCard } from "./ChartCard";
import { useI18n } from "@/hooks/useI18n";
import { usePriorityTrend } from "@/hooks/useAdmin";
import { formatDay } from "@/lib/helpers";
import { useRangeOfPage } from "@/hooks/useAnalyticsRange";
import { downloadText, intervalFor, toCsv } from "@/lib/dateRange";
import { ExportButton } from "@/components/analytics/DateRangePicker";

const COLORS = { low: "#64748b", medium: "#0ea5e9", high: "#f59e0b", urgent: "#dc2626" } as const;

/** Tickets created per priority, week by week over the last 8 weeks (stacked). */
export function PriorityTrendChart() {
  const { t, locale } = useI18n();
  const query = usePriorityTrend();
  const data = (query.data ?? []).map((p) => ({ ...p, label: formatDay(p.key, locale) }));
  const empty = !data.some((p) => p.low || p.medium || p.high || p.urgent);
  const range = useRangeOfPage();
  const perWeek = range === null || intervalFor(range) === "week";
  const subtitle = range
    ? t(perWeek ? "range.trendPerWeek" : "range.trendPerDay").replace("{from}", range.from).replace("{to}", range.to)
    : t("charts.last8Weeks");
  const exportCsv = () =>
    downloadText(
      toCsv(query.data ?? [], [
        { key: "key", label: t(perWeek ? "range.weekOf" : "range.day") },
        { key: "low", label: t("priority.low") },
        { key: "medium", label: t("priority.medium") },
        { key: "high", label: t("priority.high") },
        { key: "urgent", label: t("priority.urgent") },
      ]),
      `priority-trend-${range?.from ?? "last-8-weeks"}-${range?.to ?? ""}.csv`,
    );
  return (
    <ChartCard
      title={t("charts.priorityTrend")}
      subtitle={subtitle}
      actions={range && !empty ? <ExportButton onExport={exportCsv} testId="export-priority-trend" /> : undefined}
      points={data.length}
      loading={query.isLoading}
      error={query.error}
      onRetry={() => query.refetch()}
      empty={empty}
      testId="chart-priority-trend"
    >
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ left: -20, right: 8 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="label" fontSize={12} />
          <YAxis allowDecimals={false} fontSize={12} />
          <Tooltip />
          <Legend />
          {(Object.keys(COLORS) as (keyof typeof COLORS)[]).map((p) => (
            <Bar isAnimationActive={false} key={p} dataKey={p} stackId="priority" name={t(`priority.${p}`)} fill={COLORS[p]} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}
