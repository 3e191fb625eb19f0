"use client";
import { useState } from "react";
import { PageWrapper } from "@/components/layout/PageWrapper";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { Table, THead, TBody, TR, TH, TD } from "@/components/ui/table";
import { SkeletonRows } from "@/components/ui/skeleton";
import { EmptyState, ErrorState, InlineError } from "@/components/common/States";
import { useDeadLetter, useDeadLetters, useOpenFlower, useReplayDeadLetter } from "@/hooks/useOps";
import { useI18n } from "@/hooks/useI18n";
import { formatDateTime } from "@/lib/helpers";
import type { DeadLetterView } from "@/types/ops";

/** Operations: the dead-letter table (inspect, replay) and the way into Celery Flower. Admins only. */
export default function OperationsPage() {
  const { t, locale } = useI18n();
  const [view, setView] = useState<DeadLetterView>("pending");
  const [cursors, setCursors] = useState<string[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const letters = useDeadLetters(view, cursors[cursors.length - 1]);
  const detail = useDeadLetter(selected);
  const replay = useReplayDeadLetter();
  const flower = useOpenFlower();

  return (
    <PageWrapper
      title={t("nav.operations")}
      actions={
        <Button variant="outline" onClick={() => flower.mutate()} disabled={flower.isPending} data-testid="open-flower">
          {t("ops.openFlower")}
        </Button>
      }
    >
      <InlineError error={flower.error} />
      <section className="grid gap-3" aria-labelledby="dead-letters-title">
        <h2 id="dead-letters-title" className="text-lg font-semibold">
          {t("ops.deadLetters")}
        </h2>
        <p className="text-sm text-muted-foreground">{t("ops.deadLettersHelp")}</p>
        <div className="grid max-w-xs gap-1.5">
          <Label htmlFor="dead-letter-view">{t("common.status")}</Label>
          <Select
            id="dead-letter-view"
            value={view}
            onChange={(e) => {
              setView(e.target.value as DeadLetterView);
              setCursors([]);
            }}
          >
            <option value="pending">{t("ops.view.pending")}</option>
            <option value="replayed">{t("ops.view.replayed")}</option>
            <option value="all">{t("common.all")}</option>
          </Select>
        </div>
        {letters.isLoading ? (
          <SkeletonRows />
        ) : letters.error ? (
          <ErrorState error={letters.error} onRetry={() => letters.refetch()} />
        ) : !letters.data?.items.length ? (
          <EmptyState message={t("ops.none")} />
        ) : (
          <>
            <Table data-testid="dead-letters">
              <THead>
                <TR>
                  <TH>{t("ops.failedAt")}</TH>
                  <TH>{t("ops.task")}</TH>
                  <TH className="hidden md:table-cell">{t("ops.error")}</TH>
                  <TH>{t("common.status")}</TH>
                  <TH>
                    <span className="sr-only">{t("common.actions")}</span>
                  </TH>
                </TR>
              </THead>
              <TBody>
                {letters.data.items.map((letter) => (
                  <TR key={letter.id} data-dead-letter-id={letter.id}>
                    <TD className="whitespace-nowrap">{formatDateTime(letter.failed_at, locale)}</TD>
                    <TD className="font-mono text-xs">{letter.task_name}</TD>
                    <TD className="hidden max-w-md truncate text-xs md:table-cell" title={letter.exception}>
                      {letter.exception}
                    </TD>
                    <TD>
                      {letter.replayed_at ? (
                        <Badge variant="success">{t("ops.replayed")}</Badge>
                      ) : (
                        <Badge variant="warning">{t("ops.pending")}</Badge>
                      )}
                    </TD>
                    <TD>
                      <Button size="sm" variant="outline" onClick={() => setSelected(letter.id)}>
                        {t("ops.inspect")}
                      </Button>
                    </TD>
                  </TR>
                ))}
              </TBody>
            </Table>
            <nav className="flex justify-end gap-2" aria-label={t("common.pagination")}>
              <Button size="sm" variant="outline" disabled={!cursors.length} onClick={() => setCursors((c) => c.slice(0, -1))}>
                {t("common.previous")}
              </Button>
              <Button
                size="sm"
                variant="outline"
                disabled={!letters.data.next}
                onClick={() => letters.data?.next && setCursors((c) => [...c, letters.data!.next!])}
              >
                {t("common.next")}
              </Button>
            </nav>
          </>
        )}
      </section>
      {selected && (
        <section className="grid gap-3 rounded-md border p-4" aria-label={t("common.details")} data-testid="dead-letter-detail">
          {detail.isLoading ? (
            <SkeletonRows />
          ) : detail.error ? (
            <ErrorState error={detail.error} onRetry={() => detail.refetch()} />
          ) : detail.data ? (
            <>
              <div className="flex flex-wrap items-center justify-between gap-2">
                <h3 className="font-mono text-sm font-semibold">{detail.data.task_name}</h3>
                <div className="flex gap-2">
                  <Button
                    size="sm"
                    onClick={() => replay.mutate(detail.data!.id)}
                    disabled={replay.isPending || !!detail.data.replayed_at}
                    data-testid="replay-dead-letter"
                  >
                    {detail.data.replayed_at ? t("ops.replayed") : t("ops.replay")}
                  </Button>
                  <Button size="sm" variant="outline" onClick={() => setSelected(null)}>
                    {t("common.close")}
                  </Button>
                </div>
              </div>
              <InlineError error={replay.error} />
              <dl className="grid gap-2 text-sm sm:grid-cols-[10rem_1fr]">
                <dt className="text-muted-foreground">{t("ops.failedAt")}</dt>
                <dd>{formatDateTime(detail.data.failed_at, locale)}</dd>
                <dt className="text-muted-foreground">{t("ops.retries")}</dt>
                <dd>{detail.data.retries}</dd>
                <dt className="text-muted-foreground">{t("ops.error")}</dt>
                <dd className="break-words">{detail.data.exception}</dd>
                <dt className="text-muted-foreground">{t("ops.arguments")}</dt>
                <dd>
                  <pre className="overflow-x-auto rounded bg-muted p-2 text-xs" data-testid="dead-letter-arguments">
                    {JSON.stringify({ args: detail.data.args, kwargs: detail.data.kwargs }, null, 2)}
                  </pre>
                </dd>
                {detail.data.replayed_at && (
                  <>
                    <dt className="text-muted-foreground">{t("ops.replayed")}</dt>
                    <dd>{formatDateTime(detail.data.replayed_at, locale)}</dd>
                  </>
                )}
              </dl>
              <details>
                <summary className="cursor-pointer text-sm">{t("ops.traceback")}</summary>
                <pre className="mt-2 max-h-96 overflow-auto rounded bg-muted p-2 text-xs" data-testid="dead-letter-traceback">
                  {detail.data.traceback}
                </pre>
              </details>
            </>
          ) : null}
        </section>
      )}
    </PageWrapper>
  );
}
