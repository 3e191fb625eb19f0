"use client";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { ChartCard } from "./ChartCard";
import { useI18n } from "@/hooks/useI18n";
import type { PriorityTrendPoint } from "@/types/analytics";

const COLORS = { low: "#64748b", medium: "#0ea5e9", high: "#f59e0b", urgent: "#dc2626" } as const;

export function PriorityTrendChart({ data, loading }: { data?: PriorityTrendPoint[]; loading?: boolean }) {
  const { t } = useI18n();
  return (
    <ChartCard title={t("charts.priorityTrend")} loading={loading} empty={!data?.length}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="label" fontSize={12} />
          <YAxis allowDecimals={false} fontSize={12} />
          <Tooltip />
          <Legend />
          {(Object.keys(COLORS) as (keyof typeof COLORS)[]).map((p) => (
            <Line key={p} type="monotone" dataKey={p} name={t(`priority.${p}`)} stroke={COLORS[p]} dot={false} />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}
