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
  children: React.ReactNode;
}) {
  const { t } = useI18n();
  return (
    <Card data-testid={testId}>
      <CardHeader>
        <CardTitle>{title}</CardTitle>
        {subtitle && <p className="text-sm text-muted-foreground">{subtitle}</p>}
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
