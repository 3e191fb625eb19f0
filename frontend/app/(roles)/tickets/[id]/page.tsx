"use client";
import { useEffect } from "react";
import { useParams, useRouter } from "next/navigation";
import { PageWrapper } from "@/components/layout/PageWrapper";
import { ErrorState } from "@/components/common/States";
import { SkeletonRows } from "@/components/ui/skeleton";
import { useSession } from "@/hooks/useAuth";
import { useI18n } from "@/hooks/useI18n";
import { useTicket } from "@/hooks/useTickets";
import { ticketViewHref } from "@/config/routes";

/**
 * The one link to a ticket, for every role (emails carry it): asks the API for the ticket (which
 * answers only to those who may see it) and opens the viewer's own view of it.
 */
export default function TicketLinkPage() {
  const { id } = useParams<{ id: string }>();
  const { user } = useSession();
  const { t } = useI18n();
  const router = useRouter();
  const ticket = useTicket(id);

  useEffect(() => {
    if (user && ticket.data) router.replace(ticketViewHref(user, ticket.data));
  }, [user, ticket.data, router]);

  if (ticket.error) {
    return (
      <PageWrapper title={t("ticketLink.opening")}>
        <ErrorState error={ticket.error} />
      </PageWrapper>
    );
  }
  return (
    <div role="status" aria-label={t("ticketLink.opening")}>
      <SkeletonRows />
    </div>
  );
}
