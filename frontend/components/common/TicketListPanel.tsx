"use client";
import { useEffect, useState } from "react";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { Button } from "@/components/ui/button";
import { Label } from "@/components/ui/label";
import { TicketTable } from "./TicketTable";
import { useTicketList } from "@/hooks/useTickets";
import { useDepartments } from "@/hooks/useAdmin";
import { useI18n } from "@/hooks/useI18n";
import { useSession } from "@/hooks/useAuth";
import { ticketHref } from "@/config/routes";
import { PRIORITIES, TICKET_STATUSES, type TicketFilters } from "@/types/ticket";
import { DepartmentOptions } from "@/components/common/SelectOptions";

const URL_FILTERS = ["q", "status", "priority", "department", "ordering"] as const;
/** The orderings GET tickets offers (server-side, DESIGN §10). */
const ORDERINGS = ["-updated_at", "-created_at", "created_at", "-priority", "sla_due", "-number", "number"] as const;

/** Filters, search, sorting and cursor pagination over GET /tickets. */
export function TicketListPanel({
  baseFilters,
  showFilters = true,
  emptyMessage,
  testId,
}: {
  baseFilters: TicketFilters;
  showFilters?: boolean;
  emptyMessage?: string;
  testId?: string;
}) {
  const { t } = useI18n();
  const { user } = useSession();
  const departments = useDepartments();
  const [filters, setFilters] = useState<TicketFilters>({});
  const [search, setSearch] = useState("");
  const [cursors, setCursors] = useState<string[]>([]);
  const effective: TicketFilters = { ordering: "-updated_at", ...baseFilters, ...filters, cursor: cursors[cursors.length - 1] };
  const list = useTicketList(effective);

  // The filters live in the address (?q=&status=&priority=&department=&ordering=): a reload or a
  // shared link shows the same list. Read once on mount (client only), written on each change.
  useEffect(() => {
    const params = new URLSearchParams(window.location.search);
    const read: TicketFilters = {};
    for (const key of URL_FILTERS) {
      const value = params.get(key);
      if (value) (read as Record<string, string>)[key] = value;
    }
    if (Object.keys(read).length) {
      setFilters(read);
      setSearch(read.q ?? "");
    }
  }, []);

  const set = (patch: TicketFilters) => {
    setCursors([]);
    setFilters((prev) => {
      const next = { ...prev, ...patch };
      const params = new URLSearchParams(window.location.search);
      for (const key of URL_FILTERS) {
        const value = (next as Record<string, unknown>)[key];
        if (typeof value === "string" && value) params.set(key, value);
        else params.delete(key);
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
            <Select id="filter-ordering" value={filters.ordering ?? "-updated_at"} onChange={(e) => set({ ordering: e.target.value })}>
              {ORDERINGS.map((o) => (
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
      {list.data && typeof list.data.count === "number" && (
        <p className="text-sm text-muted-foreground" role="status" data-testid="list-count">
          {list.data.count} {t("common.results")}
        </p>
      )}
      <TicketTable
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
