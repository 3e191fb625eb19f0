"use client";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { ChartCard } from "./ChartCard";
import { useI18n } from "@/hooks/useI18n";
import { useSlaCompliance } from "@/hooks/useAdmin";
import { formatNumber } from "@/lib/helpers";

const ORDER = ["urgent", "high", "medium", "low"];

/** Share of tickets within their SLA, per priority (GET analytics/sla-compliance). */
export function SlaComplianceChart() {
  const { t, locale } = useI18n();
  const query = useSlaCompliance();
  const rows = [...(query.data?.byPriority ?? [])]
    .filter((r) => r.total > 0)
    .sort((a, b) => ORDER.indexOf(a.priority) - ORDER.indexOf(b.priority))
    .map((r) => ({ ...r, label: t(`priority.${r.priority}`), value: r.percent ?? 0 }));
  const overall = query.data?.percent;
  const subtitle =
    overall !== null && overall !== undefined
      ? `${t("charts.overall")}: ${formatNumber(overall, locale, 1)}% · ${t("charts.breached")}: ${formatNumber(query.data?.breached, locale)} / ${formatNumber(query.data?.total, locale)}`
      : undefined;
  return (
    <ChartCard
      title={`${t("charts.slaCompliance")} (%)`}
      subtitle={subtitle}
      loading={query.isLoading}
      error={query.error}
      onRetry={() => query.refetch()}
      empty={!rows.length}
      testId="chart-sla"
    >
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={rows} margin={{ left: -20, right: 8 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="label" fontSize={12} />
          <YAxis domain={[0, 100]} fontSize={12} />
          <Tooltip formatter={(v) => `${formatNumber(Number(v), locale, 1)}%`} />
          <Bar isAnimationActive={false} dataKey="value" name={t("charts.slaCompliance")} fill="hsl(160 84% 28%)" />
        </BarChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}
