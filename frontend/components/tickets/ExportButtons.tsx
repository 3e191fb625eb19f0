"use client";
import { Button } from "@/components/ui/button";
import { InlineError } from "@/components/common/States";
import { useExportTickets } from "@/hooks/useTickets";
import { useI18n } from "@/hooks/useI18n";
import type { TicketFilters } from "@/types/ticket";

/** Exports the list as it is filtered and sorted (the server writes the file, DESIGN §11). */
export function ExportButtons({ filters }: { filters: TicketFilters }) {
  const { t } = useI18n();
  const exporting = useExportTickets();
  return (
    <div className="flex flex-wrap items-center gap-2" data-testid="list-export">
      <span className="text-sm text-muted-foreground">{t("list.export")}</span>
      {(["csv", "xlsx"] as const).map((format) => (
        <Button key={format} variant="outline" size="sm" disabled={exporting.isPending}
          onClick={() => exporting.mutate({ filters, format })} data-testid={`export-${format}`}>
          {t(`list.export.${format}`)}
        </Button>
      ))}
      <InlineError error={exporting.error} />
    </div>
  );
}
