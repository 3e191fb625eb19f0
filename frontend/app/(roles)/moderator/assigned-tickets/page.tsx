"use client";
import { useEffect, useState } from "react";
import { PageWrapper } from "@/components/layout/PageWrapper";
import { TicketListPanel } from "@/components/common/TicketListPanel";
import { Button } from "@/components/ui/button";
import { useI18n } from "@/hooks/useI18n";

const VIEWS = ["assigned", "in_progress", "postponed", "approved", "pending_approval"] as const;

export default function AssignedTicketsPage() {
  const { t } = useI18n();
  const [status, setStatusState] = useState<(typeof VIEWS)[number]>("assigned");
  // The tab is in the address (?view=approved): the dashboard's cards open the right one, a reload keeps it.
  useEffect(() => {
    const view = new URLSearchParams(window.location.search).get("view");
    if (view && (VIEWS as readonly string[]).includes(view)) setStatusState(view as (typeof VIEWS)[number]);
  }, []);
  const setStatus = (view: (typeof VIEWS)[number]) => {
    setStatusState(view);
    const params = new URLSearchParams();
    params.set("view", view);
    window.history.replaceState(window.history.state, "", `${window.location.pathname}?${params.toString()}`);
  };
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
