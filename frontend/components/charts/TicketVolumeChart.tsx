"use client";
import { Area, AreaChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { ChartCard } from "./ChartCard";
import { useI18n } from "@/hooks/useI18n";
import { useVolume } from "@/hooks/useAdmin";
import { formatDay } from "@/lib/helpers";
import { useRangeOfPage } from "@/hooks/useAnalyticsRange";
import { downloadText, intervalFor, toCsv } from "@/lib/dateRange";
import { ExportButton } from "@/components/analytics/DateRangePicker";

/** Tickets created and resolved per day over the last 30 days (GET analytics/volume). */
export function TicketVolumeChart() {
  const { t, locale } = useI18n();
  const query = useVolume();
  const data = (query.data ?? []).map((p) => ({ ...p, label: formatDay(p.key, locale) }));
  const empty = !data.some((p) => p.created || p.resolved);
  const range = useRangeOfPage();
  const perWeek = range !== null && intervalFor(range) === "week";
  const subtitle = range
    ? t(perWeek ? "range.volumePerWeek" : "range.volumePerDay").replace("{from}", range.from).replace("{to}", range.to)
    : t("charts.last30Days");
  const exportCsv = () =>
    downloadText(
      toCsv(query.data ?? [], [
        { key: "key", label: t(perWeek ? "range.weekOf" : "range.day") },
        { key: "created", label: t("charts.created") },
        { key: "resolved", label: t("charts.resolved") },
      ]),
      `volume-${range?.from ?? "last-30-days"}-${range?.to ?? ""}.csv`,
    );
  return (
    <ChartCard
      title={t("charts.volume")}
      subtitle={subtitle}
      actions={range && !empty ? <ExportButton onExport={exportCsv} testId="export-volume" /> : undefined}
      points={data.length}
      loading={query.isLoading}
      error={query.error}
      onRetry={() => query.refetch()}
      empty={empty}
      testId="chart-volume"
    >
      <ResponsiveContainer width="100%" height="100%">
        <AreaChart data={data} margin={{ left: -20, right: 8 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="label" fontSize={12} minTickGap={16} />
          <YAxis allowDecimals={false} fontSize={12} />
          <Tooltip />
          <Legend />
          <Area isAnimationActive={false} type="monotone" dataKey="created" name={t("charts.created")} stroke="hsl(199 89% 40%)" fill="hsl(199 89% 40% / 0.15)" />
          <Area isAnimationActive={false} type="monotone" dataKey="resolved" name={t("charts.resolved")} stroke="hsl(160 84% 28%)" fill="hsl(160 84% 28% / 0.15)" />
        </AreaChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}
