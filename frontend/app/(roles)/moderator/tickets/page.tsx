"use client";
import { useCallback, useState } from "react";
import { PageWrapper } from "@/components/layout/PageWrapper";
import { TicketListPanel } from "@/components/common/TicketListPanel";
import { ViewsSidebar, listFiltersOf } from "@/components/tickets/ViewsSidebar";
import { BulkActionBar } from "@/components/tickets/BulkActionBar";
import { useI18n } from "@/hooks/useI18n";
import type { SavedView, TicketFilters } from "@/types/ticket";

/** Every ticket the moderator sees: saved views with counts, server-side sorting, bulk actions (DESIGN §10). */
export default function TicketWorkspacePage() {
  const { t } = useI18n();
  const [view, setView] = useState<SavedView | null>(null);
  const [opened, setOpened] = useState(0); // remounts the list when a view is opened
  const [current, setCurrent] = useState<TicketFilters>({});
  const onFiltersChange = useCallback((filters: TicketFilters) => setCurrent(filters), []);
  const open = (next: SavedView | null) => {
    setView(next);
    setOpened((n) => n + 1);
  };
  return (
    <PageWrapper title={t("nav.tickets")}>
      <div className="flex flex-col gap-4 lg:flex-row">
        <ViewsSidebar activeId={view?.id ?? null} current={current} onOpen={open} />
        <div className="min-w-0 flex-1">
          <TicketListPanel
            key={opened}
            baseFilters={{}}
            initialFilters={opened ? (view ? listFiltersOf(view) : {}) : undefined}
            onFiltersChange={onFiltersChange}
            testId="ticket-workspace"
            bulkBar={({ ids, tickets, clear }) => <BulkActionBar ids={ids} tickets={tickets} onDone={clear} />}
          />
        </div>
      </div>
    </PageWrapper>
  );
}
