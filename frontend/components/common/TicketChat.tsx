"use client";
import { useEffect, useRef, useState, type DragEvent } from "react";
import { toast } from "sonner";
import { Lock, Wifi, WifiOff } from "lucide-react";
import { SkeletonRows } from "@/components/ui/skeleton";
import { ErrorState } from "./States";
import { ChatComposer } from "./ChatComposer";
import { useQuery } from "@tanstack/react-query";
import { useTicketRoom } from "@/hooks/useSocket";
import { useUploadAttachment } from "@/hooks/useTickets";
import { checkUploadFile } from "@/lib/validation";
import { errorMessage } from "@/lib/serverText";
import { newIdempotencyKey } from "@/services/api/idempotency";
import { chatInfo } from "@/services/api/messageService";
import { queryKeys } from "@/services/api/queryKeys";
import { useI18n } from "@/hooks/useI18n";
import { useSession } from "@/hooks/useAuth";
import { formatDateTime, htmlToText } from "@/lib/helpers";
import { cn } from "@/lib/utils";

/** Chat of a ticket's room; a sub-ticket talks in its parent's room (DESIGN §5). ``canPost`` and
 *  ``canNote`` are the ticket's allowed_actions (`message`, `note`): the server decides. */
export function TicketChat({
  ticketId,
  roomId,
  canPost = false,
  canNote = false,
  canUpload = false,
}: {
  ticketId: string;
  roomId: string;
  canPost?: boolean;
  canNote?: boolean;
  /** Files dropped on the conversation go to the ticket's attachments (the usual upload path). */
  canUpload?: boolean;
}) {
  const { t, locale } = useI18n();
  const { user } = useSession();
  const room = useTicketRoom(roomId);
  const info = useQuery({ queryKey: queryKeys.tickets.chatInfo(roomId), queryFn: () => chatInfo(roomId), staleTime: 60_000 });
  const listRef = useRef<HTMLOListElement>(null);

  const upload = useUploadAttachment();
  const [dragging, setDragging] = useState(false);

  useEffect(() => {
    listRef.current?.scrollTo({ top: listRef.current.scrollHeight });
  }, [room.messages.length]);

  const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes("Files");
  const onDrop = async (e: DragEvent) => {
    if (!canUpload || !hasFiles(e)) return;
    e.preventDefault();
    setDragging(false);
    for (const file of Array.from(e.dataTransfer.files)) {
      const problem = checkUploadFile(file);
      if (problem) {
        toast.error(`${file.name} ${t(problem === "too_large" ? "ticket.fileTooLarge" : "ticket.fileTypeRefused")}`);
        continue;
      }
      try {
        await upload.mutateAsync({ ticketId, file, key: newIdempotencyKey() });
        toast.success(`${t("chat.dropped")}: ${file.name}`);
      } catch (error) {
        toast.error(errorMessage(error));
      }
    }
  };

  return (
    <section
      aria-label={t("ticket.chat")}
      className={cn("relative flex flex-col gap-3", dragging && "rounded-md outline-dashed outline-2 outline-primary")}
      data-testid="ticket-chat"
      data-dragging={dragging ? "true" : undefined}
      onDragOver={(e) => {
        if (!canUpload || !hasFiles(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = "copy";
        setDragging(true);
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={(e) => void onDrop(e)}
    >
      {dragging && (
        <p className="pointer-events-none absolute inset-0 z-10 flex items-center justify-center rounded-md bg-background/80 text-sm font-medium text-primary" data-testid="chat-drop-hint">
          {t("chat.dropHere")}
        </p>
      )}
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
            · {t("chat.onTicket")}:{" "}
            {room.presence.map((person, i) => (
              <span key={person.id} data-testid="presence-user" data-state={person.state} data-internal={person.internal ? "true" : undefined}>
                {i > 0 && (locale === "ur" ? "، " : ", ")}
                <bdi>{person.full_name}</bdi>
                {person.state === "composing" && (
                  <span className="italic"> ({t(person.internal ? "chat.writingNote" : "chat.writingReply")})</span>
                )}
              </span>
            ))}
          </span>
        )}
      </div>
      {!!info.data?.hiddenBeforeJoin && (
        <p className="rounded-md bg-muted px-3 py-2 text-sm text-muted-foreground" data-testid="chat-hidden-before-join">
          {hiddenText(t, info.data.hiddenBeforeJoin)}
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
                className={cn(
                  "max-w-[85%] rounded-lg px-3 py-2 text-sm",
                  mine ? "ms-auto" : "me-auto",
                  message.internal
                    ? "border border-dashed border-amber-500 bg-amber-50 text-amber-950 dark:bg-amber-950/40 dark:text-amber-50"
                    : mine
                      ? "bg-primary/10"
                      : "bg-muted",
                )}
                data-testid="chat-message"
                data-internal={message.internal ? "true" : undefined}
                data-pending={message.pending ? "true" : undefined}
              >
                {message.internal && (
                  <p className="mb-0.5 inline-flex items-center gap-1 text-xs font-semibold text-amber-900 dark:text-amber-200">
                    <Lock className="h-3 w-3" aria-hidden /> {t("chat.note")}
                  </p>
                )}
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
      {(canPost || canNote) && !room.ended && (
        <ChatComposer
          ticketId={ticketId}
          roomId={roomId}
          canPost={canPost}
          canNote={canNote}
          mayUseCanned={!!info.data?.mayUseCanned}
          onSend={(body, internal) => void room.send(body, { internal })}
          onTyping={room.notifyTyping}
        />
      )}
    </section>
  );
}

/** Why the chat starts where it does for a new participant: how many earlier messages it hides. */
export function hiddenText(t: (key: string) => string, count: number): string {
  return count === 1 ? t("chat.hiddenBeforeJoinOne") : t("chat.hiddenBeforeJoin").replace("{count}", String(count));
}
