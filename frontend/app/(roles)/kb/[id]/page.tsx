"use client";
import Link from "next/link";
import { useParams, useRouter } from "next/navigation";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ThumbsDown, ThumbsUp } from "lucide-react";
import { PageWrapper } from "@/components/layout/PageWrapper";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { SkeletonRows } from "@/components/ui/skeleton";
import { ErrorState, InlineError } from "@/components/common/States";
import { ArticleBody } from "@/components/kb/ArticleBody";
import { useI18n } from "@/hooks/useI18n";
import { deleteArticle, getArticle, listRevisions, localised, sendFeedback } from "@/services/api/kbService";
import { queryKeys } from "@/services/api/queryKeys";
import { routes } from "@/config/routes";
import { formatDateTime } from "@/lib/helpers";

/** One article in the reader's language, "did this help?", and for its writers: edit, delete, history. */
export default function ArticlePage() {
  const { id } = useParams<{ id: string }>();
  const { t, locale } = useI18n();
  const router = useRouter();
  const queryClient = useQueryClient();
  const article = useQuery({ queryKey: queryKeys.kb.detail(id), queryFn: () => getArticle(id) });
  const editable = article.data?.editable ?? false;
  const revisions = useQuery({ queryKey: queryKeys.kb.revisions(id), queryFn: () => listRevisions(id), enabled: editable });
  const feedback = useMutation({
    mutationFn: (helpful: boolean) => sendFeedback(id, helpful),
    onSuccess: (data) => queryClient.setQueryData(queryKeys.kb.detail(id), data),
  });
  const remove = useMutation({
    mutationFn: () => deleteArticle(id),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.kb.all });
      router.push(routes.kb());
    },
  });

  if (article.isLoading) return <SkeletonRows />;
  if (article.error || !article.data) return <ErrorState error={article.error} onRetry={() => void article.refetch()} />;
  const data = article.data;
  const { title, body } = localised(data, locale);
  const mine = data.my_feedback;

  return (
    <PageWrapper
      title={title}
      actions={
        editable ? (
          <div className="flex gap-2">
            <Button asChild variant="outline" data-testid="kb-edit">
              <Link href={routes.kbEdit(id)}>{t("kb.edit")}</Link>
            </Button>
            <Button variant="destructive" disabled={remove.isPending} onClick={() => remove.mutate()} data-testid="kb-delete">
              {t("kb.delete")}
            </Button>
          </div>
        ) : undefined
      }
    >
      <Card>
        <CardContent className="grid gap-4 pt-4" data-testid="kb-article" data-status={data.status}>
          <Badge variant="secondary" className="w-fit" data-testid="kb-status">{t(`kb.status.${data.status}`)}</Badge>
          <ArticleBody html={body} />
          {data.accepts_feedback && (
            <div className="flex flex-wrap items-center gap-2 border-t pt-3" data-testid="kb-feedback">
              <span className="text-sm font-medium">{t("kb.didThisHelp")}</span>
              <Button size="sm" variant={mine?.helpful === true ? "default" : "outline"} aria-pressed={mine?.helpful === true}
                disabled={feedback.isPending} onClick={() => feedback.mutate(true)} data-testid="kb-helpful-yes">
                <ThumbsUp className="h-4 w-4" aria-hidden /> {t("kb.yes")} ({data.helpful})
              </Button>
              <Button size="sm" variant={mine?.helpful === false ? "default" : "outline"} aria-pressed={mine?.helpful === false}
                disabled={feedback.isPending} onClick={() => feedback.mutate(false)} data-testid="kb-helpful-no">
                <ThumbsDown className="h-4 w-4" aria-hidden /> {t("kb.no")} ({data.not_helpful})
              </Button>
              <span className="text-xs text-muted-foreground">{t("kb.solvedCount").replace("{n}", String(data.solved))}</span>
            </div>
          )}
          <InlineError error={feedback.error ?? remove.error} />
        </CardContent>
      </Card>
      {editable && (revisions.data ?? []).length > 0 && (
        <Card>
          <CardContent className="grid gap-2 pt-4">
            <h2 className="font-semibold">{t("kb.history")}</h2>
            <ol className="grid gap-1 text-sm" data-testid="kb-revisions">
              {revisions.data!.map((r) => (
                <li key={r.number} className="flex flex-wrap gap-2">
                  <span className="font-mono">v{r.number}</span>
                  <span>{t(`kb.status.${r.status}`)}</span>
                  <span dir="auto">{r.editor_name}</span>
                  <span className="text-muted-foreground">{formatDateTime(r.created_at, locale)}</span>
                </li>
              ))}
            </ol>
          </CardContent>
        </Card>
      )}
    </PageWrapper>
  );
}
