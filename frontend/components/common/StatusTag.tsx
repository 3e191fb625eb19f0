"use client";
import { Badge, type BadgeProps } from "@/components/ui/badge";
import { useI18n } from "@/hooks/useI18n";
import type { Priority, TicketStatus } from "@/types/ticket";

const STATUS_VARIANT: Record<string, BadgeProps["variant"]> = {
  draft: "outline",
  submitted: "info",
  pending_approval: "warning",
  approved: "info",
  rejected: "destructive",
  assigned: "secondary",
  in_progress: "default",
  postponed: "warning",
  resolved: "success",
  closed: "secondary",
  withdrawn: "outline",
};

export function StatusTag({ status }: { status: TicketStatus | string }) {
  const { t } = useI18n();
  return (
    <Badge variant={STATUS_VARIANT[status] ?? "outline"} data-status={status}>
      {t(`status.${status}`)}
    </Badge>
  );
}

const PRIORITY_VARIANT: Record<string, BadgeProps["variant"]> = {
  low: "outline",
  medium: "secondary",
  high: "warning",
  urgent: "destructive",
};

export function PriorityBadge({ priority }: { priority: Priority | string }) {
  const { t } = useI18n();
  return <Badge variant={PRIORITY_VARIANT[priority] ?? "outline"}>{t(`priority.${priority}`)}</Badge>;
}
