"use client";
import { useParams } from "next/navigation";
import { useQuery } from "@tanstack/react-query";
import { PageWrapper } from "@/components/layout/PageWrapper";
import { SkeletonRows } from "@/components/ui/skeleton";
import { ErrorState } from "@/components/common/States";
import { ArticleEditor } from "@/components/kb/ArticleEditor";
import { useI18n } from "@/hooks/useI18n";
import { getArticle } from "@/services/api/kbService";
import { queryKeys } from "@/services/api/queryKeys";

export default function EditArticlePage() {
  const { id } = useParams<{ id: string }>();
  const { t } = useI18n();
  const article = useQuery({ queryKey: queryKeys.kb.detail(id), queryFn: () => getArticle(id) });
  if (article.isLoading) return <SkeletonRows />;
  if (article.error || !article.data) return <ErrorState error={article.error} onRetry={() => void article.refetch()} />;
  return (
    <PageWrapper title={t("kb.editArticle")}>
      <ArticleEditor article={article.data} />
    </PageWrapper>
  );
}
