"use client";
import { useState } from "react";
import { PageWrapper } from "@/components/layout/PageWrapper";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { Table, THead, TBody, TR, TH, TD } from "@/components/ui/table";
import { SkeletonRows } from "@/components/ui/skeleton";
import { EmptyState, ErrorState, InlineError } from "@/components/common/States";
import { useAudit, useExportAudit, useUsers } from "@/hooks/useAdmin";
import { useI18n } from "@/hooks/useI18n";
import { formatDateTime } from "@/lib/helpers";
import { auditChangeLines, historyText } from "@/lib/serverText";
import type { AuditFilters } from "@/types/analytics";

const OBJECT_TYPES = ["ticket", "user", "department", "attachment", "sla_policy", "holiday", "desk_settings", "user_import", "user_sync"];

export default function AuditPage() {
  const { t, locale } = useI18n();
  const users = useUsers({});
  // What an entry is about, in words; a type the web app does not know yet, as the server names it.
  const entityName = (type: string) => {
    const key = `audit.entityName.${type}`;
    return t(key) === key ? type.replace(/_/g, " ") : t(key);
  };
  const [draft, setDraft] = useState<AuditFilters>({});
  const [filters, setFilters] = useState<AuditFilters>({});
  const [cursors, setCursors] = useState<string[]>([]);
  const audit = useAudit({ ...filters, cursor: cursors[cursors.length - 1] });
  const exportCsv = useExportAudit();
  const set = (key: keyof AuditFilters, value: string) => setDraft((d) => ({ ...d, [key]: value || undefined }));
  return (
    <PageWrapper
      title={t("nav.audit")}
      actions={
        <Button variant="outline" onClick={() => exportCsv.mutate(filters)} disabled={exportCsv.isPending} data-testid="audit-export">
          {t("common.export")}
        </Button>
      }
    >
      <InlineError error={exportCsv.error} />
      <form
        className="grid items-end gap-3 sm:grid-cols-3 lg:grid-cols-6"
        onSubmit={(e) => {
          e.preventDefault();
          setCursors([]);
          setFilters(draft);
        }}
      >
        <div className="grid gap-1.5">
          <Label htmlFor="audit-actor">{t("audit.actor")}</Label>
          <Select id="audit-actor" value={draft.actor ?? ""} onChange={(e) => set("actor", e.target.value)}>
            <option value="">{t("common.all")}</option>
            {users.data?.items.map((u) => (
              <option key={u.id} value={u.id}>
                {u.full_name} ({u.employee_code})
              </option>
            ))}
          </Select>
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor="audit-action">{t("audit.action")}</Label>
          <Input id="audit-action" placeholder="ticket." value={draft.action ?? ""} onChange={(e) => set("action", e.target.value)} />
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor="audit-entity">{t("audit.entity")}</Label>
          <Select id="audit-entity" value={draft.entity ?? ""} onChange={(e) => set("entity", e.target.value)}>
            <option value="">{t("common.all")}</option>
            {OBJECT_TYPES.map((o) => (
              <option key={o} value={o}>
                {entityName(o)}
              </option>
            ))}
          </Select>
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor="audit-created_after">{t("audit.from")}</Label>
          <Input id="audit-created_after" type="date" value={draft.created_after ?? ""} onChange={(e) => set("created_after", e.target.value)} />
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor="audit-created_before">{t("audit.to")}</Label>
          <Input id="audit-created_before" type="date" value={draft.created_before ?? ""} onChange={(e) => set("created_before", e.target.value)} />
        </div>
        <Button type="submit">{t("common.filters")}</Button>
      </form>
      {audit.isLoading ? (
        <SkeletonRows />
      ) : audit.error ? (
        <ErrorState error={audit.error} onRetry={() => audit.refetch()} />
      ) : !audit.data?.items.length ? (
        <EmptyState />
      ) : (
        <>
          <p className="text-sm text-muted-foreground">
            {audit.data.count} {t("common.results")}
          </p>
          <Table data-testid="audit-table">
            <THead>
              <TR>
                <TH>{t("common.created")}</TH>
                <TH>{t("audit.actor")}</TH>
                <TH>{t("audit.action")}</TH>
                <TH className="hidden sm:table-cell">{t("audit.entity")}</TH>
                <TH className="hidden md:table-cell">{t("audit.details")}</TH>
              </TR>
            </THead>
            <TBody>
              {audit.data.items.map((e) => {
                const changes = auditChangeLines(locale, e);
                return (
                  <TR key={e.id}>
                    <TD className="whitespace-nowrap">{formatDateTime(e.created_at, locale)}</TD>
                    <TD dir="auto">{e.actor_name ?? "—"}</TD>
                    <TD title={e.action}>{historyText(locale, e)}</TD>
                    <TD className="hidden sm:table-cell">
                      {entityName(e.entity)} <span className="font-mono text-xs text-muted-foreground">{e.entity_id?.slice(0, 8)}</span>
                    </TD>
                    <TD className="hidden max-w-md text-xs md:table-cell">
                      {changes.slice(0, 4).map((line) => (
                        <div key={line} className="truncate" title={line}>
                          {line}
                        </div>
                      ))}
                      {changes.length > 4 && <div className="text-muted-foreground">+{changes.length - 4}</div>}
                      {e.reason && <div className="italic" dir="auto">{e.reason}</div>}
                      {e.ip && <div className="text-muted-foreground">{e.ip}</div>}
                    </TD>
                  </TR>
                );
              })}
            </TBody>
          </Table>
          <nav className="flex justify-end gap-2" aria-label={t("common.pagination")}>
            <Button size="sm" variant="outline" disabled={!cursors.length} onClick={() => setCursors((c) => c.slice(0, -1))}>
              {t("common.previous")}
            </Button>
            <Button size="sm" variant="outline" disabled={!audit.data.next} onClick={() => audit.data?.next && setCursors((c) => [...c, audit.data!.next!])}>
              {t("common.next")}
            </Button>
          </nav>
        </>
      )}
    </PageWrapper>
  );
}
