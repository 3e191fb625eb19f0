"use client";
import Link from "next/link";
import { Table, THead, TBody, TR, TH, TD } from "@/components/ui/table";
import { StatusTag, PriorityBadge } from "./StatusTag";
import { SlaIndicator } from "./SlaIndicator";
import { EmptyState, ErrorState } from "./States";
import { SkeletonRows } from "@/components/ui/skeleton";
import { useI18n } from "@/hooks/useI18n";
import { useDepartmentNames } from "@/hooks/useDepartmentNames";
import { formatDateTime } from "@/lib/helpers";
import type { Ticket } from "@/types/ticket";

/** How long ago a ticket was created: "3 d", "5 h", "12 min" (Urdu: دن، گھنٹے، منٹ). */
export function ageText(createdAt: string, locale: "en" | "ur", now = Date.now()): string {
  const minutes = Math.max(0, Math.floor((now - Date.parse(createdAt)) / 60_000));
  const [value, unit] = minutes >= 1440 ? [Math.floor(minutes / 1440), "d"] : minutes >= 60 ? [Math.floor(minutes / 60), "h"] : [minutes, "min"];
  const units = locale === "ur" ? { d: "دن", h: "گھنٹے", min: "منٹ" } : { d: "d", h: "h", min: "min" };
  return `${value} ${units[unit as "d" | "h" | "min"]}`;
}

export function TicketTable({
  tickets,
  isLoading,
  error,
  onRetry,
  hrefFor,
  emptyMessage,
}: {
  tickets: Ticket[] | undefined;
  isLoading: boolean;
  error: unknown;
  onRetry?: () => void;
  hrefFor: (ticket: Ticket) => string;
  emptyMessage?: string;
}) {
  const { t, locale } = useI18n();
  const departmentName = useDepartmentNames();
  if (isLoading) return <SkeletonRows />;
  if (error) return <ErrorState error={error} onRetry={onRetry} />;
  if (!tickets || tickets.length === 0) return <EmptyState message={emptyMessage} />;
  return (
    <Table data-testid="ticket-table">
      <THead>
        <TR>
          <TH>#</TH>
          <TH>{t("common.title")}</TH>
          <TH>{t("common.status")}</TH>
          <TH className="hidden sm:table-cell">{t("common.priority")}</TH>
          <TH className="hidden md:table-cell">{t("common.department")}</TH>
          <TH className="hidden lg:table-cell">{t("common.requestor")}</TH>
          <TH className="hidden lg:table-cell">{t("common.assignee")}</TH>
          <TH className="hidden md:table-cell">{t("list.slaDue")}</TH>
          <TH className="hidden sm:table-cell">{t("list.age")}</TH>
          <TH className="hidden xl:table-cell">{t("common.updated")}</TH>
        </TR>
      </THead>
      <TBody>
        {tickets.map((ticket) => (
          <TR key={ticket.id} data-ticket-id={ticket.id}>
            <TD className="whitespace-nowrap font-mono text-xs">{ticket.number}</TD>
            <TD>
              <Link href={hrefFor(ticket)} dir="auto" className="font-medium text-primary hover:underline">
                {ticket.title}
              </Link>
              {ticket.parent_id && <span className="ms-2 text-xs text-muted-foreground">↳</span>}
              <SlaIndicator sla={ticket.sla} compact />
            </TD>
            <TD>
              <StatusTag status={ticket.status} />
            </TD>
            <TD className="hidden sm:table-cell">
              <PriorityBadge priority={ticket.priority} />
            </TD>
            <TD className="hidden md:table-cell">
              {ticket.department_name ??
                (ticket.department_id
                  ? departmentName(ticket.department_id)
                  : ticket.subtickets_progress?.total
                    ? `${ticket.subtickets_progress.total} ${t("ticket.subtickets")}`
                    : "—")}
            </TD>
            <TD className="hidden lg:table-cell" dir="auto">{ticket.requestor_name ?? "—"}</TD>
            <TD className="hidden lg:table-cell" dir="auto">{ticket.assignee_name ?? "—"}</TD>
            <TD className="hidden whitespace-nowrap md:table-cell">{ticket.sla?.resolution_due ? formatDateTime(ticket.sla.resolution_due, locale) : "—"}</TD>
            <TD className="hidden whitespace-nowrap sm:table-cell" data-testid="ticket-age">{ageText(ticket.created_at, locale)}</TD>
            <TD className="hidden whitespace-nowrap xl:table-cell">{formatDateTime(ticket.updated_at, locale)}</TD>
          </TR>
        ))}
      </TBody>
    </Table>
  );
}
