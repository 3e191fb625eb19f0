"use client";
import { toast } from "sonner";
import { PageWrapper } from "@/components/layout/PageWrapper";
import { Card, CardContent } from "@/components/ui/card";
import { SkeletonRows } from "@/components/ui/skeleton";
import { ErrorState, InlineError } from "@/components/common/States";
import { useNotificationPreferences, useUpdateNotificationPreferences } from "@/hooks/useNotifications";
import { useI18n } from "@/hooks/useI18n";

/**
 * Which notifications also come by email (emails link here): the choices of
 * `GET|PATCH notifications/preferences`, one switch for all email and one per kind of event.
 */
export default function NotificationSettingsPage() {
  const { t } = useI18n();
  const prefs = useNotificationPreferences();
  const update = useUpdateNotificationPreferences();
  const save = (change: Parameters<typeof update.mutate>[0]) =>
    update.mutate(change, { onSuccess: () => toast.success(t("settings.notifications.saved")) });

  return (
    <PageWrapper title={t("settings.notifications.title")}>
      {prefs.isLoading ? (
        <SkeletonRows />
      ) : prefs.error || !prefs.data ? (
        <ErrorState error={prefs.error} onRetry={() => prefs.refetch()} />
      ) : (
        <Card>
          <CardContent className="space-y-4 pt-6">
            <p className="text-sm text-muted-foreground">{t("settings.notifications.help")}</p>
            <label className="flex items-center gap-3 font-medium">
              <input
                type="checkbox"
                className="h-4 w-4"
                checked={prefs.data.email_enabled}
                disabled={update.isPending}
                onChange={(e) => save({ email_enabled: e.target.checked })}
              />
              {t("settings.notifications.enabled")}
            </label>
            <fieldset disabled={!prefs.data.email_enabled || update.isPending} className="space-y-2 disabled:opacity-60">
              <legend className="mb-2 text-sm font-medium">{t("settings.notifications.kinds")}</legend>
              <ul className="grid gap-2 sm:grid-cols-2" data-testid="notification-kinds">
                {Object.entries(prefs.data.email_kinds).map(([kind, on]) => (
                  <li key={kind}>
                    <label className="flex items-center gap-3 text-sm">
                      <input
                        type="checkbox"
                        className="h-4 w-4"
                        checked={on}
                        onChange={(e) => save({ email_kinds: { [kind]: e.target.checked } })}
                      />
                      {t(`notifKind.${kind}`) === `notifKind.${kind}` ? kind : t(`notifKind.${kind}`)}
                    </label>
                  </li>
                ))}
              </ul>
            </fieldset>
            <InlineError error={update.error} />
          </CardContent>
        </Card>
      )}
    </PageWrapper>
  );
}
