"use client";
import { useState } from "react";
import { PageWrapper } from "@/components/layout/PageWrapper";
import { TicketListPanel } from "@/components/common/TicketListPanel";
import { Button } from "@/components/ui/button";
import { useSession } from "@/hooks/useAuth";
import { useI18n } from "@/hooks/useI18n";

export default function TasksPage() {
  const { t } = useI18n();
  const { user } = useSession();
  const [view, setView] = useState<"mine" | "queue">("mine");
  if (!user) return null;
  return (
    <PageWrapper title={t("nav.tasks")}>
      <div className="flex gap-2" role="tablist">
        <Button role="tab" aria-selected={view === "mine"} size="sm" variant={view === "mine" ? "default" : "outline"} onClick={() => setView("mine")}>
          {t("dashboard.myTasks")}
        </Button>
        <Button role="tab" aria-selected={view === "queue"} size="sm" variant={view === "queue" ? "default" : "outline"} onClick={() => setView("queue")} disabled={!user.department_id}>
          {t("dashboard.queue")}
        </Button>
      </div>
      <TicketListPanel
        key={view}
        baseFilters={view === "mine" ? { assignee: user.id } : { department: user.department_id ?? undefined }}
        testId="task-list"
      />
    </PageWrapper>
  );
}
