"use client";
import { useState } from "react";
import { PageWrapper } from "@/components/layout/PageWrapper";
import { TicketListPanel } from "@/components/common/TicketListPanel";
import { Button } from "@/components/ui/button";
import { useI18n } from "@/hooks/useI18n";

const VIEWS = ["assigned", "in_progress", "postponed", "approved", "pending_approval"] as const;

export default function AssignedTicketsPage() {
  const { t } = useI18n();
  const [status, setStatus] = useState<(typeof VIEWS)[number]>("assigned");
  return (
    <PageWrapper title={t("nav.assigned-tickets")}>
      <div className="flex flex-wrap gap-2" role="tablist" aria-label={t("common.status")}>
        {VIEWS.map((v) => (
          <Button key={v} role="tab" aria-selected={status === v} size="sm" variant={status === v ? "default" : "outline"} onClick={() => setStatus(v)}>
            {t(`status.${v}`)}
          </Button>
        ))}
      </div>
      <TicketListPanel key={status} baseFilters={{ status }} />
    </PageWrapper>
  );
}
