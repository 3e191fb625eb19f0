"use client";
import { useState } from "react";
import { PageWrapper } from "@/components/layout/PageWrapper";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Table, THead, TBody, TR, TH, TD } from "@/components/ui/table";
import { SkeletonRows } from "@/components/ui/skeleton";
import { EmptyState, ErrorState } from "@/components/common/States";
import { useAudit, useExportAudit } from "@/hooks/useAdmin";
import { useI18n } from "@/hooks/useI18n";
import { formatDateTime } from "@/lib/helpers";
import type { AuditFilters } from "@/types/analytics";

export default function AuditPage() {
  const { t, locale } = useI18n();
  const [draft, setDraft] = useState<AuditFilters>({});
  const [filters, setFilters] = useState<AuditFilters>({});
  const [cursors, setCursors] = useState<string[]>([]);
  const audit = useAudit({ ...filters, cursor: cursors[cursors.length - 1] });
  const exportCsv = useExportAudit();
  const field = (key: keyof AuditFilters, label: string, type = "text") => (
    <div className="grid gap-1.5">
      <Label htmlFor={`audit-${key}`}>{label}</Label>
      <Input id={`audit-${key}`} type={type} value={draft[key] ?? ""} onChange={(e) => setDraft((d) => ({ ...d, [key]: e.target.value || undefined }))} />
    </div>
  );
  return (
    <PageWrapper
      title={t("nav.audit")}
      actions={
        <Button variant="outline" onClick={() => exportCsv.mutate(filters)} disabled={exportCsv.isPending}>
          {t("common.export")}
        </Button>
      }
    >
      <form
        className="grid items-end gap-3 sm:grid-cols-3 lg:grid-cols-6"
        onSubmit={(e) => {
          e.preventDefault();
          setCursors([]);
          setFilters(draft);
        }}
      >
        {field("actor", t("audit.actor"))}
        {field("action", t("audit.action"))}
        {field("entity", t("audit.entity"))}
        {field("created_after", t("audit.from"), "date")}
        {field("created_before", t("audit.to"), "date")}
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
          <Table data-testid="audit-table">
            <THead>
              <TR>
                <TH>{t("common.created")}</TH>
                <TH>{t("audit.actor")}</TH>
                <TH>{t("audit.action")}</TH>
                <TH>{t("audit.entity")}</TH>
                <TH className="hidden md:table-cell">Data</TH>
              </TR>
            </THead>
            <TBody>
              {audit.data.items.map((e) => (
                <TR key={e.id}>
                  <TD className="whitespace-nowrap">{formatDateTime(e.created_at, locale)}</TD>
                  <TD>{e.actor_name ?? "—"}</TD>
                  <TD>{e.action}</TD>
                  <TD>
                    {e.entity} <span className="font-mono text-xs text-muted-foreground">{e.entity_id?.slice(0, 8)}</span>
                  </TD>
                  <TD className="hidden max-w-xs truncate font-mono text-xs md:table-cell">{e.data ? JSON.stringify(e.data) : ""}</TD>
                </TR>
              ))}
            </TBody>
          </Table>
          <div className="flex justify-end gap-2">
            <Button size="sm" variant="outline" disabled={!cursors.length} onClick={() => setCursors((c) => c.slice(0, -1))}>
              {t("common.previous")}
            </Button>
            <Button size="sm" variant="outline" disabled={!audit.data.next} onClick={() => audit.data?.next && setCursors((c) => [...c, audit.data!.next!])}>
              {t("common.next")}
            </Button>
          </div>
        </>
      )}
    </PageWrapper>
  );
}
