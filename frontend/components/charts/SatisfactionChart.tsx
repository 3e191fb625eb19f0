"use client";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { ChartCard } from "./ChartCard";
import { useI18n } from "@/hooks/useI18n";
import type { SeriesPoint } from "@/types/analytics";

export function SatisfactionChart({ data, average, loading }: { data?: SeriesPoint[]; average?: number | null; loading?: boolean }) {
  const { t } = useI18n();
  const title = average != null ? `${t("charts.satisfaction")} · ★ ${average.toFixed(1)}` : t("charts.satisfaction");
  return (
    <ChartCard title={title} loading={loading} empty={!data?.length}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="label" fontSize={12} />
          <YAxis allowDecimals={false} fontSize={12} />
          <Tooltip />
          <Bar dataKey="value" name={t("charts.satisfaction")} fill="hsl(38 92% 50%)" />
        </BarChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}
