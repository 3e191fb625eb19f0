"use client";
import { TicketVolumeChart } from "@/components/charts/TicketVolumeChart";
import { DepartmentLoadChart } from "@/components/charts/DepartmentLoadChart";
import { PriorityTrendChart } from "@/components/charts/PriorityTrendChart";
import { SlaComplianceChart } from "@/components/charts/SlaComplianceChart";
import { SatisfactionChart } from "@/components/charts/SatisfactionChart";
import { AnalyticsCard } from "./AnalyticsCard";
import { ErrorState } from "./States";
import { useAnalytics } from "@/hooks/useAdmin";

export function ReportsView({ scope }: { scope: "all" | "mine" }) {
  const analytics = useAnalytics(scope);
  if (analytics.error) return <ErrorState error={analytics.error} onRetry={() => analytics.refetch()} />;
  const data = analytics.data;
  const loading = analytics.isLoading;
  return (
    <div className="space-y-4" data-testid="reports">
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        {Object.entries(data?.totals ?? {}).map(([k, v]) => (
          <AnalyticsCard key={k} label={k.replace(/_/g, " ")} value={v} />
        ))}
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        <TicketVolumeChart data={data?.volume} loading={loading} />
        {scope === "all" && <DepartmentLoadChart data={data?.departmentLoad} loading={loading} />}
        <PriorityTrendChart data={data?.priorityTrend} loading={loading} />
        <SlaComplianceChart data={data?.slaCompliance} loading={loading} />
        <SatisfactionChart data={data?.satisfaction} average={data?.averageRating} loading={loading} />
      </div>
    </div>
  );
}
