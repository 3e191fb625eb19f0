"use client";
import { toast } from "sonner";
import { PageWrapper } from "@/components/layout/PageWrapper";
import { Card, CardContent } from "@/components/ui/card";
import { SkeletonRows } from "@/components/ui/skeleton";
import { ErrorState, InlineError } from "@/components/common/States";
import { Select } from "@/components/ui/select";
import { useNotificationPreferences, usePutNotificationPreferences, useUpdateNotificationPreferences } from "@/hooks/useNotifications";
import type { NotificationPreferences } from "@/types/notification";
import { useI18n } from "@/hooks/useI18n";

const DIGESTS = ["off", "hourly", "daily"] as const;

/**
 * Which notifications also come by email (emails link here): the choices of
 * `GET|PATCH notifications/preferences`, one switch for all email and one per kind of event; and
 * (`PUT`, DESIGN §8) each kind in the app, the email digest and whether one's own changes notify.
 */
export default function NotificationSettingsPage() {
  const { t } = useI18n();
  const prefs = useNotificationPreferences();
  const update = useUpdateNotificationPreferences();
  const put = usePutNotificationPreferences();
  const save = (change: Parameters<typeof update.mutate>[0]) =>
    update.mutate(change, { onSuccess: () => toast.success(t("settings.notifications.saved")) });
  const saveWhole = (current: NotificationPreferences, change: Partial<Pick<NotificationPreferences, "kinds" | "digest" | "mute_own_actions">>) =>
    put.mutate(
      { kinds: {}, digest: current.digest, mute_own_actions: current.mute_own_actions, ...change },
      { onSuccess: () => toast.success(t("settings.notifications.saved")) },
    );
  const kindName = (kind: string) => (t(`notifKind.${kind}`) === `notifKind.${kind}` ? kind : t(`notifKind.${kind}`));

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
                      {kindName(kind)}
                    </label>
                  </li>
                ))}
              </ul>
            </fieldset>
            <InlineError error={update.error} />
          </CardContent>
        </Card>
      )}
      {prefs.data ? (
        <Card className="mt-4">
          <CardContent className="space-y-4 pt-6">
            <div className="grid max-w-sm gap-1.5">
              <label htmlFor="digest" className="text-sm font-medium">{t("settings.notifications.digest")}</label>
              <Select
                id="digest"
                value={prefs.data.digest}
                disabled={put.isPending}
                onChange={(e) => saveWhole(prefs.data!, { digest: e.target.value as NotificationPreferences["digest"] })}
              >
                {DIGESTS.map((d) => (
                  <option key={d} value={d}>{t(`settings.notifications.digest.${d}`)}</option>
                ))}
              </Select>
            </div>
            <label className="flex items-center gap-3 text-sm font-medium">
              <input
                id="mute_own_actions"
                type="checkbox"
                className="h-4 w-4"
                checked={prefs.data.mute_own_actions}
                disabled={put.isPending}
                onChange={(e) => saveWhole(prefs.data!, { mute_own_actions: e.target.checked })}
              />
              {t("settings.notifications.muteOwn")}
            </label>
            <fieldset disabled={put.isPending} className="space-y-2">
              <legend className="mb-2 text-sm font-medium">{t("settings.notifications.inApp")}</legend>
              <ul className="grid gap-2 sm:grid-cols-2" data-testid="notification-in-app">
                {Object.entries(prefs.data.kinds).map(([kind, choice]) => (
                  <li key={kind}>
                    <label className="flex items-center gap-3 text-sm">
                      <input
                        type="checkbox"
                        className="h-4 w-4"
                        checked={choice.in_app}
                        onChange={(e) => saveWhole(prefs.data!, { kinds: { [kind]: { in_app: e.target.checked, email: choice.email } } })}
                      />
                      {kindName(kind)}
                    </label>
                  </li>
                ))}
              </ul>
            </fieldset>
            <InlineError error={put.error} />
          </CardContent>
        </Card>
      ) : null}
    </PageWrapper>
  );
}
