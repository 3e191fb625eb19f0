"use client";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { ErrorState } from "@/components/common/States";
import { useI18n } from "@/hooks/useI18n";

export function ChartCard({
  title,
  subtitle,
  loading,
  error,
  onRetry,
  empty,
  emptyMessage,
  testId,
  actions,
  points,
  children,
}: {
  title: string;
  subtitle?: string;
  loading?: boolean;
  error?: unknown;
  onRetry?: () => void;
  empty?: boolean;
  emptyMessage?: string;
  testId?: string;
  /** Buttons in the header (e.g. export). */
  actions?: React.ReactNode;
  /** Number of points (buckets) drawn, exposed as data-points for tests and assistive tooling. */
  points?: number;
  children: React.ReactNode;
}) {
  const { t } = useI18n();
  return (
    <Card data-testid={testId} data-points={points}>
      <CardHeader className={actions ? "flex flex-row flex-wrap items-start justify-between gap-2" : undefined}>
        <div>
          <CardTitle>{title}</CardTitle>
          {subtitle && <p className="text-sm text-muted-foreground">{subtitle}</p>}
        </div>
        {actions}
      </CardHeader>
      <CardContent>
        {error ? (
          <ErrorState error={error} onRetry={onRetry} />
        ) : (
          <figure aria-label={title} className="h-64 w-full" dir="ltr">
            {loading ? (
              <Skeleton className="h-full w-full" />
            ) : empty ? (
              <p className="flex h-full items-center justify-center text-center text-sm text-muted-foreground" dir="auto">
                {emptyMessage ?? t("charts.noData")}
              </p>
            ) : (
              children
            )}
          </figure>
        )}
      </CardContent>
    </Card>
  );
}
