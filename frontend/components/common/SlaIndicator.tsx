"use client";
import { Clock, PauseCircle, AlertOctagon } from "lucide-react";
import { useI18n } from "@/hooks/useI18n";
import { formatDateTime } from "@/lib/helpers";
import type { Sla } from "@/types/ticket";

export function SlaIndicator({ sla, compact = false }: { sla: Sla | null; compact?: boolean }) {
  const { t, locale } = useI18n();
  if (!sla) return null;
  if (compact) {
    if (sla.breached)
      return (
        <span className="ms-2 inline-flex items-center gap-1 text-xs text-destructive">
          <AlertOctagon className="h-3 w-3" aria-hidden />
          {t("ticket.slaBreached")}
        </span>
      );
    return null;
  }
  return (
    <div className="space-y-1 text-sm">
      {sla.breached && (
        <p className="flex items-center gap-1 font-medium text-destructive">
          <AlertOctagon className="h-4 w-4" aria-hidden /> {t("ticket.slaBreached")}
        </p>
      )}
      {sla.paused && (
        <p className="flex items-center gap-1 text-amber-700">
          <PauseCircle className="h-4 w-4" aria-hidden /> {t("ticket.slaPaused")}
        </p>
      )}
      <p className="flex items-center gap-1 text-muted-foreground">
        <Clock className="h-4 w-4" aria-hidden /> {t("ticket.firstResponseDue")}: {sla.paused ? t("ticket.duePaused") : formatDateTime(sla.first_response_due, locale)}
      </p>
      <p className="flex items-center gap-1 text-muted-foreground">
        <Clock className="h-4 w-4" aria-hidden /> {t("ticket.resolutionDue")}: {sla.paused ? t("ticket.duePaused") : formatDateTime(sla.resolution_due, locale)}
      </p>
    </div>
  );
}
