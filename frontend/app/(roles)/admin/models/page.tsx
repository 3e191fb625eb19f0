"use client";
import { PageWrapper } from "@/components/layout/PageWrapper";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Table, THead, TBody, TR, TH, TD } from "@/components/ui/table";
import { SkeletonRows } from "@/components/ui/skeleton";
import { EmptyState, ErrorState, InlineError } from "@/components/common/States";
import { useAiDepartments, useAiModels, useSwitchAiDepartment, useTrainModel } from "@/hooks/useAi";
import { useDepartmentNames } from "@/hooks/useDepartmentNames";
import { useI18n } from "@/hooks/useI18n";
import { formatDateTime, formatNumber } from "@/lib/helpers";
import type { LabelMetrics, ModelVersion } from "@/types/ai";

const pct = (value: number | null | undefined) => (value === null || value === undefined ? "—" : `${formatNumber(value * 100, "en", 1)}%`);
const num = (value: number | null | undefined, digits = 3) => (value === null || value === undefined ? "—" : formatNumber(value, "en", digits));

function departmentsOf(version: ModelVersion): LabelMetrics | null {
  const metrics = version.metrics.departments;
  return metrics && typeof metrics === "object" ? (metrics as LabelMetrics) : null;
}

const STATUS_VARIANT: Record<string, "success" | "warning" | "destructive" | "secondary"> = {
  ready: "success", training: "warning", failed: "destructive", skipped: "secondary",
};

/** The ai service's models (DESIGN §12): each version's training size and held-out metrics, training
 *  on demand, and the per-department switch. Admins only. */
export default function ModelsPage() {
  const { t, locale } = useI18n();
  const models = useAiModels();
  const departments = useAiDepartments();
  const train = useTrainModel();
  const toggle = useSwitchAiDepartment();
  const departmentName = useDepartmentNames();
  const active = models.data?.items.find((v) => v.is_active) ?? models.data?.items.find((v) => v.status === "ready");
  const activeMetrics = active ? departmentsOf(active) : null;

  return (
    <PageWrapper
      title={t("nav.models")}
      actions={
        <Button onClick={() => train.mutate()} disabled={train.isPending} data-testid="train-now">
          {t("ai.trainNow")}
        </Button>
      }
    >
      <InlineError error={train.error ?? toggle.error} />
      {train.data && (
        <p role="status" className="text-sm text-muted-foreground" data-testid="train-requested">
          {t("ai.trainRequested").replace("{n}", String(train.data.number))}
        </p>
      )}
      <section className="grid gap-3" aria-labelledby="versions-title">
        <h2 id="versions-title" className="text-lg font-semibold">{t("ai.versions")}</h2>
        <p className="text-sm text-muted-foreground">
          {t("ai.versionsHelp").replace("{n}", formatNumber(models.data?.min_history ?? 0))}
        </p>
        {models.isLoading ? (
          <SkeletonRows />
        ) : models.error ? (
          <ErrorState error={models.error} onRetry={() => models.refetch()} />
        ) : !models.data?.items.length ? (
          <EmptyState message={t("ai.noVersions")} />
        ) : (
          <Table data-testid="model-versions">
            <THead>
              <TR>
                <TH>{t("ai.version")}</TH>
                <TH>{t("common.status")}</TH>
                <TH>{t("ai.trainedAt")}</TH>
                <TH>{t("ai.trainingSize")}</TH>
                <TH>{t("ai.top1")}</TH>
                <TH>{t("ai.top3")}</TH>
                <TH>{t("ai.macroF1")}</TH>
                <TH>{t("ai.abstention")}</TH>
                <TH>{t("ai.calibration")}</TH>
                <TH>{t("ai.slaAuc")}</TH>
              </TR>
            </THead>
            <TBody>
              {models.data.items.map((v) => {
                const m = departmentsOf(v);
                const sla = (v.metrics.sla_risk ?? null) as { roc_auc?: number } | null;
                return (
                  <TR key={v.id} data-testid="model-version" data-number={v.number} data-status={v.status}>
                    <TD className="whitespace-nowrap">
                      v{v.number} {v.is_active && <Badge variant="info">{t("ai.active")}</Badge>}
                    </TD>
                    <TD>
                      <Badge variant={STATUS_VARIANT[v.status] ?? "secondary"}>{t(`ai.status.${v.status}`)}</Badge>
                      {v.error && <span className="ms-1 text-xs text-destructive" dir="ltr">{v.error}</span>}
                    </TD>
                    <TD className="whitespace-nowrap">{formatDateTime(v.trained_at, locale)}</TD>
                    <TD data-testid="training-size">{formatNumber(v.training_size)}</TD>
                    <TD>{pct(m?.top1_accuracy_answered)}</TD>
                    <TD>{pct(m?.top3_accuracy_answered)}</TD>
                    <TD data-testid="macro-f1">{num(m?.macro_f1)}</TD>
                    <TD>{pct(m?.abstention_rate)}</TD>
                    <TD title={t("ai.calibrationHelp")}>{num(m?.calibration_error)}</TD>
                    <TD>{num(sla?.roc_auc)}</TD>
                  </TR>
                );
              })}
            </TBody>
          </Table>
        )}
      </section>
      <section className="grid gap-3" aria-labelledby="ai-departments-title">
        <h2 id="ai-departments-title" className="text-lg font-semibold">{t("ai.perDepartment")}</h2>
        <p className="text-sm text-muted-foreground">
          {active ? t("ai.perDepartmentHelp").replace("{n}", String(active.number)) : t("ai.noModelYet")}
        </p>
        {departments.isLoading ? (
          <SkeletonRows />
        ) : departments.error ? (
          <ErrorState error={departments.error} onRetry={() => departments.refetch()} />
        ) : (
          <Table data-testid="ai-departments">
            <THead>
              <TR>
                <TH>{t("common.department")}</TH>
                <TH>{t("ai.precision")}</TH>
                <TH>{t("ai.recall")}</TH>
                <TH>{t("ai.support")}</TH>
                <TH>{t("ai.suggestions")}</TH>
              </TR>
            </THead>
            <TBody>
              {departments.data?.map((d) => {
                const scores = activeMetrics?.per_label?.[d.department_id];
                return (
                  <TR key={d.department_id} data-testid="ai-department" data-department-id={d.department_id} data-enabled={String(d.suggestions_enabled)}>
                    <TD>{d.name || departmentName(d.department_id)} <span className="font-mono text-xs text-muted-foreground">{d.code}</span></TD>
                    <TD data-testid="department-precision">{pct(d.precision ?? scores?.precision)}</TD>
                    <TD data-testid="department-recall">{pct(d.recall ?? scores?.recall)}</TD>
                    <TD>{formatNumber(d.support ?? scores?.support ?? null)}</TD>
                    <TD>
                      <label className="inline-flex items-center gap-2">
                        <input
                          type="checkbox"
                          checked={d.suggestions_enabled}
                          disabled={toggle.isPending}
                          onChange={(e) => toggle.mutate({ id: d.department_id, enabled: e.target.checked })}
                          aria-label={`${t("ai.suggestions")}: ${d.name}`}
                          data-testid="department-switch"
                        />
                        {d.suggestions_enabled ? t("ai.on") : t("ai.off")}
                      </label>
                    </TD>
                  </TR>
                );
              })}
            </TBody>
          </Table>
        )}
      </section>
    </PageWrapper>
  );
}
