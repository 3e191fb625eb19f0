"use client";
import { AlertTriangle, Inbox } from "lucide-react";
import { Button } from "@/components/ui/button";
import { useI18n } from "@/hooks/useI18n";
import { errorMessage } from "@/lib/serverText";

export function EmptyState({ message, children }: { message?: string; children?: React.ReactNode }) {
  const { t } = useI18n();
  return (
    <div className="flex flex-col items-center gap-2 rounded-lg border border-dashed p-8 text-center text-muted-foreground">
      <Inbox className="h-8 w-8" aria-hidden />
      <p>{message ?? t("common.empty")}</p>
      {children}
    </div>
  );
}

/** Shows the API's `detail` for any failed read, with a retry. */
export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t, locale } = useI18n();
  return (
    <div role="alert" className="flex flex-col items-center gap-2 rounded-lg border border-destructive/40 bg-destructive/5 p-6 text-center">
      <AlertTriangle className="h-8 w-8 text-destructive" aria-hidden />
      <p className="font-medium">{t("common.error")}</p>
      <p className="text-sm text-muted-foreground" data-testid="error-detail">
        {errorMessage(error, locale)}
      </p>
      {onRetry && (
        <Button variant="outline" size="sm" onClick={onRetry}>
          {t("common.retry")}
        </Button>
      )}
    </div>
  );
}

export function InlineError({ error }: { error: unknown }) {
  const { locale } = useI18n();
  if (!error) return null;
  return (
    <p role="alert" className="rounded-md bg-destructive/10 px-3 py-2 text-sm text-destructive">
      {errorMessage(error, locale)}
    </p>
  );
}
