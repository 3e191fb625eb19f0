"use client";
import Link from "next/link";
import { StatusTag } from "./StatusTag";
import { useI18n } from "@/hooks/useI18n";
import { routes } from "@/config/routes";
import { TICKET_STATUSES } from "@/types/ticket";
import type { SimilarTicket } from "@/types/ai";

/** Open tickets that look the same, with the server's score and a link to each (DESIGN §12). */
export function SimilarTickets({ items, heading }: { items: SimilarTicket[] | undefined; heading: string }) {
  const { t } = useI18n();
  if (!items?.length) return null;
  return (
    <section aria-label={heading} className="grid gap-2" data-testid="similar-tickets">
      <h3 className="text-sm font-semibold">{heading}</h3>
      <ul className="grid gap-1.5">
        {items.map((item) => (
          <li key={item.ticket_id} className="flex flex-wrap items-center gap-2 text-sm" data-testid="similar-ticket" data-ticket-id={item.ticket_id}>
            <span className="font-mono text-xs text-muted-foreground">{item.number}</span>
            <Link href={routes.ticket(item.ticket_id)} dir="auto" className="text-primary underline" target="_blank" rel="noopener">
              {item.title}
            </Link>
            {(TICKET_STATUSES as readonly string[]).includes(item.status) && (
              <StatusTag status={item.status as (typeof TICKET_STATUSES)[number]} />
            )}
            <span className="text-xs text-muted-foreground" data-testid="similar-score">
              {t("ai.score")} {Math.round(item.score * 100)}%
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
