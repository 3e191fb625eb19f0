"use client";
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { PageWrapper } from "@/components/layout/PageWrapper";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, THead, TBody, TR, TH, TD } from "@/components/ui/table";
import { EmptyState, InlineError } from "@/components/common/States";
import { useI18n } from "@/hooks/useI18n";
import { formatDateTime } from "@/lib/helpers";
import { syncErrorText } from "@/lib/serverText";
import { toApiError } from "@/lib/errors";
import { listSyncRuns, runSync, type SyncRun } from "@/services/api/smsSyncService";

/** The admin's SMS sync page (DESIGN §8): dry run, run now, the last runs and a run's per-row report. */
export default function SmsSyncPage() {
  const { t, locale } = useI18n();
  const queryClient = useQueryClient();
  const runs = useQuery({ queryKey: ["users", "sync", "runs"], queryFn: listSyncRuns });
  const [openId, setOpenId] = useState<string | null>(null);
  const run = useMutation({
    mutationFn: runSync,
    onSuccess: (result) => { setOpenId(result.id); void queryClient.invalidateQueries({ queryKey: ["users", "sync", "runs"] }); },
    onError: () => void queryClient.invalidateQueries({ queryKey: ["users", "sync", "runs"] }),
    meta: { silent: true }, // said below, in this page's words
  });
  const open: SyncRun | undefined = (runs.data ?? []).find((r) => r.id === openId) ?? (run.data?.id === openId ? run.data : undefined);
  return (
    <PageWrapper title={t("sync.title")}>
      <div className="mb-4 flex flex-wrap gap-2">
        <Button type="button" variant="outline" onClick={() => run.mutate(true)} disabled={run.isPending}>{t("sync.dryRun")}</Button>
        <Button type="button" onClick={() => run.mutate(false)} disabled={run.isPending}>{t("sync.runNow")}</Button>
      </div>
      {run.error ? (
        <p role="alert" className="mb-3 rounded-md bg-destructive/10 p-3 text-sm text-destructive">{syncErrorText(locale, toApiError(run.error).code)}</p>
      ) : (
        <InlineError error={runs.error} />
      )}
      {runs.data && runs.data.length === 0 ? <EmptyState message={t("sync.none")} /> : null}
      {runs.data && runs.data.length > 0 ? (
        <Table>
          <THead>
            <TR>
              <TH>{t("sync.started")}</TH><TH>{t("sync.kind")}</TH><TH>{t("common.status")}</TH>
              <TH>{t("sync.created")}</TH><TH>{t("sync.updated")}</TH><TH>{t("sync.deactivated")}</TH><TH>{t("sync.refused")}</TH><TH />
            </TR>
          </THead>
          <TBody>
            {runs.data.map((r) => (
              <TR key={r.id} data-testid="sync-run">
                <TD>{formatDateTime(r.started_at, locale)}</TD>
                <TD>{t(r.trigger === "scheduled" ? "sync.scheduled" : "sync.manual")}{r.dry_run ? ` · ${t("sync.dryRun")}` : ""}</TD>
                <TD>{t(`sync.status.${r.status}`)}</TD>
                <TD>{r.created}</TD><TD>{r.updated}</TD><TD>{r.deactivated}</TD><TD>{r.refused}</TD>
                <TD><Button type="button" size="sm" variant="outline" onClick={() => setOpenId(r.id)}>{t("sync.report")}</Button></TD>
              </TR>
            ))}
          </TBody>
        </Table>
      ) : null}
      {open ? (
        <Card className="mt-4" data-testid="sync-report">
          <CardHeader><CardTitle className="text-base">{t("sync.report")} · {formatDateTime(open.started_at, locale)}</CardTitle></CardHeader>
          <CardContent className="text-sm">
            {open.status === "failed" ? <p className="text-destructive" data-testid="sync-error">{syncErrorText(locale, open.error_code)}</p> : null}
            <p>{t("sync.unchanged")}: {open.unchanged}</p>
            {open.rows.length === 0 ? <p>{t("sync.noRows")}</p> : (
              <ul className="mt-2 grid gap-1">
                {open.rows.map((row, i) => (
                  <li key={`${row.sms_id}-${i}`} data-testid="sync-row" data-outcome={row.outcome}>
                    <strong>{t(`sync.${row.outcome}`)}</strong> · <bdi>{row.employee_code}</bdi>{row.reason ? <> · <bdi dir="auto">{row.reason}</bdi></> : null}
                  </li>
                ))}
              </ul>
            )}
          </CardContent>
        </Card>
      ) : null}
    </PageWrapper>
  );
}
