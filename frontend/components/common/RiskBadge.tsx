"use client";
import { Badge } from "@/components/ui/badge";
import { useI18n } from "@/hooks/useI18n";
import type { SlaRisk } from "@/types/ticket";

const VARIANT = { low: "success", medium: "warning", high: "destructive" } as const;

/** The ai service's SLA breach risk, as the server sends it (staff, open tickets); nothing otherwise. */
export function RiskBadge({ risk, compact = false }: { risk: SlaRisk | null | undefined; compact?: boolean }) {
  const { t } = useI18n();
  if (!risk) return null;
  const percent = Math.round(risk.probability * 100);
  const label = `${t(`risk.${risk.level}`)} · ${percent}%`;
  return (
    <Badge
      variant={VARIANT[risk.level]}
      className={compact ? "ms-2" : undefined}
      title={t("risk.help")}
      data-testid="sla-risk"
      data-level={risk.level}
    >
      {compact ? t(`risk.${risk.level}`) : label}
      {compact && <span className="sr-only"> {percent}%</span>}
    </Badge>
  );
}
