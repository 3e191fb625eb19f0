"use client";
import { useTicketHistory } from "@/hooks/useTickets";
import { useI18n } from "@/hooks/useI18n";
import { formatDateTime } from "@/lib/helpers";
import { historyText } from "@/lib/serverText";
import { SkeletonRows } from "@/components/ui/skeleton";
import { EmptyState, ErrorState } from "./States";

export function TicketTimeline({ ticketId }: { ticketId: string }) {
  const { t, locale } = useI18n();
  const history = useTicketHistory(ticketId);
  if (history.isLoading) return <SkeletonRows rows={3} />;
  if (history.error) return <ErrorState error={history.error} onRetry={() => history.refetch()} />;
  if (!history.data?.length) return <EmptyState />;
  return (
    <ol className="relative space-y-4 border-s ps-4" aria-label={t("ticket.timeline")}>
      {history.data.map((entry) => (
        <li key={entry.id} className="relative">
          <span className="absolute -start-[1.4rem] top-1.5 h-2.5 w-2.5 rounded-full bg-primary" aria-hidden />
          <p className="text-sm font-medium">
            {historyText(locale, entry)}
          </p>
          <p className="text-xs text-muted-foreground">
            <bdi>{entry.actor_name ?? "—"}</bdi> · {formatDateTime(entry.created_at, locale)}
          </p>
          {entry.reason && <p className="mt-1 text-sm" dir="auto">{entry.reason}</p>}
        </li>
      ))}
    </ol>
  );
}
