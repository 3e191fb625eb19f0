"use client";
import { PageWrapper } from "@/components/layout/PageWrapper";
import { NewRequestForm } from "@/components/common/NewRequestForm";
import { useI18n } from "@/hooks/useI18n";

export default function NewRequestPage() {
  const { t } = useI18n();
  return (
    <PageWrapper title={t("ticket.new")}>
      <NewRequestForm />
    </PageWrapper>
  );
}
