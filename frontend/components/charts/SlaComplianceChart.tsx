"use client";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { ChartCard } from "./ChartCard";
import { useI18n } from "@/hooks/useI18n";
import type { SeriesPoint } from "@/types/analytics";

export function SlaComplianceChart({ data, loading }: { data?: SeriesPoint[]; loading?: boolean }) {
  const { t } = useI18n();
  const scaled = data?.map((p) => ({ ...p, value: p.value <= 1 ? Math.round(p.value * 100) : p.value }));
  return (
    <ChartCard title={`${t("charts.slaCompliance")} (%)`} loading={loading} empty={!data?.length}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={scaled}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="label" fontSize={12} />
          <YAxis domain={[0, 100]} fontSize={12} />
          <Tooltip />
          <Bar dataKey="value" name={t("charts.slaCompliance")} fill="hsl(160 84% 28%)" />
        </BarChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}
