"use client";
import { PageWrapper } from "@/components/layout/PageWrapper";
import { AdminDashboard, AssigneeDashboard, ModeratorDashboard, RequestorDashboard } from "@/components/dashboard/Dashboards";
import { useSession } from "@/hooks/useAuth";
import { useI18n } from "@/hooks/useI18n";

export default function DashboardPage() {
  const { t } = useI18n();
  const { user } = useSession();
  if (!user) return null;
  return (
    <PageWrapper title={`${t("dashboard.welcome")}, ${user.full_name}`}>
      <div data-testid={`dashboard-${user.role}`}>
        {user.role === "requestor" && <RequestorDashboard user={user} />}
        {user.role === "moderator" && <ModeratorDashboard user={user} />}
        {user.role === "assignee" && <AssigneeDashboard user={user} />}
        {user.role === "admin" && <AdminDashboard user={user} />}
      </div>
    </PageWrapper>
  );
}
