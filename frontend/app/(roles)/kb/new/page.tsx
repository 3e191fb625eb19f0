"use client";
import { PageWrapper } from "@/components/layout/PageWrapper";
import { ArticleEditor } from "@/components/kb/ArticleEditor";
import { useI18n } from "@/hooks/useI18n";

export default function NewArticlePage() {
  const { t } = useI18n();
  return (
    <PageWrapper title={t("kb.newArticle")}>
      <ArticleEditor />
    </PageWrapper>
  );
}
