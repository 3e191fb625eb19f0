"use client";
import Link from "next/link";
import { useState } from "react";
import { PageWrapper } from "@/components/layout/PageWrapper";
import { Card, CardContent } from "@/components/ui/card";
import { Button } from "@/components/ui/button";
import { SkeletonRows } from "@/components/ui/skeleton";
import { EmptyState, ErrorState } from "@/components/common/States";
import { StatusTag } from "@/components/common/StatusTag";
import { ReasonModal } from "@/components/modals/ReasonModal";
import { ConfirmModal } from "@/components/modals/ConfirmModal";
import { useApprovals, useDecideApproval } from "@/hooks/useApprovals";
import { useSession } from "@/hooks/useAuth";
import { useI18n } from "@/hooks/useI18n";
import { routes } from "@/config/routes";
import { formatMoney } from "@/lib/helpers";

export default function ApprovalsPage() {
  const { t, locale } = useI18n();
  const { user } = useSession();
  const approvals = useApprovals(!!user?.is_approver);
  const decide = useDecideApproval();
  const [rejecting, setRejecting] = useState<string | null>(null);
  const [approving, setApproving] = useState<string | null>(null);
  const approvingItem = approvals.data?.find((x) => x.id === approving);
  if (!user) return null;
  return (
    <PageWrapper title={t("nav.approvals")}>
      {!user.is_approver ? (
        <EmptyState />
      ) : approvals.isLoading ? (
        <SkeletonRows />
      ) : approvals.error ? (
        <ErrorState error={approvals.error} onRetry={() => approvals.refetch()} />
      ) : !approvals.data?.length ? (
        <EmptyState />
      ) : (
        <ul className="space-y-3" data-testid="approval-list">
          {approvals.data.map((a) => (
            <li key={a.id}>
              <Card>
                <CardContent className="flex flex-wrap items-center justify-between gap-3 pt-4 sm:pt-6">
                  <div className="space-y-1">
                    <p className="font-medium">
                      {a.ticket ? (
                        <Link href={routes.requestDetail(user.role, a.ticket_id)} className="text-primary hover:underline">
                          {a.ticket.number} · {a.ticket.title}
                        </Link>
                      ) : (
                        <Link href={routes.requestDetail(user.role, a.ticket_id)} className="text-primary hover:underline">
                          {a.ticket_id.slice(0, 8)}
                        </Link>
                      )}
                    </p>
                    {a.ticket?.amount && (
                      <p className="text-lg font-semibold" data-testid="approval-amount">
                        {formatMoney(a.ticket.amount, locale)}
                      </p>
                    )}
                    <p className="text-sm text-muted-foreground">
                      {t(`approver.${a.approver_kind}`)} · {t("approval.step")} {a.step}
                      {a.ticket?.requestor_name && ` · ${t("common.requestor")}: ${a.ticket.requestor_name}`}
                    </p>
                    {a.ticket?.description && <p className="line-clamp-2 max-w-prose text-sm">{a.ticket.description}</p>}
                    {a.ticket && <StatusTag status={a.ticket.status} />}
                  </div>
                  <div className="flex gap-2">
                    <Button size="sm" disabled={decide.isPending || !a.ticket} onClick={() => setApproving(a.id)}>
                      {t("action.approve")}
                    </Button>
                    <Button size="sm" variant="destructive" disabled={decide.isPending || !a.ticket} onClick={() => setRejecting(a.id)}>
                      {t("action.reject")}
                    </Button>
                  </div>
                </CardContent>
              </Card>
            </li>
          ))}
        </ul>
      )}
      <ConfirmModal
        open={!!approving}
        onOpenChange={(open) => !open && setApproving(null)}
        title={t("action.approve")}
        message={(approvingItem?.ticket?.amount ? t("confirm.approve") : t("confirm.approveNoAmount"))
          .replace("{amount}", formatMoney(approvingItem?.ticket?.amount, locale))
          .replace("{ticket}", approvingItem?.ticket?.number ?? "")}
        confirmLabel={t("action.approve")}
        pending={decide.isPending}
        onConfirm={() => {
          const version = approvingItem?.ticket?.version;
          if (approving && version !== undefined)
            decide.mutate({ id: approving, decision: "approve", version }, { onSuccess: () => setApproving(null) });
        }}
      />
      <ReasonModal
        open={!!rejecting}
        onOpenChange={(open) => !open && setRejecting(null)}
        title={t("action.reject")}
        confirmLabel={t("action.reject")}
        destructive
        pending={decide.isPending}
        onConfirm={(reason) => {
          const version = approvals.data?.find((x) => x.id === rejecting)?.ticket?.version;
          if (rejecting && version !== undefined)
            decide.mutate({ id: rejecting, decision: "reject", reason, version }, { onSuccess: () => setRejecting(null) });
        }}
      />
    </PageWrapper>
  );
}
