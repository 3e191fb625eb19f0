"use client";
import { useState } from "react";
import Link from "next/link";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { StatusTag } from "@/components/common/StatusTag";
import { useI18n } from "@/hooks/useI18n";
import { useSession } from "@/hooks/useAuth";
import { createLink, deleteLink, findTicketByNumber, ticketQueries } from "@/services/api/ticketService";
import { errorMessage } from "@/lib/serverText";
import { ticketHref } from "@/config/routes";

/** The tickets linked to this one (DESIGN §10): shown on both; linking is offered when the server says so. */
export function TicketLinks({ ticketId, version }: { ticketId: string; version: number }) {
  const { t } = useI18n();
  const { user } = useSession();
  const queryClient = useQueryClient();
  // Keyed by the ticket's version too: a merge or link arriving live (ticket.updated) reloads them.
  const links = useQuery(ticketQueries.links(ticketId, version));
  const [number, setNumber] = useState("");
  const [kind, setKind] = useState<"related" | "duplicate">("related");
  const [notFound, setNotFound] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["tickets", "links"] });
  const add = useMutation({
    mutationFn: async () => {
      const other = await findTicketByNumber(number);
      setNotFound(!other);
      if (other) await createLink(ticketId, other.id, kind);
    },
    onSuccess: () => { setNumber(""); void refresh(); },
    onError: (error) => toast.error(errorMessage(error)),
  });
  const remove = useMutation({
    mutationFn: (linkId: string) => deleteLink(ticketId, linkId),
    onSuccess: () => void refresh(),
    onError: (error) => toast.error(errorMessage(error)),
  });
  const items = links.data?.items ?? [];
  if (!links.data || (!items.length && !links.data.canLink)) return null;
  return (
    <div className="space-y-2 text-sm" data-testid="ticket-links">
      {items.length ? (
        <ul className="space-y-1">
          {items.map((link) => (
            <li key={link.id} className="flex flex-wrap items-center gap-2" data-testid="ticket-link" data-kind={link.kind}
              data-merged={link.merged ? "true" : "false"}>
              {user ? (
                <Link href={ticketHref(user.role, link.ticket_id)} className="font-mono text-primary underline">{link.number}</Link>
              ) : (
                <span className="font-mono">{link.number}</span>
              )}
              <span dir="auto" className="truncate">{link.title}</span>
              <StatusTag status={link.status} />
              <span className="text-xs text-muted-foreground">
                {t(`links.kind.${link.kind}`)}{link.merged ? ` · ${t("links.merged")}` : ""}
              </span>
              {links.data.canLink && !link.merged && (
                <Button size="sm" variant="ghost" onClick={() => remove.mutate(link.id)} aria-label={t("links.remove")}>×</Button>
              )}
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-muted-foreground">{t("links.none")}</p>
      )}
      {links.data.canLink && (
        <form className="flex flex-wrap items-end gap-2" onSubmit={(e) => { e.preventDefault(); add.mutate(); }}>
          <Input aria-label={t("links.ticketNumber")} placeholder="HD-000123" value={number} dir="ltr"
            className="w-48" onChange={(e) => setNumber(e.target.value)} data-testid="link-number" />
          <Select aria-label={t("links.kind")} value={kind} onChange={(e) => setKind(e.target.value as "related" | "duplicate")}>
            <option value="related">{t("links.kind.related")}</option>
            <option value="duplicate">{t("links.kind.duplicate")}</option>
          </Select>
          <Button type="submit" size="sm" disabled={add.isPending || !number.trim()} data-testid="link-add">{t("links.add")}</Button>
          {notFound && <p role="alert" className="w-full text-xs text-destructive">{t("links.notFound")}</p>}
        </form>
      )}
    </div>
  );
}
