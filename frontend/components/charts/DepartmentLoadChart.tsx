"use client";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { ChartCard } from "./ChartCard";
import { useI18n } from "@/hooks/useI18n";
import { useDepartmentLoad } from "@/hooks/useAdmin";

/** Open, breached and total tickets per department (GET analytics/by-department). */
export function DepartmentLoadChart() {
  const { t } = useI18n();
  const query = useDepartmentLoad();
  const data = (query.data ?? []).map((d) => ({ ...d, label: d.name ?? d.code ?? t("charts.noDepartment") }));
  return (
    <ChartCard
      title={t("charts.departmentLoad")}
      loading={query.isLoading}
      error={query.error}
      onRetry={() => query.refetch()}
      empty={!data.some((d) => d.total)}
      testId="chart-department-load"
    >
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ left: -20, right: 8 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="label" fontSize={12} interval={0} />
          <YAxis allowDecimals={false} fontSize={12} />
          <Tooltip />
          <Legend />
          <Bar isAnimationActive={false} dataKey="open" name={t("charts.open")} fill="hsl(199 89% 40%)" />
          <Bar isAnimationActive={false} dataKey="breached" name={t("charts.breached")} fill="hsl(0 72% 51%)" />
          <Bar isAnimationActive={false} dataKey="total" name={t("charts.total")} fill="hsl(215 16% 65%)" />
        </BarChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}
