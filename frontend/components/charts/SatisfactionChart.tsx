"use client";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { ChartCard } from "./ChartCard";
import { useI18n } from "@/hooks/useI18n";
import { useSatisfaction } from "@/hooks/useAdmin";
import { formatNumber } from "@/lib/helpers";

/** How many ratings gave each score, with the average (GET analytics/satisfaction). */
export function SatisfactionChart() {
  const { t, locale } = useI18n();
  const query = useSatisfaction();
  const data = (query.data?.distribution ?? []).map((d) => ({ ...d, label: "★".repeat(d.score) }));
  const count = query.data?.count ?? 0;
  const subtitle = count
    ? `${t("charts.average")}: ★ ${formatNumber(query.data?.average, locale, 1)} · ${formatNumber(count, locale)} ${t("charts.ratings")}`
    : undefined;
  return (
    <ChartCard
      title={t("charts.satisfaction")}
      subtitle={subtitle}
      loading={query.isLoading}
      error={query.error}
      onRetry={() => query.refetch()}
      empty={!count}
      emptyMessage={t("charts.noRatings")}
      testId="chart-satisfaction"
    >
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ left: -20, right: 8 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="label" fontSize={12} />
          <YAxis allowDecimals={false} fontSize={12} />
          <Tooltip />
          <Bar isAnimationActive={false} dataKey="count" name={t("charts.ratings")} fill="hsl(38 92% 50%)" />
        </BarChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}
