"use client";
import Link from "next/link";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { AnalyticsCard } from "@/components/common/AnalyticsCard";
import { TicketListPanel } from "@/components/common/TicketListPanel";
import { NotificationCard } from "@/components/notifications/NotificationCard";
import { SkeletonRows } from "@/components/ui/skeleton";
import { EmptyState, ErrorState } from "@/components/common/States";
import { TicketVolumeChart } from "@/components/charts/TicketVolumeChart";
import { DepartmentLoadChart } from "@/components/charts/DepartmentLoadChart";
import { useTicketList } from "@/hooks/useTickets";
import { useApprovals } from "@/hooks/useApprovals";
import { useAnalytics } from "@/hooks/useAdmin";
import { useNotificationList, useMarkNotificationRead } from "@/hooks/useNotifications";
import { useI18n } from "@/hooks/useI18n";
import { routes, ticketHref } from "@/config/routes";
import type { User } from "@/types/user";

function RecentActivity({ user }: { user: User }) {
  const { t } = useI18n();
  const notifications = useNotificationList();
  const markRead = useMarkNotificationRead();
  return (
    <Card>
      <CardHeader>
        <CardTitle>{t("dashboard.recent")}</CardTitle>
      </CardHeader>
      <CardContent>
        {notifications.isLoading ? (
          <SkeletonRows rows={3} />
        ) : notifications.error ? (
          <ErrorState error={notifications.error} onRetry={() => notifications.refetch()} />
        ) : !notifications.data?.items.length ? (
          <EmptyState />
        ) : (
          <ul className="space-y-2">
            {notifications.data.items.slice(0, 5).map((n) => (
              <NotificationCard
                key={n.id}
                notification={n}
                href={n.ticket_id ? ticketHref(user.role, n.ticket_id) : undefined}
                onRead={() => markRead.mutate(n.id)}
              />
            ))}
          </ul>
        )}
      </CardContent>
    </Card>
  );
}

function ApprovalsCard({ user }: { user: User }) {
  const { t } = useI18n();
  const approvals = useApprovals(user.is_approver);
  if (!user.is_approver) return null;
  return <AnalyticsCard label={t("nav.approvals")} value={approvals.data?.length} href={routes.approvals(user.role)} testId="card-approvals" />;
}

const OPEN = new Set(["draft", "submitted", "pending_approval", "approved", "assigned", "in_progress", "postponed", "resolved"]);

export function RequestorDashboard({ user }: { user: User }) {
  const { t } = useI18n();
  const mine = useTicketList({ requestor: user.id, top_level: true, ordering: "-updated_at" });
  const items = mine.data?.items ?? [];
  const open = items.filter((x) => OPEN.has(x.status));
  const waiting = items.filter((x) => x.status === "resolved" || x.status === "draft" || (x.status === "closed" && !x.rating));
  return (
    <div className="space-y-4">
      <div className="grid gap-3 sm:grid-cols-3">
        <AnalyticsCard label={t("dashboard.myOpen")} value={mine.isLoading ? undefined : open.length} href={routes.requests(user.role)} testId="card-open" />
        <AnalyticsCard label={t("dashboard.waitingOnMe")} value={mine.isLoading ? undefined : waiting.length} testId="card-waiting" />
        <ApprovalsCard user={user} />
      </div>
      <div className="grid gap-4 lg:grid-cols-3">
        <Card className="lg:col-span-2">
          <CardHeader className="flex-row items-center justify-between">
            <CardTitle>{t("nav.requests")}</CardTitle>
            <Link href={routes.newRequest(user.role)} className="text-sm text-primary underline">
              {t("ticket.new")}
            </Link>
          </CardHeader>
          <CardContent>
            <TicketListPanel baseFilters={{ requestor: user.id, top_level: true }} showFilters={false} testId="my-tickets" />
          </CardContent>
        </Card>
        <RecentActivity user={user} />
      </div>
    </div>
  );
}

export function ModeratorDashboard({ user }: { user: User }) {
  const { t } = useI18n();
  const pool = useTicketList({ status: "submitted" });
  const breached = useTicketList({ sla_breached: true });
  const approved = useTicketList({ status: "approved" });
  return (
    <div className="space-y-4">
      <div className="grid gap-3 sm:grid-cols-3">
        <AnalyticsCard label={t("dashboard.pool")} value={pool.data?.count} href={routes.ticketPool()} testId="card-pool" />
        <AnalyticsCard label={t("status.approved")} value={approved.data?.count} />
        <AnalyticsCard label={t("dashboard.breached")} value={breached.data?.count} />
      </div>
      <div className="grid gap-4 lg:grid-cols-3">
        <Card className="lg:col-span-2">
          <CardHeader>
            <CardTitle>{t("dashboard.pool")}</CardTitle>
          </CardHeader>
          <CardContent>
            <TicketListPanel baseFilters={{ status: "submitted" }} showFilters={false} />
          </CardContent>
        </Card>
        <RecentActivity user={user} />
      </div>
    </div>
  );
}

export function AssigneeDashboard({ user }: { user: User }) {
  const { t } = useI18n();
  const mine = useTicketList({ assignee: user.id });
  const queue = useTicketList({ department: user.department_id ?? undefined }, { enabled: !!user.department_id });
  return (
    <div className="space-y-4">
      <div className="grid gap-3 sm:grid-cols-3">
        <AnalyticsCard label={t("dashboard.myTasks")} value={mine.data?.count} href={routes.tasks()} testId="card-tasks" />
        <AnalyticsCard label={t("dashboard.queue")} value={queue.data?.count} />
        <ApprovalsCard user={user} />
      </div>
      <div className="grid gap-4 lg:grid-cols-3">
        <Card className="lg:col-span-2">
          <CardHeader>
            <CardTitle>{t("dashboard.myTasks")}</CardTitle>
          </CardHeader>
          <CardContent>
            <TicketListPanel baseFilters={{ assignee: user.id }} showFilters={false} testId="my-tasks" />
          </CardContent>
        </Card>
        <RecentActivity user={user} />
      </div>
    </div>
  );
}

export function AdminDashboard({ user }: { user: User }) {
  const { t } = useI18n();
  const analytics = useAnalytics();
  const pool = useTicketList({ status: "submitted" });
  const totals = analytics.data?.totals ?? {};
  return (
    <div className="space-y-4">
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <AnalyticsCard label={t("dashboard.pool")} value={pool.data?.count} href={routes.ticketPool()} />
        {Object.entries(totals)
          .slice(0, 3)
          .map(([k, v]) => (
            <AnalyticsCard key={k} label={k.replace(/_/g, " ")} value={v} />
          ))}
      </div>
      {analytics.error ? (
        <ErrorState error={analytics.error} onRetry={() => analytics.refetch()} />
      ) : (
        <div className="grid gap-4 lg:grid-cols-2">
          <TicketVolumeChart data={analytics.data?.volume} loading={analytics.isLoading} />
          <DepartmentLoadChart data={analytics.data?.departmentLoad} loading={analytics.isLoading} />
        </div>
      )}
      <RecentActivity user={user} />
    </div>
  );
}
