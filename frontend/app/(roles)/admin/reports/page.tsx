"use client";
import { PageWrapper } from "@/components/layout/PageWrapper";
import { TicketListPanel } from "@/components/common/TicketListPanel";
import { useI18n } from "@/hooks/useI18n";

/** Every ticket with the full filter set (status, priority, department, search). */
export default function AdminReportsPage() {
  const { t } = useI18n();
  return (
    <PageWrapper title={t("nav.reports")}>
      <TicketListPanel baseFilters={{}} testId="admin-reports" />
    </PageWrapper>
  );
}
