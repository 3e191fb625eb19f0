"use client";
import { Area, AreaChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { ChartCard } from "./ChartCard";
import { useI18n } from "@/hooks/useI18n";
import type { SeriesPoint } from "@/types/analytics";

export function TicketVolumeChart({ data, loading }: { data?: SeriesPoint[]; loading?: boolean }) {
  const { t } = useI18n();
  return (
    <ChartCard title={t("charts.volume")} loading={loading} empty={!data?.length}>
      <ResponsiveContainer width="100%" height="100%">
        <AreaChart data={data}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="label" fontSize={12} />
          <YAxis allowDecimals={false} fontSize={12} />
          <Tooltip />
          <Area type="monotone" dataKey="value" name={t("charts.volume")} stroke="hsl(160 84% 28%)" fill="hsl(160 84% 28% / 0.2)" />
        </AreaChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}
