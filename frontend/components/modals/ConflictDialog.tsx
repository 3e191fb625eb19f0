"use client";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Button } from "@/components/ui/button";
import { StatusTag, PriorityBadge } from "@/components/common/StatusTag";
import { useUiStore } from "@/store/uiStore";
import { useAcceptLatest, useReapplyMine } from "@/hooks/useTicketActions";
import { useI18n } from "@/hooks/useI18n";
import { formatDateTime } from "@/lib/helpers";

/** Opened by any 409 version_conflict: shows the ticket as it now is and offers to reload it. */
export function ConflictDialog() {
  const { t, locale } = useI18n();
  const conflict = useUiStore((s) => s.conflict);
  const clear = useUiStore((s) => s.clearConflict);
  const accept = useAcceptLatest();
  const reapply = useReapplyMine();
  const latest = conflict?.latest ?? null;
  const mine = conflict?.mine && Object.keys(conflict.mine).length ? conflict.mine : null;
  return (
    <Dialog open={!!conflict} onOpenChange={(open) => !open && clear()}>
      <DialogContent data-testid="conflict-dialog" closeLabel={t("common.close")}>
        <DialogHeader>
          <DialogTitle>{t("conflict.title")}</DialogTitle>
          <DialogDescription>{conflict?.message}</DialogDescription>
        </DialogHeader>
        <p className="text-sm">{t("conflict.body")}</p>
        {latest && (
          <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 rounded-md border p-3 text-sm" data-testid="conflict-latest">
            <dt className="text-muted-foreground">{t("common.title")}</dt>
            <dd className="font-medium">{latest.title}</dd>
            <dt className="text-muted-foreground">{t("common.status")}</dt>
            <dd>
              <StatusTag status={latest.status} />
            </dd>
            <dt className="text-muted-foreground">{t("common.priority")}</dt>
            <dd>
              <PriorityBadge priority={latest.priority} />
            </dd>
            <dt className="text-muted-foreground">{t("common.description")}</dt>
            <dd className="line-clamp-3 whitespace-pre-wrap">{latest.description}</dd>
            <dt className="text-muted-foreground">{t("common.updated")}</dt>
            <dd>
              {formatDateTime(latest.updated_at, locale)} · v{latest.version}
            </dd>
          </dl>
        )}
        {mine && (
          <div className="space-y-1 rounded-md border border-primary/40 p-3 text-sm" data-testid="conflict-mine">
            <p className="font-medium">{t("conflict.yourChanges")}</p>
            <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1">
              {Object.entries(mine).map(([field, value]) => (
                <div key={field} className="contents">
                  <dt className="text-muted-foreground">{t(`common.${field}`)}</dt>
                  <dd className="whitespace-pre-wrap" dir="auto">{value === null ? "—" : String(value)}</dd>
                </div>
              ))}
            </dl>
          </div>
        )}
        <DialogFooter>
          <Button variant="outline" onClick={clear}>
            {t("common.cancel")}
          </Button>
          <Button variant={mine ? "outline" : "default"} onClick={() => accept(latest)}>{t("conflict.reload")}</Button>
          {mine && latest && (
            <Button disabled={reapply.isPending} onClick={() => reapply.mutate({ latest, mine })} data-testid="conflict-reapply">
              {t("conflict.reapply")}
            </Button>
          )}
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
