"use client";
import { PageWrapper } from "@/components/layout/PageWrapper";
import { TicketListPanel } from "@/components/common/TicketListPanel";
import { useI18n } from "@/hooks/useI18n";

export default function TicketPoolPage() {
  const { t } = useI18n();
  return (
    <PageWrapper title={t("nav.ticket-pool")}>
      <TicketListPanel baseFilters={{ status: "submitted", ordering: "created_at" }} testId="ticket-pool" />
    </PageWrapper>
  );
}
