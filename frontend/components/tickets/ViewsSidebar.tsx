"use client";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { useDeleteView, useSaveView, useViews } from "@/hooks/useViews";
import { useI18n } from "@/hooks/useI18n";
import { errorMessage } from "@/lib/serverText";
import { formatCount } from "@/lib/helpers";
import type { SavedView, TicketFilters } from "@/types/ticket";

const LIST_FILTERS = new Set(["status", "priority"]);

/** The list's current filters as a view stores them (GET tickets' parameters; lists as lists). */
export function viewFiltersOf(filters: TicketFilters): { filters: Record<string, unknown>; ordering: string | null } {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(filters)) {
    if (value === undefined || value === null || value === "" || ["cursor", "page", "page_size", "ordering"].includes(key)) continue;
    out[key] = LIST_FILTERS.has(key) && !Array.isArray(value) ? [value] : value;
  }
  return { filters: out, ordering: filters.ordering ?? null };
}

/** A view's filters as the list panel holds them. */
export function listFiltersOf(view: SavedView): TicketFilters {
  return { ...(view.filters as TicketFilters), ...(view.ordering ? { ordering: view.ordering } : {}) };
}

/** Personal and shared views with their live counts (DESIGN §10), and "save the current list as a view". */
export function ViewsSidebar({
  activeId,
  current,
  onOpen,
}: {
  activeId: string | null;
  current: TicketFilters;
  onOpen: (view: SavedView | null) => void;
}) {
  const { t, locale } = useI18n();
  const views = useViews();
  const save = useSaveView();
  const remove = useDeleteView();
  const [name, setName] = useState("");
  const [shared, setShared] = useState(false);
  const all = views.data?.items ?? [];
  const mine = all.filter((v) => !v.shared || v.can_change);
  const team = all.filter((v) => v.shared && !v.can_change);
  const canShare = views.data?.canShare ?? false;

  const item = (view: SavedView) => (
    <li key={view.id} className="flex items-center gap-1">
      <button
        type="button"
        className={`flex flex-1 items-center justify-between rounded px-2 py-1 text-start text-sm hover:bg-muted ${activeId === view.id ? "bg-muted font-semibold" : ""}`}
        aria-current={activeId === view.id ? "true" : undefined}
        data-testid="view-item"
        data-view-name={view.name}
        onClick={() => onOpen(view)}
      >
        <span dir="auto">{view.name}{view.shared ? ` · ${t("views.shared")}` : ""}</span>
        <span className="ms-2 rounded bg-secondary px-1.5 text-xs tabular-nums" data-testid="view-count">{formatCount(view)}</span>
      </button>
      {view.can_change && (
        <Button variant="ghost" size="sm" aria-label={`${t("views.delete")} ${view.name}`} onClick={() => {
          remove.mutate(view.id);
          if (activeId === view.id) onOpen(null);
        }}>
          ×
        </Button>
      )}
    </li>
  );

  return (
    <aside className="space-y-4 rounded-lg border p-3 lg:w-64 lg:shrink-0" aria-label={t("views.title")} data-testid="views-sidebar">
      <div>
        <button type="button" className={`w-full rounded px-2 py-1 text-start text-sm hover:bg-muted ${activeId === null ? "bg-muted font-semibold" : ""}`}
          onClick={() => onOpen(null)}>
          {t("views.all")}
        </button>
      </div>
      <section>
        <h2 className="mb-1 text-xs font-semibold uppercase text-muted-foreground">{t("views.mine")}</h2>
        {mine.length ? <ul className="space-y-0.5">{mine.map(item)}</ul> : <p className="px-2 text-xs text-muted-foreground">{t("views.none")}</p>}
      </section>
      {team.length > 0 && (
        <section>
          <h2 className="mb-1 text-xs font-semibold uppercase text-muted-foreground">{t("views.team")}</h2>
          <ul className="space-y-0.5">{team.map(item)}</ul>
        </section>
      )}
      <form
        className="grid gap-2 border-t pt-3"
        onSubmit={(e) => {
          e.preventDefault();
          if (!name.trim()) return;
          save.mutate({ name: name.trim(), shared, ...viewFiltersOf(current) }, {
            onSuccess: (view) => {
              setName("");
              setShared(false);
              onOpen(view);
            },
          });
        }}
      >
        <Label htmlFor="view-name">{t("views.saveAs")}</Label>
        <Input id="view-name" value={name} maxLength={80} onChange={(e) => setName(e.target.value)} dir="auto" />
        {canShare && (
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={shared} onChange={(e) => setShared(e.target.checked)} data-testid="view-shared" />
            {t("views.shareWithTeam")}
          </label>
        )}
        <Button type="submit" size="sm" disabled={save.isPending || !name.trim()} data-testid="view-save">
          {t("views.save")}
        </Button>
        {save.error && <p className="text-xs text-destructive" role="alert">{errorMessage(save.error, locale)}</p>}
      </form>
    </aside>
  );
}
