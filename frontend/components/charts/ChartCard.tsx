"use client";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { useI18n } from "@/hooks/useI18n";

export function ChartCard({ title, loading, empty, children }: { title: string; loading?: boolean; empty?: boolean; children: React.ReactNode }) {
  const { t } = useI18n();
  return (
    <Card>
      <CardHeader>
        <CardTitle>{title}</CardTitle>
      </CardHeader>
      <CardContent>
        <figure aria-label={title} className="h-64 w-full" dir="ltr">
          {loading ? (
            <Skeleton className="h-full w-full" />
          ) : empty ? (
            <p className="flex h-full items-center justify-center text-sm text-muted-foreground">{t("common.empty")}</p>
          ) : (
            children
          )}
        </figure>
      </CardContent>
    </Card>
  );
}
