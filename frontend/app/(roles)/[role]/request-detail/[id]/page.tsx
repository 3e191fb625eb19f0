"use client";
import { useParams } from "next/navigation";
import { TicketDetailView } from "@/components/common/TicketDetailView";
import { useSession } from "@/hooks/useAuth";
import { routes } from "@/config/routes";

export default function RequestDetailPage() {
  const { id } = useParams<{ id: string }>();
  const { user } = useSession();
  if (!user) return null;
  return <TicketDetailView id={id} backHref={routes.requests(user.role)} backLabelKey="nav.requests" />;
}
