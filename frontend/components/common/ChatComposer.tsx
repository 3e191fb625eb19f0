"use client";
import { useEffect, useRef, useState } from "react";
import { flushSync } from "react-dom";
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { BookOpen, Lock, MessageSquareText, Send } from "lucide-react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Textarea } from "@/components/ui/textarea";
import { listMentionable } from "@/services/api/messageService";
import { listCanned, renderCanned, type CannedResponse } from "@/services/api/cannedService";
import { articleLinkText, listArticles, type Article } from "@/services/api/kbService";
import { queryKeys } from "@/services/api/queryKeys";
import { errorMessage } from "@/lib/serverText";
import { useI18n } from "@/hooks/useI18n";
import { cn } from "@/lib/utils";
import { COMPOSE_EVENT } from "@/lib/shortcuts";

export type ComposeMode = "reply" | "note";

// "@ab" just before the caret (at the start or after a space): the mention being typed.
const MENTION_AT_CARET = /(^|\s)@([A-Za-z0-9._-]{0,32})$/;
// The whole draft is "/shortcut": a canned reply being asked for.
const SHORTCUT_DRAFT = /^\/([a-z0-9_-]{0,32})$/i;

interface Suggestion {
  key: string;
  label: string;
  hint: string;
  pick: () => void;
}

/**
 * The chat box: a reply or, for the staff the server allows (`note` in the ticket's allowed_actions),
 * an internal note; `@` suggests the people the server says may be mentioned; `/shortcut` and the
 * picker insert a canned reply the server renders for this ticket in the requestor's language.
 */
export function ChatComposer({
  ticketId,
  roomId,
  canPost,
  canNote,
  mayUseCanned,
  onSend,
  onTyping,
}: {
  ticketId: string;
  roomId: string;
  canPost: boolean;
  canNote: boolean;
  mayUseCanned: boolean;
  onSend: (body: string, internal: boolean) => void;
  /** Keys pressed in the reply box or (internal) the note box; `stopped` when it was cleared. */
  onTyping: (internal: boolean, stopped: boolean) => void;
}) {
  const { t } = useI18n();
  const [draft, setDraft] = useState("");
  const [mode, setMode] = useState<ComposeMode>(canPost ? "reply" : "note");
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState(false);
  const [pickerOpen, setPickerOpen] = useState(false);
  const [pickerQuery, setPickerQuery] = useState("");
  const [articlePickerOpen, setArticlePickerOpen] = useState(false);
  const [articleQuery, setArticleQuery] = useState("");
  const textRef = useRef<HTMLTextAreaElement>(null);
  const internal = mode === "note";
  // Puts an inserted text (a mention, a canned reply, an article link) in the box and the caret
  // after it at once, before the browser handles another key. The caret used to be placed a frame
  // later and moved back under a typist who had typed on: "@mod1 Warranty" went out as
  // "@mod1 arrantyW".
  const insertText = (next: string, position: number = next.length) => {
    flushSync(() => {
      setDraft(next);
      setCaret(position);
    });
    textRef.current?.focus();
    textRef.current?.setSelectionRange(position, position);
  };

  useEffect(() => {
    if (!canPost && canNote) setMode("note");
    if (!canNote) setMode("reply");
  }, [canPost, canNote]);

  // The `r` and `n` shortcuts (components/layout/KeyboardShortcuts.tsx): write a reply or a note.
  useEffect(() => {
    const onCompose = (e: Event) => {
      const wanted = (e as CustomEvent<ComposeMode>).detail;
      if (wanted === "note" ? !canNote : !canPost) return;
      setMode(wanted);
      requestAnimationFrame(() => textRef.current?.focus());
    };
    window.addEventListener(COMPOSE_EVENT, onCompose);
    return () => window.removeEventListener(COMPOSE_EVENT, onCompose);
  }, [canPost, canNote]);

  const beforeCaret = draft.slice(0, caret);
  const mention = dismissed ? null : beforeCaret.match(MENTION_AT_CARET);
  const shortcut = dismissed || !mayUseCanned ? null : draft.match(SHORTCUT_DRAFT);
  const mentionQuery = mention ? mention[2] ?? "" : "";

  const mentionable = useQuery({
    queryKey: queryKeys.tickets.mentionable(ticketId, mentionQuery, internal),
    queryFn: () => listMentionable(ticketId, mentionQuery, internal),
    enabled: !!mention,
    staleTime: 30_000,
  });
  const cannedQuery = shortcut ? shortcut[1] ?? "" : pickerQuery;
  const canned = useQuery({
    queryKey: queryKeys.canned(cannedQuery),
    queryFn: () => listCanned(cannedQuery),
    enabled: mayUseCanned && (!!shortcut || pickerOpen),
    staleTime: 30_000,
  });

  const articles = useQuery({
    queryKey: [...queryKeys.kb.all, "picker", articleQuery] as const,
    queryFn: () => listArticles({ q: articleQuery, published: true }),
    enabled: mayUseCanned && articlePickerOpen,
    staleTime: 30_000,
  });

  const insertArticleLink = (article: Article) => {
    const link = articleLinkText(article, window.location.origin);
    insertText(draft.trim() ? `${draft.trimEnd()}\n${link}` : link);
    setArticlePickerOpen(false);
    setArticleQuery("");
  };

  const insertMention = (code: string) => {
    const start = beforeCaret.length - (mention?.[2]?.length ?? 0) - 1;
    insertText(`${draft.slice(0, start)}@${code} ${draft.slice(caret)}`, start + code.length + 2);
  };

  const insertCanned = async (item: CannedResponse, replaceDraft: boolean) => {
    try {
      const rendered = await renderCanned(item.id, ticketId);
      insertText(replaceDraft || !draft.trim() ? rendered.body : `${draft.trimEnd()}\n${rendered.body}`);
      setPickerOpen(false);
      setPickerQuery("");
    } catch (error) {
      toast.error(errorMessage(error));
    }
  };

  const suggestions: Suggestion[] = mention
    ? (mentionable.data ?? []).map((person) => ({
        key: person.id,
        label: person.full_name,
        hint: `@${person.employee_code}`,
        pick: () => insertMention(person.employee_code),
      }))
    : shortcut
      ? (canned.data ?? []).map((item) => ({
          key: item.id,
          label: item.title,
          hint: `/${item.shortcut}`,
          pick: () => void insertCanned(item, true),
        }))
      : [];
  const listOpen = suggestions.length > 0;
  const listId = `chat-suggest-${roomId}`;

  const submit = () => {
    const body = draft.trim();
    if (!body) return;
    setDraft("");
    setCaret(0);
    onSend(body, internal);
  };

  return (
    <form
      className={cn("grid gap-2 rounded-md", internal && "border border-dashed border-amber-500 bg-amber-50 p-2 dark:bg-amber-950/40")}
      data-testid="chat-composer"
      data-mode={mode}
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      {(canNote || mayUseCanned) && (
        <div className="flex flex-wrap items-center gap-2">
          {canNote && canPost && (
            <div role="radiogroup" aria-label={t("chat.mode")} className="inline-flex rounded-md border" data-testid="chat-mode">
              {(["reply", "note"] as const).map((m) => (
                <button
                  key={m}
                  type="button"
                  role="radio"
                  aria-checked={mode === m}
                  data-testid={`chat-mode-${m}`}
                  onClick={() => setMode(m)}
                  className={cn(
                    "inline-flex items-center gap-1 px-3 py-1 text-sm first:rounded-s-md last:rounded-e-md",
                    mode === m ? (m === "note" ? "bg-amber-200 text-amber-950" : "bg-primary text-primary-foreground") : "",
                  )}
                >
                  {m === "note" && <Lock className="h-3 w-3" aria-hidden />}
                  {t(m === "note" ? "chat.note" : "chat.reply")}
                </button>
              ))}
            </div>
          )}
          {canNote && !canPost && (
            <span className="inline-flex items-center gap-1 text-sm font-medium text-amber-900 dark:text-amber-200">
              <Lock className="h-3 w-3" aria-hidden /> {t("chat.note")}
            </span>
          )}
          {mayUseCanned && (
            <Button
              type="button"
              variant="outline"
              size="sm"
              aria-expanded={pickerOpen}
              data-testid="canned-picker-button"
              onClick={() => setPickerOpen((open) => !open)}
            >
              <MessageSquareText className="h-4 w-4" aria-hidden /> {t("chat.canned")}
            </Button>
          )}
          {mayUseCanned && (
            <Button
              type="button"
              variant="outline"
              size="sm"
              aria-expanded={articlePickerOpen}
              data-testid="article-picker-button"
              onClick={() => setArticlePickerOpen((open) => !open)}
            >
              <BookOpen className="h-4 w-4" aria-hidden /> {t("chat.article")}
            </Button>
          )}
        </div>
      )}
      {internal && <p className="text-xs text-amber-900 dark:text-amber-200">{t("chat.noteHint")}</p>}
      {pickerOpen && mayUseCanned && (
        <div className="grid gap-2 rounded-md border bg-background p-2" data-testid="canned-picker">
          <Label htmlFor={`canned-search-${roomId}`} className="sr-only">
            {t("chat.cannedSearch")}
          </Label>
          <Input
            id={`canned-search-${roomId}`}
            value={pickerQuery}
            placeholder={t("chat.cannedSearch")}
            onChange={(e) => setPickerQuery(e.target.value)}
          />
          {(canned.data ?? []).length === 0 ? (
            <p className="text-sm text-muted-foreground">{canned.isLoading ? "…" : t("chat.cannedNone")}</p>
          ) : (
            <ul className="max-h-48 overflow-y-auto">
              {(canned.data ?? []).map((item) => (
                <li key={item.id}>
                  <button
                    type="button"
                    className="flex w-full items-center justify-between gap-2 rounded px-2 py-1 text-start text-sm hover:bg-muted"
                    data-testid="canned-option"
                    onClick={() => void insertCanned(item, false)}
                  >
                    <span dir="auto">{item.title}</span>
                    <span className="font-mono text-xs text-muted-foreground">/{item.shortcut}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
          <p className="flex flex-wrap justify-between gap-2 text-xs text-muted-foreground">
            <span>{t("chat.cannedHint")}</span>
            <Link href="/settings/canned-responses" className="text-primary underline">
              {t("chat.cannedManage")}
            </Link>
          </p>
        </div>
      )}
      {articlePickerOpen && mayUseCanned && (
        <div className="grid gap-2 rounded-md border bg-background p-2" data-testid="article-picker">
          <Label htmlFor={`article-search-${roomId}`} className="sr-only">
            {t("chat.articleSearch")}
          </Label>
          <Input
            id={`article-search-${roomId}`}
            value={articleQuery}
            dir="auto"
            placeholder={t("chat.articleSearch")}
            onChange={(e) => setArticleQuery(e.target.value)}
          />
          {(articles.data?.items ?? []).length === 0 ? (
            <p className="text-sm text-muted-foreground">{articles.isLoading ? "…" : t("chat.articleNone")}</p>
          ) : (
            <ul className="max-h-48 overflow-y-auto">
              {articles.data!.items.map((article) => (
                <li key={article.id}>
                  <button
                    type="button"
                    className="w-full rounded px-2 py-1 text-start text-sm hover:bg-muted"
                    data-testid="article-option"
                    onClick={() => insertArticleLink(article)}
                    dir="auto"
                  >
                    {article.title_en}
                    {article.title_ur && <span className="text-muted-foreground"> · {article.title_ur}</span>}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <div className="flex items-end gap-2">
        <div className="relative grid flex-1 gap-1">
          <Label htmlFor={`chat-${roomId}`} className="sr-only">
            {t(internal ? "chat.note" : "chat.message")}
          </Label>
          <Textarea
            id={`chat-${roomId}`}
            ref={textRef}
            rows={2}
            value={draft}
            placeholder={t(internal ? "chat.notePlaceholder" : "chat.placeholder")}
            role="combobox"
            aria-expanded={listOpen}
            aria-controls={listOpen ? listId : undefined}
            aria-autocomplete="list"
            data-testid="chat-input"
            onChange={(e) => {
              setDraft(e.target.value);
              setCaret(e.target.selectionStart ?? e.target.value.length);
              setDismissed(false);
              setActive(0);
              onTyping(internal, !e.target.value.trim());
            }}
            onSelect={(e) => setCaret((e.target as HTMLTextAreaElement).selectionStart ?? 0)}
            onKeyDown={(e) => {
              if (listOpen) {
                if (e.key === "ArrowDown" || e.key === "ArrowUp") {
                  e.preventDefault();
                  const step = e.key === "ArrowDown" ? 1 : -1;
                  setActive((i) => (i + step + suggestions.length) % suggestions.length);
                  return;
                }
                if (e.key === "Enter" || e.key === "Tab") {
                  e.preventDefault();
                  suggestions[Math.min(active, suggestions.length - 1)]?.pick();
                  return;
                }
                if (e.key === "Escape") {
                  e.preventDefault();
                  setDismissed(true);
                  return;
                }
              }
              if (e.key === "Enter" && !e.shiftKey) {
                e.preventDefault();
                submit();
              }
            }}
          />
          {listOpen && (
            <ul
              id={listId}
              role="listbox"
              aria-label={mention ? t("chat.mentionList") : t("chat.canned")}
              className="absolute bottom-full z-10 mb-1 max-h-56 w-full overflow-y-auto rounded-md border bg-popover p-1 shadow"
              data-testid={mention ? "mention-suggestions" : "canned-suggestions"}
            >
              {suggestions.map((s, i) => (
                <li
                  key={s.key}
                  role="option"
                  aria-selected={i === active}
                  className={cn("flex cursor-pointer justify-between gap-2 rounded px-2 py-1 text-sm", i === active && "bg-muted")}
                  onMouseDown={(e) => {
                    e.preventDefault();
                    s.pick();
                  }}
                >
                  <span dir="auto">{s.label}</span>
                  <span className="font-mono text-xs text-muted-foreground">{s.hint}</span>
                </li>
              ))}
            </ul>
          )}
        </div>
        <Button type="submit" disabled={!draft.trim()} aria-label={t(internal ? "chat.sendNote" : "chat.send")} data-testid="chat-send">
          {internal ? <Lock aria-hidden /> : <Send aria-hidden />}
          <span className="hidden sm:inline">{t(internal ? "chat.sendNote" : "chat.send")}</span>
        </Button>
      </div>
    </form>
  );
}
