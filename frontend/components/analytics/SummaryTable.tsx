"use client";
import type { ReactNode } from "react";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { ErrorState } from "@/components/common/States";
import { Skeleton } from "@/components/ui/skeleton";
import { ExportButton } from "./DateRangePicker";
import { useI18n } from "@/hooks/useI18n";
import { downloadText, toCsv } from "@/lib/dateRange";

export interface SummaryColumn<T> {
  key: keyof T & string;
  label: string;
  /** The cell as shown (the CSV export keeps the raw value). */
  show: (row: T) => ReactNode;
}

/** A card with one row per thing over the analytics range: loading, error and empty states, a
 * keyboard-scrollable table (first column as text, the rest as numbers) and a CSV export. */
export function SummaryTable<T extends { name: string }>({ title, note, testId, rowTestId, exportTestId, fileName, query, rows, columns }: {
  title: string;
  note?: string;
  testId: string;
  rowTestId: string;
  exportTestId: string;
  fileName: string;
  query: { error: unknown; isLoading: boolean; refetch: () => unknown };
  rows: T[];
  columns: SummaryColumn<T>[];
}) {
  const { t } = useI18n();
  return (
    <Card data-testid={testId}>
      <CardHeader className="flex flex-row flex-wrap items-center justify-between gap-2">
        <div>
          <CardTitle>{title}</CardTitle>
          {note && <p className="text-sm text-muted-foreground">{note}</p>}
        </div>
        {rows.length > 0 && <ExportButton testId={exportTestId} onExport={() => downloadText(toCsv(rows, columns), fileName)} />}
      </CardHeader>
      <CardContent>
        {query.error ? (
          <ErrorState error={query.error} onRetry={() => query.refetch()} />
        ) : query.isLoading ? (
          <Skeleton className="h-40 w-full" />
        ) : !rows.length ? (
          <p className="text-sm text-muted-foreground">{t("charts.noData")}</p>
        ) : (
          <div className="overflow-x-auto" tabIndex={0} role="region" aria-label={title}>
            <table className="w-full text-sm">
              <thead>
                <tr className="text-muted-foreground">
                  {columns.map((c, i) => (
                    <th key={c.key} className={`py-1 font-medium ${i === 0 ? "text-start" : "text-end"}`}>{c.label}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.name} className="border-t" data-testid={rowTestId}>
                    {columns.map((c, i) => (
                      <td key={c.key} className={i === 0 ? "py-1" : "py-1 text-end"}>{c.show(r)}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </CardContent>
    </Card>
  );
}
