"use client";
import { PageWrapper } from "@/components/layout/PageWrapper";
import { TicketListPanel } from "@/components/common/TicketListPanel";
import { useSession } from "@/hooks/useAuth";
import { useI18n } from "@/hooks/useI18n";
import { listsEveryTicket } from "@/lib/navigation";

export default function RequestsPage() {
  const { t } = useI18n();
  const { user } = useSession();
  if (!user) return null;
  return (
    <PageWrapper title={t("nav.requests")}>
      <TicketListPanel baseFilters={listsEveryTicket(user.role) ? {} : { requestor: user.id, top_level: true }} testId="requests-list" />
    </PageWrapper>
  );
}
