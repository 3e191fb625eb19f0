"use client";
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { BookOpen, CheckCircle2 } from "lucide-react";
import { Button } from "@/components/ui/button";
import { ArticleBody } from "./ArticleBody";
import { InlineError } from "@/components/common/States";
import { SimilarTickets } from "@/components/common/SimilarTickets";
import { useDebounced } from "@/hooks/useDebounced";
import { useI18n } from "@/hooks/useI18n";
import { localised, sendFeedback, suggest, type Article } from "@/services/api/kbService";
import { queryKeys } from "@/services/api/queryKeys";

/**
 * Deflection (issue 17): while a request is written, the published articles and the writer's own
 * open tickets that look like it (`kb/suggest`, the server's choice). "This solved it" counts for
 * the article and `onSolved` leaves the request unfiled.
 */
export function SuggestionPanel({ text, onSolved }: { text: string; onSolved: (article: Article) => void }) {
  const { t, locale } = useI18n();
  const queryClient = useQueryClient();
  // The server reads at most 5,000 characters; the start of a long description says enough.
  const settled = useDebounced(text.trim().slice(0, 2000), 400);
  const [open, setOpen] = useState<string | null>(null);
  const found = useQuery({
    queryKey: queryKeys.kb.suggest(settled),
    queryFn: () => suggest(settled),
    enabled: settled.length >= 3,
    staleTime: 30_000,
  });
  const solved = useMutation({
    mutationFn: (article: Article) => sendFeedback(article.id, true, true),
    onSuccess: (article) => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.kb.all });
      onSolved(article);
    },
  });
  const articles = found.data?.articles ?? [];
  const tickets = found.data?.tickets ?? [];
  if (settled.length < 3 || (articles.length === 0 && tickets.length === 0)) return null;

  return (
    <section aria-labelledby="kb-suggestions-title" className="grid gap-3 rounded-md border border-primary/40 bg-accent/40 p-3" data-testid="kb-suggestions">
      <h2 id="kb-suggestions-title" className="flex items-center gap-2 text-sm font-semibold">
        <BookOpen className="h-4 w-4" aria-hidden /> {t("kb.suggestTitle")}
      </h2>
      {articles.length > 0 && (
        <ul className="grid gap-2">
          {articles.map((article) => {
            const { title, body } = localised(article, locale);
            const expanded = open === article.id;
            return (
              <li key={article.id} className="rounded-md border bg-background p-2" data-testid="kb-suggested-article" data-article-id={article.id}>
                <div className="flex flex-wrap items-center justify-between gap-2">
                  <button
                    type="button"
                    className="text-start text-sm font-medium text-primary underline"
                    aria-expanded={expanded}
                    onClick={() => setOpen(expanded ? null : article.id)}
                    dir="auto"
                  >
                    {title}
                  </button>
                  <Button
                    type="button"
                    size="sm"
                    disabled={solved.isPending}
                    onClick={() => solved.mutate(article)}
                    data-testid="kb-solved"
                  >
                    <CheckCircle2 className="h-4 w-4" aria-hidden /> {t("kb.solvedIt")}
                  </Button>
                </div>
                {expanded && <ArticleBody html={body} className="mt-2" />}
              </li>
            );
          })}
        </ul>
      )}
      <SimilarTickets items={tickets} heading={t("kb.similarTickets")} />
      <InlineError error={solved.error} />
    </section>
  );
}
