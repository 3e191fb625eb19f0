"use client";
import { PageWrapper } from "@/components/layout/PageWrapper";
import { ReportsView } from "@/components/common/ReportsView";
import { useI18n } from "@/hooks/useI18n";

export default function AnalyticsPage() {
  const { t } = useI18n();
  return (
    <PageWrapper title={t("nav.analytics")}>
      <ReportsView scope="all" />
    </PageWrapper>
  );
}
