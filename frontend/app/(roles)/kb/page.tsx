"use client";
import { useState } from "react";
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { PageWrapper } from "@/components/layout/PageWrapper";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { SkeletonRows } from "@/components/ui/skeleton";
import { EmptyState, ErrorState } from "@/components/common/States";
import { useDepartments } from "@/hooks/useAdmin";
import { useI18n } from "@/hooks/useI18n";
import { listArticles, localised } from "@/services/api/kbService";
import { queryKeys } from "@/services/api/queryKeys";
import { routes } from "@/config/routes";

/** The knowledge base for everyone: published articles (and drafts for those who may write them), searchable. */
export default function KnowledgeBasePage() {
  const { t, locale } = useI18n();
  const [draft, setDraft] = useState("");
  const [q, setQ] = useState("");
  const departments = useDepartments();
  const list = useQuery({ queryKey: queryKeys.kb.list(q, 1), queryFn: () => listArticles({ q }) });
  const departmentName = (id?: string | null) => departments.data?.find((d) => d.id === id)?.name ?? t("kb.wholeDesk");
  const mayWrite = (list.data?.writable_department_ids ?? []).length > 0;

  return (
    <PageWrapper
      title={t("kb.title")}
      actions={
        mayWrite ? (
          <Button asChild data-testid="kb-new-article">
            <Link href={routes.kbNew()}>{t("kb.newArticle")}</Link>
          </Button>
        ) : undefined
      }
    >
      <form
        role="search"
        className="flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          setQ(draft.trim());
        }}
      >
        <div className="grid flex-1 gap-1.5">
          <Label htmlFor="kb-search">{t("kb.search")}</Label>
          <Input id="kb-search" value={draft} dir="auto" placeholder={t("kb.searchHint")} onChange={(e) => setDraft(e.target.value)} />
        </div>
        <Button type="submit" data-testid="kb-search-submit">{t("kb.searchButton")}</Button>
      </form>
      {list.isLoading ? (
        <SkeletonRows />
      ) : list.error ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : (list.data?.items ?? []).length === 0 ? (
        <EmptyState message={q ? t("kb.noMatches") : t("kb.empty")} />
      ) : (
        <ul className="grid gap-2" data-testid="kb-list">
          {list.data!.items.map((article) => (
            <li key={article.id}>
              <Card>
                <CardContent className="flex flex-wrap items-center justify-between gap-2 pt-4">
                  <Link href={routes.kbArticle(article.id)} className="font-medium text-primary underline" dir="auto" data-testid="kb-item">
                    {localised(article, locale).title}
                  </Link>
                  <span className="flex flex-wrap items-center gap-2 text-xs text-muted-foreground">
                    <Badge variant="secondary">{t(`kb.status.${article.status}`)}</Badge>
                    <span>{departmentName(article.department_id)}</span>
                    <span>{t("kb.helpfulCount").replace("{n}", String(article.helpful))}</span>
                  </span>
                </CardContent>
              </Card>
            </li>
          ))}
        </ul>
      )}
    </PageWrapper>
  );
}
