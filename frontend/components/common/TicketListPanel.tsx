"use client";
import { useEffect, useRef, useState, type ReactNode } from "react";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { Button } from "@/components/ui/button";
import { ExportButtons } from "@/components/tickets/ExportButtons";
import { Label } from "@/components/ui/label";
import { TicketTable } from "./TicketTable";
import { useTicketChanges, useTicketList } from "@/hooks/useTickets";
import { rememberTicketList } from "@/lib/shortcuts";
import { useDepartments } from "@/hooks/useAdmin";
import { useI18n } from "@/hooks/useI18n";
import { useSession } from "@/hooks/useAuth";
import { ticketHref } from "@/config/routes";
import { listsEveryTicket } from "@/lib/navigation";
import { PRIORITIES, TICKET_STATUSES, type Ticket, type TicketFilters } from "@/types/ticket";
import { DepartmentOptions } from "@/components/common/SelectOptions";
import { formatNumber } from "@/lib/helpers";

export const URL_FILTERS = ["q", "status", "priority", "department", "assignee", "ordering"] as const;

/** The filters in the address (?q=&status=…), as GET tickets reads them. */
export function filtersFromUrl(search: string): TicketFilters {
  const params = new URLSearchParams(search);
  const read: TicketFilters = {};
  for (const key of URL_FILTERS) {
    const values = params.getAll(key).filter(Boolean);
    if (values.length) (read as Record<string, string | string[]>)[key] = values.length > 1 ? values : values[0];
  }
  return read;
}
/** The orderings GET tickets offers (server-side, DESIGN §10). */
const ORDERINGS = ["-updated_at", "-created_at", "created_at", "-priority", "sla_due", "-number", "number"] as const;
/** Staff also sort by the ai service's SLA risk, most at risk first (the server sends risk to staff only). */
const STAFF_ORDERINGS = [...ORDERINGS, "-risk"] as const;
const isListedOrdering = (o: string | undefined) => !!o && (STAFF_ORDERINGS as readonly string[]).includes(o);

/** Filters, search, sorting and cursor pagination over GET /tickets. */
export function TicketListPanel({
  baseFilters,
  showFilters = true,
  emptyMessage,
  testId,
  initialFilters,
  onFiltersChange,
  bulkBar,
}: {
  baseFilters: TicketFilters;
  showFilters?: boolean;
  emptyMessage?: string;
  testId?: string;
  /** Start from these filters (a saved view) instead of the address's, and write them to it. */
  initialFilters?: TicketFilters;
  onFiltersChange?: (filters: TicketFilters) => void;
  /** With it, rows can be selected; it renders the bar acting on the selection. */
  bulkBar?: (selection: { ids: string[]; tickets: Ticket[]; clear: () => void }) => ReactNode;
}) {
  const { t } = useI18n();
  const { user } = useSession();
  const departments = useDepartments();
  const [filters, setFilters] = useState<TicketFilters>({});
  const [search, setSearch] = useState("");
  const [cursors, setCursors] = useState<string[]>([]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  // Every ordering pages by keyset (cursor "" = the first page): constant cost at any depth.
  const effective: TicketFilters = { ordering: "-updated_at", ...baseFilters, ...filters, cursor: cursors[cursors.length - 1] ?? "" };
  // Rows never move under the reader: no refetch on focus; a banner says what changed (DESIGN §10).
  const list = useTicketList(effective, { refetchOnWindowFocus: false });
  const firstCount = useRef<number | null>(null);
  const firstCapped = useRef(false);
  if (list.data && cursors.length === 0 && list.data.count !== null) {
    firstCount.current = list.data.count;
    firstCapped.current = !!list.data.countCapped;
  }
  const shownCount = list.data?.count ?? firstCount.current;
  const shownCapped = list.data?.count != null ? !!list.data.countCapped : firstCapped.current;
  const { cursor: _cursor, ...listFilters } = effective;
  void _cursor;
  const changes = useTicketChanges(listFilters, list.data?.asOf ?? null);
  const changed = changes.data ?? 0;
  useEffect(() => {
    // Ids of the rows shown, for next/previous ticket on a ticket's page (keyboard shortcuts).
    if (list.data) rememberTicketList(list.data.items.map((ticket) => ticket.id));
  }, [list.data]);

  // The filters live in the address (?q=&status=&priority=&department=&ordering=): a reload or a
  // shared link shows the same list. Read once on mount (client only), written on each change.
  useEffect(() => {
    if (initialFilters) {
      set(initialFilters, true);
      setSearch(initialFilters.q ?? "");
      return;
    }
    const read = filtersFromUrl(window.location.search);
    if (Object.keys(read).length) {
      setFilters(read);
      setSearch(read.q ?? "");
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once, on mount (a new view remounts the panel)
  }, []);

  useEffect(() => {
    onFiltersChange?.(filters);
  }, [filters, onFiltersChange]);

  const set = (patch: TicketFilters, replace = false) => {
    setCursors([]);
    setSelected(new Set());
    setFilters((prev) => {
      const next = replace ? { ...patch } : { ...prev, ...patch };
      const params = new URLSearchParams(window.location.search);
      for (const key of URL_FILTERS) {
        const value = (next as Record<string, unknown>)[key];
        params.delete(key);
        if (typeof value === "string" && value) params.set(key, value);
        else if (Array.isArray(value)) value.forEach((v) => params.append(key, String(v)));
      }
      const query = params.toString();
      window.history.replaceState(window.history.state, "", `${window.location.pathname}${query ? `?${query}` : ""}`);
      return next;
    });
  };

  return (
    <div className="space-y-3" data-testid={testId}>
      {showFilters && (
        <form
          className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4"
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            set({ q: search.trim() || undefined });
          }}
        >
          <div className="grid gap-1.5">
            <Label htmlFor="filter-q">{t("common.search")}</Label>
            <div className="flex gap-2">
              <Input id="filter-q" type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
              <Button type="submit" variant="outline">
                {t("common.search")}
              </Button>
            </div>
          </div>
          {!baseFilters.status && (
            <div className="grid gap-1.5">
              <Label htmlFor="filter-status">{t("common.status")}</Label>
              <Select id="filter-status" value={typeof filters.status === "string" ? filters.status : ""} onChange={(e) => set({ status: e.target.value || undefined })}>
                <option value="">{t("common.all")}</option>
                {TICKET_STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {t(`status.${s}`)}
                  </option>
                ))}
              </Select>
            </div>
          )}
          <div className="grid gap-1.5">
            <Label htmlFor="filter-priority">{t("common.priority")}</Label>
            <Select id="filter-priority" value={typeof filters.priority === "string" ? filters.priority : ""} onChange={(e) => set({ priority: e.target.value || undefined })}>
              <option value="">{t("common.all")}</option>
              {PRIORITIES.map((p) => (
                <option key={p} value={p}>
                  {t(`priority.${p}`)}
                </option>
              ))}
            </Select>
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor="filter-ordering">{t("list.sort")}</Label>
            <Select id="filter-ordering" value={effective.ordering ?? "-updated_at"} onChange={(e) => set({ ordering: e.target.value })}>
              {!isListedOrdering(effective.ordering) && <option value={effective.ordering}>{t("list.order.custom")}</option>}
              {(user && listsEveryTicket(user.role) ? STAFF_ORDERINGS : ORDERINGS).map((o) => (
                <option key={o} value={o}>
                  {t(`list.order.${o}`)}
                </option>
              ))}
            </Select>
          </div>
          {!baseFilters.department && (
            <div className="grid gap-1.5">
              <Label htmlFor="filter-department">{t("common.department")}</Label>
              <Select id="filter-department" value={filters.department ?? ""} onChange={(e) => set({ department: e.target.value || undefined })}>
                <option value="">{t("common.all")}</option>
                <DepartmentOptions departments={departments.data} />
              </Select>
            </div>
          )}
        </form>
      )}
      <div className="flex flex-wrap items-center justify-between gap-2">
        {list.data && typeof shownCount === "number" ? (
          <p className="text-sm text-muted-foreground" role="status" data-testid="list-count">
            {shownCapped
              ? t("common.resultsAtLeast").replace("{count}", formatNumber(shownCount))
              : `${shownCount} ${t("common.results")}`}
          </p>
        ) : <span />}
        {showFilters && <ExportButtons filters={effective} />}
      </div>
      {changed > 0 && (
        <button
          type="button"
          className="w-full rounded-md border border-primary/40 bg-primary/10 px-3 py-2 text-sm font-medium text-primary hover:bg-primary/20"
          data-testid="list-changed-banner"
          aria-live="polite"
          onClick={() => {
            setCursors([]);
            void list.refetch();
          }}
        >
          {changed === 1 ? t("list.changedOne") : t("list.changed").replace("{count}", String(changed))}
        </button>
      )}
      {bulkBar && selected.size > 0 &&
        bulkBar({
          ids: [...selected],
          tickets: (list.data?.items ?? []).filter((ticket) => selected.has(ticket.id)),
          clear: () => setSelected(new Set()),
        })}
      <TicketTable
        ordering={effective.ordering}
        onSort={(ordering) => set({ ordering })}
        selected={bulkBar ? selected : undefined}
        onSelect={bulkBar ? (ids, checked) => setSelected((prev) => {
          const next = new Set(prev);
          for (const id of ids) {
            if (checked) next.add(id);
            else next.delete(id);
          }
          return next;
        }) : undefined}
        tickets={list.data?.items}
        isLoading={list.isLoading}
        error={list.error}
        onRetry={() => list.refetch()}
        hrefFor={(ticket) => (user ? ticketHref(user.role, ticket.id) : "#")}
        emptyMessage={emptyMessage}
      />
      {list.data && (list.data.next || cursors.length > 0) && (
        <nav className="flex items-center justify-between gap-2 text-sm" aria-label={t("common.pagination")}>
          <span />
          <div className="flex gap-2">
            <Button variant="outline" size="sm" disabled={!cursors.length} onClick={() => setCursors((c) => c.slice(0, -1))}>
              {t("common.previous")}
            </Button>
            <Button variant="outline" size="sm" disabled={!list.data.next} onClick={() => list.data?.next && setCursors((c) => [...c, list.data!.next!])}>
              {t("common.next")}
            </Button>
          </div>
        </nav>
      )}
    </div>
  );
}
