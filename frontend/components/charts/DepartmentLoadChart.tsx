"use client";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { ChartCard } from "./ChartCard";
import { useI18n } from "@/hooks/useI18n";
import type { SeriesPoint } from "@/types/analytics";

export function DepartmentLoadChart({ data, loading }: { data?: SeriesPoint[]; loading?: boolean }) {
  const { t } = useI18n();
  return (
    <ChartCard title={t("charts.departmentLoad")} loading={loading} empty={!data?.length}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="label" fontSize={12} />
          <YAxis allowDecimals={false} fontSize={12} />
          <Tooltip />
          <Bar dataKey="value" name={t("charts.departmentLoad")} fill="hsl(199 89% 40%)" />
        </BarChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}
