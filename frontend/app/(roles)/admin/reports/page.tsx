"use client";
import { PageWrapper } from "@/components/layout/PageWrapper";
import { DepartmentReport } from "@/components/common/ReportsView";
import { useI18n } from "@/hooks/useI18n";

/** A summary per department over a date range (in the URL), with a CSV export. */
export default function AdminReportsPage() {
  const { t } = useI18n();
  return (
    <PageWrapper title={t("nav.reports")}>
      <DepartmentReport />
    </PageWrapper>
  );
}
