"use client";
import Link from "next/link";
import { Progress } from "@/components/ui/progress";
import { StatusTag } from "./StatusTag";
import { useSubtickets } from "@/hooks/useTickets";
import { useSession } from "@/hooks/useAuth";
import { useI18n } from "@/hooks/useI18n";
import { useDepartmentNames } from "@/hooks/useDepartmentNames";
import { ticketHref } from "@/config/routes";
import type { Ticket } from "@/types/ticket";

export function SubticketList({ ticket }: { ticket: Ticket }) {
  const { t } = useI18n();
  const { user } = useSession();
  const departmentName = useDepartmentNames();
  const subtickets = useSubtickets(ticket.id, !ticket.parent_id);
  const list = subtickets.data ?? [];
  // The server counts them (TicketOut.subtickets): done = resolved or closed.
  const total = ticket.subtickets_progress?.total ?? 0;
  const resolved = ticket.subtickets_progress?.resolved ?? 0;
  if (ticket.parent_id || (!total && !list.length)) return null;
  return (
    <div className="space-y-3" data-testid="subtickets">
      <div className="flex items-center gap-3 text-sm">
        <Progress value={total ? (resolved / total) * 100 : 0} label={t("ticket.subtickets")} className="max-w-xs" />
        <span data-testid="subticket-progress">
          {resolved}/{total} {t("ticket.progress")}
        </span>
      </div>
      <ul className="space-y-2">
        {list.map((s) => (
          <li key={s.id} className="flex flex-wrap items-center justify-between gap-2 rounded-md border p-2 text-sm" data-subticket-id={s.id}>
            {user && (user.role !== "requestor" || user.id !== ticket.requestor_id) ? (
              <Link href={ticketHref(user.role, s.id)} className="text-primary hover:underline">
                {s.number} · {s.title}
              </Link>
            ) : (
              <span>
                {s.number} · {s.title}
              </span>
            )}
            <span className="flex items-center gap-2">
              <span className="text-muted-foreground">{s.department_name ?? departmentName(s.department_id)}</span>
              <StatusTag status={s.status} />
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
