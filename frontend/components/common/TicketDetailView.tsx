"use client";
import Link from "next/link";
import { ArrowLeft, Star } from "lucide-react";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { StatusTag, PriorityBadge } from "./StatusTag";
import { SlaIndicator } from "./SlaIndicator";
import { ActionButtons } from "./ActionButtons";
import { SubticketList } from "./SubticketList";
import { AttachmentList } from "./Attachments";
import { TicketChat } from "./TicketChat";
import { TicketTimeline } from "./TicketTimeline";
import { TicketLinks } from "@/components/tickets/TicketLinks";
import { categoryName, fieldLabel } from "./NewRequestForm";
import { RatingForm } from "./RatingForm";
import { RiskBadge } from "./RiskBadge";
import { TriagePanel } from "./TriagePanel";
import { EmptyState, ErrorState } from "./States";
import { useTicket } from "@/hooks/useTickets";
import { useSession } from "@/hooks/useAuth";
import { useI18n } from "@/hooks/useI18n";
import { useDepartmentNames } from "@/hooks/useDepartmentNames";
import { isNotFound } from "@/lib/errors";
import { formatDate, formatDateTime, formatMoney } from "@/lib/helpers";
import { ticketHref } from "@/config/routes";

export function TicketDetailView({ id, backHref, backLabelKey }: { id: string; backHref: string; backLabelKey?: string }) {
  const { t, locale } = useI18n();
  const { user } = useSession();
  const departmentName = useDepartmentNames();
  const query = useTicket(id);

  if (query.isLoading)
    return (
      <div className="space-y-4" role="status" aria-label={t("common.loading")}>
        <Skeleton className="h-8 w-2/3" />
        <Skeleton className="h-32 w-full" />
        <Skeleton className="h-64 w-full" />
      </div>
    );
  if (query.error && isNotFound(query.error))
    return (
      <EmptyState message={t("ticket.notFound")}>
        <Link href={backHref} className="text-primary underline">
          {t("notfound.home")}
        </Link>
      </EmptyState>
    );
  if (query.error || !query.data) return <ErrorState error={query.error} onRetry={() => query.refetch()} />;

  const ticket = query.data;
  const roomId = ticket.room_id || ticket.parent_id || ticket.id;
  // The server says what this person may do (allowed_actions): rate a closed ticket, post in its chat.
  const canRate = ticket.allowed_actions.includes("rate");
  const canPost = ticket.allowed_actions.includes("message");
  const canNote = ticket.allowed_actions.includes("note");
  // Uploads go with the conversation: whoever may not post (an approver who only decides, an admin
  // observing) gets no upload button; the files service also refuses them on a finished ticket.
  const uploadsClosed = !canPost || ["closed", "rejected", "withdrawn", "merged"].includes(ticket.status);

  return (
    <article className="space-y-4" data-testid="ticket-detail" data-ticket-id={ticket.id} data-version={ticket.version}>
      <Link href={backHref} className="inline-flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground">
        <ArrowLeft className="h-4 w-4 rtl:rotate-180" aria-hidden /> {t(backLabelKey ?? "nav.back")}
      </Link>
      <header className="flex flex-wrap items-start justify-between gap-3">
        <div className="space-y-1">
          <p className="font-mono text-xs text-muted-foreground">{ticket.number}</p>
          <h1 dir="auto" className="text-xl font-semibold sm:text-2xl" data-testid="ticket-title">
            {ticket.title}
          </h1>
          <div className="flex flex-wrap items-center gap-2" data-testid="ticket-status" data-status={ticket.status}>
            <StatusTag status={ticket.status} />
            <PriorityBadge priority={ticket.priority} />
            <RiskBadge risk={ticket.sla_risk} />
            {ticket.parent_id && user && (
              <Link href={ticketHref(user.role, ticket.parent_id)} className="text-xs text-primary underline">
                ↑ parent
              </Link>
            )}
          </div>
        </div>
        <ActionButtons ticket={ticket} />
      </header>

      <div className="grid gap-4 lg:grid-cols-3">
        <div className="space-y-4 lg:col-span-2">
          <Card>
            <CardContent className="pt-4 sm:pt-6">
              <p dir="auto" className="whitespace-pre-wrap">{ticket.description}</p>
            </CardContent>
          </Card>
          <TriagePanel ticket={ticket} />
          {ticket.form && (
            <Card data-testid="ticket-form">
              <CardHeader>
                <CardTitle>{t("form.details")}: {categoryName(ticket.form, locale)}</CardTitle>
              </CardHeader>
              <CardContent>
                <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1.5 text-sm">
                  {ticket.form.fields.filter((f) => f.value !== null).map((f) => (
                    <div key={f.key} className="contents" data-testid="ticket-form-field" data-key={f.key}>
                      <dt className="text-muted-foreground">{fieldLabel(f, locale)}</dt>
                      <dd dir="auto">{f.type === "money" && f.value ? formatMoney(f.value, locale) : f.value}</dd>
                    </div>
                  ))}
                </dl>
              </CardContent>
            </Card>
          )}
          {!ticket.parent_id && (
            <Card>
              <CardHeader>
                <CardTitle>{t("links.title")}</CardTitle>
              </CardHeader>
              <CardContent>
                <TicketLinks ticketId={ticket.id} version={ticket.version} />
              </CardContent>
            </Card>
          )}
          {!ticket.parent_id && ticket.subtickets_progress?.total ? (
            <Card>
              <CardHeader>
                <CardTitle>{t("ticket.subtickets")}</CardTitle>
              </CardHeader>
              <CardContent>
                <SubticketList ticket={ticket} />
              </CardContent>
            </Card>
          ) : null}
          <Card>
            <CardHeader>
              <CardTitle>{t("ticket.chat")}</CardTitle>
            </CardHeader>
            <CardContent>
              <TicketChat ticketId={ticket.id} roomId={roomId} canPost={canPost} canNote={canNote} canUpload={!uploadsClosed} />
            </CardContent>
          </Card>
        </div>
        <aside className="space-y-4">
          <Card>
            <CardContent className="grid gap-2 pt-4 text-sm sm:pt-6">
              <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1.5">
                <dt className="text-muted-foreground">{t("common.department")}</dt>
                <dd>
                  {ticket.department_name ??
                    (ticket.department_id ? departmentName(ticket.department_id) : ticket.subtickets_progress?.total ? t("ticket.splitAcross") : "—")}
                </dd>
                <dt className="text-muted-foreground">{t("common.requestor")}</dt>
                <dd dir="auto">{ticket.requestor_name ?? "—"}</dd>
                <dt className="text-muted-foreground">{t("common.assignee")}</dt>
                <dd dir="auto">{ticket.assignee_name ?? (ticket.assignee_id ? "✓" : "—")}</dd>
                {ticket.category && (
                  <>
                    <dt className="text-muted-foreground">{t("common.category")}</dt>
                    <dd>{t(`category.${ticket.category}`) === `category.${ticket.category}` ? ticket.category : t(`category.${ticket.category}`)}</dd>
                  </>
                )}
                {ticket.amount && (
                  <>
                    <dt className="text-muted-foreground">{t("common.amount")}</dt>
                    <dd>{formatMoney(ticket.amount, locale)}</dd>
                  </>
                )}
                {ticket.status === "postponed" && ticket.postponed_until && (
                  <>
                    <dt className="text-muted-foreground">{t("ticket.postponedUntil")}</dt>
                    <dd>{formatDate(ticket.postponed_until, locale)}</dd>
                  </>
                )}
                {ticket.status === "postponed" && ticket.postponed_reason && (
                  <>
                    <dt className="text-muted-foreground">{t("ticket.postponedReason")}</dt>
                    <dd dir="auto">{ticket.postponed_reason}</dd>
                  </>
                )}
                {ticket.resolution && (
                  <>
                    <dt className="text-muted-foreground">{t("ticket.resolution")}</dt>
                    <dd data-testid="ticket-resolution">{ticket.resolution}</dd>
                  </>
                )}
                <dt className="text-muted-foreground">{t("common.created")}</dt>
                <dd>{formatDateTime(ticket.created_at, locale)}</dd>
              </dl>
              <SlaIndicator sla={ticket.sla} />
            </CardContent>
          </Card>
          {(ticket.rating || canRate) && (
            <Card>
              <CardHeader>
                <CardTitle>{t("ticket.rating")}</CardTitle>
              </CardHeader>
              <CardContent>
                {ticket.rating ? (
                  <p className="flex items-center gap-1" data-testid="ticket-rating">
                    {Array.from({ length: 5 }, (_, i) => (
                      <Star key={i} aria-hidden className={i < ticket.rating!.score ? "h-5 w-5 fill-amber-400 text-amber-500" : "h-5 w-5 text-muted-foreground"} />
                    ))}
                    <span className="sr-only">{ticket.rating.score} / 5</span>
                  </p>
                ) : null}
                {ticket.rating?.comment ? (
                  <p className="mt-2 whitespace-pre-wrap text-sm" dir="auto" data-testid="ticket-rating-comment">
                    {ticket.rating.comment}
                  </p>
                ) : null}
                {ticket.rating ? null : (
                  <RatingForm ticket={ticket} />
                )}
              </CardContent>
            </Card>
          )}
          <Card>
            <CardHeader>
              <CardTitle>{t("ticket.attachments")}</CardTitle>
            </CardHeader>
            <CardContent>
              <AttachmentList ticketId={ticket.id} canUpload={!uploadsClosed} />
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>{t("ticket.timeline")}</CardTitle>
            </CardHeader>
            <CardContent>
              <TicketTimeline ticketId={ticket.id} />
            </CardContent>
          </Card>
        </aside>
      </div>
    </article>
  );
}
