"use client";
import { useEffect, useRef, useState } from "react";
import { Send, Wifi, WifiOff } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Textarea } from "@/components/ui/textarea";
import { Label } from "@/components/ui/label";
import { SkeletonRows } from "@/components/ui/skeleton";
import { ErrorState } from "./States";
import { useQuery } from "@tanstack/react-query";
import { useTicketRoom } from "@/hooks/useSocket";
import { hiddenBeforeJoin } from "@/services/api/messageService";
import { useI18n } from "@/hooks/useI18n";
import { useSession } from "@/hooks/useAuth";
import { formatDateTime, htmlToText } from "@/lib/helpers";
import { cn } from "@/lib/utils";

/** Chat of a ticket's room; a sub-ticket talks in its parent's room (DESIGN §5). */
export function TicketChat({ roomId, readOnly = false }: { roomId: string; readOnly?: boolean }) {
  const { t, locale } = useI18n();
  const { user } = useSession();
  const room = useTicketRoom(roomId);
  const hidden = useQuery({ queryKey: ["messages-hidden", roomId], queryFn: () => hiddenBeforeJoin(roomId), staleTime: 60_000 });
  const [draft, setDraft] = useState("");
  const listRef = useRef<HTMLOListElement>(null);

  useEffect(() => {
    listRef.current?.scrollTo({ top: listRef.current.scrollHeight });
  }, [room.messages.length]);

  const submit = () => {
    const body = draft.trim();
    if (!body) return;
    setDraft("");
    void room.send(body);
  };

  return (
    <section aria-label={t("ticket.chat")} className="flex flex-col gap-3" data-testid="ticket-chat">
      <div className="flex flex-wrap items-center gap-2 text-xs text-muted-foreground" aria-live="polite">
        {room.ended ? (
          <span className="text-destructive" role="status" data-testid="chat-ended">
            {t(room.ended === "ticket_gone" ? "chat.ticketGone" : "chat.accessLost")}
          </span>
        ) : room.status === "open" ? (
          <span className="inline-flex items-center gap-1 text-emerald-700" data-testid="chat-connected">
            <Wifi className="h-3 w-3" aria-hidden /> {t("chat.online")}
          </span>
        ) : (
          <span className="inline-flex items-center gap-1">
            <WifiOff className="h-3 w-3" aria-hidden /> {t("chat.offline")}
          </span>
        )}
        {room.presence.length > 0 && (
          <span data-testid="chat-presence">
            · {t("chat.inRoom")}: {room.presence.join(locale === "ur" ? "، " : ", ")}
          </span>
        )}
      </div>
      {!!hidden.data && (
        <p className="rounded-md bg-muted px-3 py-2 text-sm text-muted-foreground" data-testid="chat-hidden-before-join">
          {hiddenText(t, hidden.data)}
        </p>
      )}
      {room.isLoading ? (
        <SkeletonRows rows={3} />
      ) : room.error ? (
        <ErrorState error={room.error} />
      ) : room.messages.length === 0 ? (
        <p className="text-sm text-muted-foreground">{t("chat.empty")}</p>
      ) : (
        <ol ref={listRef} className="max-h-96 space-y-2 overflow-y-auto pe-1" data-testid="chat-messages">
          {room.messages.map((message) => {
            const mine = message.author_id === user?.id;
            return (
              <li
                key={message.client_id ?? message.id}
                className={cn("max-w-[85%] rounded-lg px-3 py-2 text-sm", mine ? "ms-auto bg-primary/10" : "me-auto bg-muted")}
                data-testid="chat-message"
                data-pending={message.pending ? "true" : undefined}
              >
                <p className="text-xs font-medium text-muted-foreground">
                  <bdi>{message.author_name ?? (mine ? user?.full_name : "—")}</bdi> · {formatDateTime(message.created_at, locale)}
                  {message.edited_at && ` · ${t("chat.edited")}`}
                  {message.failed && " · ⚠"}
                </p>
                {/* Bodies are sanitised HTML from the server (DESIGN §5); shown as text here to stay safe either way. */}
                <p dir="auto" className="whitespace-pre-wrap break-words">{htmlToText(message.body)}</p>
              </li>
            );
          })}
        </ol>
      )}
      {room.typing.length > 0 && (
        <p className="text-xs italic text-muted-foreground" aria-live="polite">
          {room.typing.join(", ")} {t("chat.typing")}
        </p>
      )}
      {!readOnly && !room.ended && (
        <form
          className="flex items-end gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <div className="grid flex-1 gap-1">
            <Label htmlFor={`chat-${roomId}`} className="sr-only">
              {t("chat.message")}
            </Label>
            <Textarea
              id={`chat-${roomId}`}
              rows={2}
              value={draft}
              placeholder={t("chat.placeholder")}
              onChange={(e) => {
                setDraft(e.target.value);
                room.notifyTyping();
              }}
              onKeyDown={(e) => {
                if (e.key === "Enter" && !e.shiftKey) {
                  e.preventDefault();
                  submit();
                }
              }}
            />
          </div>
          <Button type="submit" disabled={!draft.trim()} aria-label={t("chat.send")}>
            <Send aria-hidden />
            <span className="hidden sm:inline">{t("chat.send")}</span>
          </Button>
        </form>
      )}
    </section>
  );
}

/** Why the chat starts where it does for a new participant: how many earlier messages it hides. */
export function hiddenText(t: (key: string) => string, count: number): string {
  return count === 1 ? t("chat.hiddenBeforeJoinOne") : t("chat.hiddenBeforeJoin").replace("{count}", String(count));
}
