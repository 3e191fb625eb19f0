"use client";
import { useState } from "react";
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

/** Filters, search, and cursor pagination over GET /tickets. */
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

  const set = (patch: TicketFilters) => {
    setCursors([]);
    setFilters((prev) => ({ ...prev, ...patch }));
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
          <span className="text-muted-foreground">
            {list.data.count} {t("common.results")}
          </span>
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
