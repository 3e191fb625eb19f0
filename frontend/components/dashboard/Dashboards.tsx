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
import { SummaryCards } from "@/components/common/SummaryCards";
import { useNotificationList, useMarkNotificationRead } from "@/hooks/useNotifications";
import { useI18n } from "@/hooks/useI18n";
import { routes, ticketHref } from "@/config/routes";
import type { User } from "@/types/user";
import { formatCount } from "@/lib/helpers";

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
  return (
    <AnalyticsCard
      label={t("dashboard.awaitingApproval")}
      value={approvals.isLoading ? undefined : (approvals.data?.length ?? 0)}
      href={routes.approvals(user.role)}
      testId="card-approvals"
    />
  );
}

/** Statuses in which a request is still being handled (a resolved one waits for the requestor's confirmation). */
const OPEN_STATUSES = ["submitted", "pending_approval", "approved", "assigned", "in_progress", "postponed", "resolved"];
const WORKING_STATUSES = ["assigned", "in_progress", "postponed"];
/** One row is enough: only the list's `count` is used. */
const COUNT_ONLY = { page_size: 1 } as const;

export function RequestorDashboard({ user }: { user: User }) {
  const { t } = useI18n();
  const open = useTicketList({ requestor: user.id, top_level: true, status: OPEN_STATUSES, ...COUNT_ONLY });
  const toConfirm = useTicketList({ requestor: user.id, top_level: true, status: "resolved", ...COUNT_ONLY });
  const drafts = useTicketList({ requestor: user.id, top_level: true, status: "draft", ...COUNT_ONLY });
  return (
    <div className="space-y-4">
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        <AnalyticsCard label={t("dashboard.myOpen")} value={formatCount(open.data)} href={routes.requests(user.role)} testId="card-open" />
        <AnalyticsCard label={t("dashboard.toConfirm")} value={formatCount(toConfirm.data)} testId="card-waiting" />
        <AnalyticsCard label={t("dashboard.drafts")} value={formatCount(drafts.data)} testId="card-drafts" />
        <ApprovalsCard user={user} />
      </div>
      <div className="grid gap-4 lg:grid-cols-3">
        <Card className="min-w-0 lg:col-span-2">
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
  const pool = useTicketList({ status: "submitted", ...COUNT_ONLY });
  const approved = useTicketList({ status: "approved", ...COUNT_ONLY });
  return (
    <div className="space-y-4">
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        <AnalyticsCard label={t("dashboard.pool")} value={formatCount(pool.data)} href={routes.ticketPool()} testId="card-pool" />
        <AnalyticsCard label={t("dashboard.approvedToAssign")} value={formatCount(approved.data)} href={`${routes.assignedTickets()}?view=approved`} />
        <SummaryCards keys={["open", "breachedOpen"]} />
      </div>
      <div className="grid gap-4 lg:grid-cols-3">
        <Card className="min-w-0 lg:col-span-2">
          <CardHeader>
            <CardTitle>{t("dashboard.pool")}</CardTitle>
          </CardHeader>
          <CardContent>
            <TicketListPanel baseFilters={{ status: "submitted" }} showFilters={false} emptyMessage={t("dashboard.poolEmpty")} />
          </CardContent>
        </Card>
        <RecentActivity user={user} />
      </div>
    </div>
  );
}

export function AssigneeDashboard({ user }: { user: User }) {
  const { t } = useI18n();
  const mine = useTicketList({ assignee: user.id, status: WORKING_STATUSES, ...COUNT_ONLY });
  const queue = useTicketList(
    { department: user.department_id ?? undefined, status: WORKING_STATUSES, ...COUNT_ONLY },
    { enabled: !!user.department_id },
  );
  return (
    <div className="space-y-4">
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        <AnalyticsCard label={t("dashboard.myOpenTasks")} value={formatCount(mine.data)} href={routes.tasks()} testId="card-tasks" />
        <AnalyticsCard label={t("dashboard.queueOpen")} value={user.department_id ? formatCount(queue.data) : "—"} href={routes.tasks()} />
        <SummaryCards keys={["breachedOpen"]} />
        <ApprovalsCard user={user} />
      </div>
      <div className="grid gap-4 lg:grid-cols-3">
        <Card className="min-w-0 lg:col-span-2">
          <CardHeader>
            <CardTitle>{t("dashboard.myTasks")}</CardTitle>
          </CardHeader>
          <CardContent>
            <TicketListPanel baseFilters={{ assignee: user.id, status: WORKING_STATUSES }} showFilters={false} testId="my-tasks" />
          </CardContent>
        </Card>
        <RecentActivity user={user} />
      </div>
    </div>
  );
}

export function AdminDashboard({ user }: { user: User }) {
  const { t } = useI18n();
  const pool = useTicketList({ status: "submitted", ...COUNT_ONLY });
  return (
    <div className="space-y-4">
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        <AnalyticsCard label={t("dashboard.pool")} value={formatCount(pool.data)} href={routes.ticketPool()} />
        <SummaryCards keys={["open", "breachedOpen", "createdLast7Days"]} hrefs={{ open: routes.adminReports() }} />
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        <TicketVolumeChart />
        <DepartmentLoadChart />
      </div>
      <RecentActivity user={user} />
    </div>
  );
}
