"use client";
import Link from "next/link";
import { Table, THead, TBody, TR, TH, TD } from "@/components/ui/table";
import { StatusTag, PriorityBadge } from "./StatusTag";
import { RiskBadge } from "./RiskBadge";
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

/** A column header that sorts on the server (GET tickets?ordering=key or -key). */
function SortHeader({ label, sortKey, ordering, onSort, className }: {
  label: string;
  sortKey: string;
  ordering?: string;
  onSort?: (ordering: string) => void;
  className?: string;
}) {
  const { t } = useI18n();
  if (!onSort) return <TH className={className}>{label}</TH>;
  const state = ordering === sortKey ? "ascending" : ordering === `-${sortKey}` ? "descending" : "none";
  return (
    <TH className={className} aria-sort={state}>
      <button
        type="button"
        className="inline-flex items-center gap-1 hover:underline"
        data-testid={`sort-${sortKey}`}
        title={t("list.sortBy")}
        onClick={() => onSort(state === "ascending" ? `-${sortKey}` : sortKey)}
      >
        {label}
        <span aria-hidden="true">{state === "ascending" ? "▲" : state === "descending" ? "▼" : "↕"}</span>
      </button>
    </TH>
  );
}

/** Time left to the SLA target ("2 d left"), or how long ago it passed ("5 h overdue"). */
export function remainingText(due: string, locale: "en" | "ur", t: (key: string) => string, now = Date.now()): string {
  const diff = Date.parse(due) - now;
  const span = ageText(new Date(now - Math.abs(diff)).toISOString(), locale, now);
  return `${span} ${t(diff >= 0 ? "list.left" : "list.overdue")}`;
}

export function TicketTable({
  tickets,
  isLoading,
  error,
  onRetry,
  hrefFor,
  emptyMessage,
  ordering,
  onSort,
  selected,
  onSelect,
}: {
  tickets: Ticket[] | undefined;
  isLoading: boolean;
  error: unknown;
  onRetry?: () => void;
  hrefFor: (ticket: Ticket) => string;
  emptyMessage?: string;
  /** With `onSort`, the headers sort on the server (DESIGN §10). */
  ordering?: string;
  onSort?: (ordering: string) => void;
  /** With `onSelect`, each row has a checkbox (bulk actions). */
  selected?: ReadonlySet<string>;
  onSelect?: (ids: string[], checked: boolean) => void;
}) {
  const { t, locale } = useI18n();
  const departmentName = useDepartmentNames();
  if (isLoading) return <SkeletonRows />;
  if (error) return <ErrorState error={error} onRetry={onRetry} />;
  if (!tickets || tickets.length === 0) return <EmptyState message={emptyMessage} />;
  const allSelected = !!selected && tickets.every((ticket) => selected.has(ticket.id));
  const sort = { ordering, onSort };
  return (
    <Table data-testid="ticket-table">
      <THead>
        <TR>
          {onSelect && (
            <TH>
              <input type="checkbox" aria-label={t("list.selectAll")} checked={allSelected} data-testid="select-all"
                onChange={(e) => onSelect(tickets.map((ticket) => ticket.id), e.target.checked)} />
            </TH>
          )}
          <TH>#</TH>
          <TH>{t("common.title")}</TH>
          <TH>{t("common.status")}</TH>
          <SortHeader label={t("common.priority")} sortKey="priority" {...sort} className="hidden sm:table-cell" />
          <SortHeader label={t("common.department")} sortKey="department" {...sort} className="hidden md:table-cell" />
          <SortHeader label={t("common.requestor")} sortKey="requestor" {...sort} className="hidden lg:table-cell" />
          <SortHeader label={t("common.assignee")} sortKey="assignee" {...sort} className="hidden lg:table-cell" />
          <SortHeader label={t("list.slaDue")} sortKey="sla_due" {...sort} className="hidden md:table-cell" />
          <SortHeader label={t("list.age")} sortKey="age" {...sort} className="hidden sm:table-cell" />
          <SortHeader label={t("common.updated")} sortKey="updated" {...sort} className="hidden xl:table-cell" />
        </TR>
      </THead>
      <TBody>
        {tickets.map((ticket) => (
          <TR key={ticket.id} data-ticket-id={ticket.id}>
            {onSelect && (
              <TD>
                <input type="checkbox" aria-label={`${t("list.select")} ${ticket.number}`} data-testid="select-row"
                  checked={!!selected?.has(ticket.id)} onChange={(e) => onSelect([ticket.id], e.target.checked)} />
              </TD>
            )}
            <TD className="whitespace-nowrap font-mono text-xs">{ticket.number}</TD>
            <TD>
              <Link href={hrefFor(ticket)} dir="auto" className="font-medium text-primary hover:underline">
                {ticket.title}
              </Link>
              {ticket.parent_id && <span className="ms-2 text-xs text-muted-foreground">↳</span>}
              <SlaIndicator sla={ticket.sla} compact />
              <RiskBadge risk={ticket.sla_risk} compact />
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
            <TD className="hidden whitespace-nowrap md:table-cell">
              {ticket.sla?.resolution_due ? (
                <>
                  {formatDateTime(ticket.sla.resolution_due, locale)}
                  <span className="ms-1 text-xs text-muted-foreground" data-testid="sla-remaining">({remainingText(ticket.sla.resolution_due, locale, t)})</span>
                </>
              ) : "—"}
            </TD>
            <TD className="hidden whitespace-nowrap sm:table-cell" data-testid="ticket-age">{ageText(ticket.created_at, locale)}</TD>
            <TD className="hidden whitespace-nowrap xl:table-cell">{formatDateTime(ticket.updated_at, locale)}</TD>
          </TR>
        ))}
      </TBody>
    </Table>
  );
}
