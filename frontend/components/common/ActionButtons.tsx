"use client";
import { useEffect, useState } from "react";
import { Button } from "@/components/ui/button";
import { ReasonModal } from "@/components/modals/ReasonModal";
import { PostponeModal } from "@/components/modals/PostponeModal";
import { AssignTicketModal } from "@/components/modals/AssignTicketModal";
import { SplitTicketModal } from "@/components/modals/SplitTicketModal";
import { EditTicketModal } from "@/components/modals/EditTicketModal";
import { ConfirmModal } from "@/components/modals/ConfirmModal";
import { MergeModal } from "@/components/modals/MergeModal";
import { formatMoney } from "@/lib/helpers";
import { useTicketAction, useCreateSubtickets } from "@/hooks/useTicketActions";
import { useRoutingFeedback } from "@/hooks/useAi";
import { useI18n } from "@/hooks/useI18n";
import { useSession } from "@/hooks/useAuth";
import { ASSIGN_ME_EVENT } from "@/lib/shortcuts";
import type { ServerAction, Ticket, TicketAction } from "@/types/ticket";

const DIRECT: TicketAction[] = ["submit", "start", "resume", "close"];
/** Actions that cannot be undone ask first (resolve also takes the resolution note). */
type Confirmed = "withdraw" | "request_approval" | "resolve" | "approve";
type ModalKind = "reject" | "reopen" | "postpone" | "assign" | "reassign" | "split" | "edit" | "merge" | Confirmed | null;
/** Allowed actions offered elsewhere on the page: the rating card and the chat box (a reply or an
 *  internal note; no delete button).
 *  An approver sees Approve and Reject here as on the approvals page. */
const ELSEWHERE: ServerAction[] = ["rate", "message", "note", "delete"];
export type BarItem = Exclude<ServerAction, "rate" | "message" | "note" | "delete"> | "edit";

/** The action bar: exactly the server's allowed_actions (minus those offered elsewhere), plus Edit
 *  when PATCH accepts a field from this person. The web app decides nothing itself (DESIGN §9). */
export function actionBarItems(ticket: Pick<Ticket, "allowed_actions" | "editable_fields">): BarItem[] {
  const items = ticket.allowed_actions.filter((a) => !ELSEWHERE.includes(a)) as BarItem[];
  return ticket.editable_fields.length ? [...items, "edit"] : items;
}

export function ActionButtons({ ticket }: { ticket: Ticket }) {
  const { t, locale } = useI18n();
  const action = useTicketAction(ticket);
  const split = useCreateSubtickets(ticket.id);
  const [modal, setModal] = useState<ModalKind>(null);
  // Routing a ticket the ai service suggested departments for tells it what the moderator chose.
  const routed = useRoutingFeedback(ticket.id);
  const { user } = useSession();
  const actions = actionBarItems(ticket);
  const run = (name: TicketAction, payload = {}) =>
    action.mutate({ action: name, payload }, { onSuccess: () => setModal(null) });

  // The `a` shortcut: assign (or reassign) the ticket to me, when the server offers that action;
  // the server decides whether I may take it (an error says why).
  const assignTo = ticket.allowed_actions.includes("assign") ? "assign" : ticket.allowed_actions.includes("reassign") ? "reassign" : null;
  useEffect(() => {
    if (!assignTo || !user) return;
    const onAssignMe = () => {
      const payload = assignTo === "assign"
        ? { department_id: ticket.department_id ?? user.department_id ?? undefined, assignee_id: user.id }
        : { assignee_id: user.id };
      action.mutate({ action: assignTo, payload });
    };
    window.addEventListener(ASSIGN_ME_EVENT, onAssignMe);
    return () => window.removeEventListener(ASSIGN_ME_EVENT, onAssignMe);
  }, [assignTo, user, ticket.department_id, action]);

  if (!actions.length) return null;
  const onClick = (a: BarItem) => {
    if ((DIRECT as string[]).includes(a)) run(a as TicketAction);
    else setModal(a as ModalKind);
  };
  const close = (open: boolean) => !open && setModal(null);

  return (
    <div className="flex flex-wrap gap-2" role="group" aria-label={t("common.actions")}>
      {actions.map((a) => (
        <Button
          key={a}
          size="sm"
          variant={a === "reject" || a === "withdraw" ? "destructive" : a === "edit" ? "outline" : "default"}
          disabled={action.isPending}
          onClick={() => onClick(a)}
          data-action={a}
        >
          {t(`action.${a}`)}
        </Button>
      ))}
      <ReasonModal
        open={modal === "reject"}
        onOpenChange={close}
        title={t("action.reject")}
        confirmLabel={t("action.reject")}
        destructive
        pending={action.isPending}
        onConfirm={(reason) => run("reject", { reason })}
      />
      <ReasonModal
        open={modal === "reopen"}
        onOpenChange={close}
        title={t("action.reopen")}
        confirmLabel={t("action.reopen")}
        pending={action.isPending}
        onConfirm={(reason) => run("reopen", { reason })}
      />
      <MergeModal open={modal === "merge"} onOpenChange={close} pending={action.isPending}
        onConfirm={(intoId) => run("merge", { into_id: intoId })} />
      <PostponeModal open={modal === "postpone"} onOpenChange={close} pending={action.isPending} onConfirm={(v) => run("postpone", v)} />
      <AssignTicketModal
        open={modal === "assign"}
        onOpenChange={close}
        pending={action.isPending}
        initialDepartmentId={ticket.department_id}
        onConfirm={(v) =>
          action.mutate(
            { action: "assign", payload: v },
            {
              onSuccess: () => {
                setModal(null);
                void routed([v.department_id]);
              },
            },
          )
        }
      />
      <AssignTicketModal
        open={modal === "reassign"}
        onOpenChange={close}
        reassign
        pending={action.isPending}
        initialDepartmentId={ticket.department_id}
        onConfirm={(v) => run("reassign", { assignee_id: v.assignee_id })}
      />
      <SplitTicketModal
        open={modal === "split"}
        onOpenChange={close}
        pending={split.isPending}
        error={split.error}
        onConfirm={(v) =>
          split.mutate(
            {
              version: ticket.version,
              items: v.items.map((i) => ({ department_id: i.department_id, assignee_id: i.assignee_id, ...(i.title ? { title: i.title } : {}) })),
            },
            {
              onSuccess: () => {
                setModal(null);
                void routed(v.items.map((i) => i.department_id));
              },
            },
          )
        }
      />
      <EditTicketModal ticket={ticket} open={modal === "edit"} onOpenChange={close} />
      <ConfirmModal
        open={modal === "withdraw"}
        onOpenChange={close}
        title={t("action.withdraw")}
        message={t("confirm.withdraw")}
        confirmLabel={t("action.withdraw")}
        destructive
        pending={action.isPending}
        onConfirm={() => run("withdraw")}
      />
      <ConfirmModal
        open={modal === "request_approval"}
        onOpenChange={close}
        title={t("action.request_approval")}
        message={t("confirm.request_approval").replace("{amount}", ticket.amount ? formatMoney(ticket.amount, locale) : "—")}
        warning={ticket.amount ? null : t("confirm.noAmount")}
        confirmLabel={t("action.request_approval")}
        pending={action.isPending}
        onConfirm={() => run("request_approval")}
      />
      <ConfirmModal
        open={modal === "approve"}
        onOpenChange={close}
        title={t("action.approve")}
        message={(ticket.amount ? t("confirm.approve") : t("confirm.approveNoAmount"))
          .replace("{amount}", formatMoney(ticket.amount, locale))
          .replace("{ticket}", ticket.number)}
        confirmLabel={t("action.approve")}
        pending={action.isPending}
        onConfirm={() => run("approve")}
      />
      <ConfirmModal
        open={modal === "resolve"}
        onOpenChange={close}
        title={t("action.resolve")}
        message={t("confirm.resolve")}
        noteLabel={t("confirm.resolutionNote")}
        confirmLabel={t("action.resolve")}
        pending={action.isPending}
        onConfirm={(note) => run("resolve", note ? { resolution: note } : {})}
      />
    </div>
  );
}
