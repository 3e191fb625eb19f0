"use client";
import { useParams } from "next/navigation";
import { TicketDetailView } from "@/components/common/TicketDetailView";
import { routes } from "@/config/routes";

export default function ReviewPage() {
  const { id } = useParams<{ id: string }>();
  return <TicketDetailView id={id} backHref={routes.ticketPool()} backLabelKey="nav.ticket-pool" />;
}
