"use client";
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Field } from "@/components/ui/field";
import { InlineError } from "@/components/common/States";
import { useI18n } from "@/hooks/useI18n";
import { formatDateTime } from "@/lib/helpers";
import {
  changePassword, fetchMe, listSessions, otpConfirm, otpDisable, otpEnable, revokeOtherSessions, revokeSession,
} from "@/services/api/authService";

/** The profile's account section (DESIGN §8): change password, two-factor on/off, signed-in devices. */
export function AccountSecurity() {
  const { t, locale } = useI18n();
  const queryClient = useQueryClient();
  const me = useQuery({ queryKey: ["auth", "me", "security"], queryFn: fetchMe });
  const sessions = useQuery({ queryKey: ["auth", "sessions"], queryFn: listSessions });
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [otpCode, setOtpCode] = useState("");
  const [otpPassword, setOtpPassword] = useState("");
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ["auth", "me", "security"] });
    void queryClient.invalidateQueries({ queryKey: ["auth", "sessions"] });
  };
  const change = useMutation({
    mutationFn: () => changePassword(current, next),
    onSuccess: () => { setCurrent(""); setNext(""); refresh(); },
  });
  const enable = useMutation({ mutationFn: otpEnable });
  const confirm = useMutation({ mutationFn: () => otpConfirm(otpCode.trim()), onSuccess: () => { setOtpCode(""); enable.reset(); refresh(); } });
  const disable = useMutation({ mutationFn: () => otpDisable(otpPassword), onSuccess: () => { setOtpPassword(""); refresh(); } });
  const signOutOne = useMutation({ mutationFn: revokeSession, onSuccess: refresh });
  const signOutOthers = useMutation({ mutationFn: revokeOtherSessions, onSuccess: refresh });
  const user = me.data;

  return (
    <div className="grid gap-4">
      {user && !user.sms_linked ? (
        <Card>
          <CardHeader><CardTitle className="text-base">{t("profile.changePassword")}</CardTitle></CardHeader>
          <CardContent>
            <form className="grid gap-3 max-w-sm" onSubmit={(e) => { e.preventDefault(); change.mutate(); }}>
              <Field id="current_password" label={t("profile.currentPassword")}>
                <Input type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} />
              </Field>
              <Field id="new_password" label={t("auth.newPassword")} hint={t("auth.passwordRule")}>
                <Input type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} />
              </Field>
              <InlineError error={change.error} />
              {change.isSuccess ? <p role="status" className="text-sm">{t("profile.passwordChanged")}</p> : null}
              <Button type="submit" disabled={change.isPending || !current || !next}>{t("profile.changePassword")}</Button>
            </form>
          </CardContent>
        </Card>
      ) : user ? (
        <Card><CardContent className="pt-6 text-sm">{t("profile.smsPassword")}</CardContent></Card>
      ) : null}

      {user ? (
        <Card>
          <CardHeader><CardTitle className="text-base">{t("profile.twoFactor")}</CardTitle></CardHeader>
          <CardContent className="grid gap-3 max-w-sm text-sm">
            <p data-testid="otp-status">{user.otp_enabled ? t("profile.twoFactorOn") : t("profile.twoFactorOff")}</p>
            {user.otp_required && !user.otp_enabled ? <p>{t("profile.twoFactorRequired")}</p> : null}
            {!user.otp_enabled ? (
              enable.isSuccess ? (
                <form className="grid gap-3" onSubmit={(e) => { e.preventDefault(); confirm.mutate(); }}>
                  <Field id="otp_confirm" label={t("auth.resetCode")}>
                    <Input inputMode="numeric" autoComplete="one-time-code" value={otpCode} onChange={(e) => setOtpCode(e.target.value)} />
                  </Field>
                  <InlineError error={confirm.error} />
                  <Button type="submit" disabled={confirm.isPending || !otpCode.trim()}>{t("profile.twoFactorConfirm")}</Button>
                </form>
              ) : (
                <>
                  <InlineError error={enable.error} />
                  <Button type="button" onClick={() => enable.mutate()} disabled={enable.isPending}>{t("profile.twoFactorEnable")}</Button>
                </>
              )
            ) : user.otp_required ? (
              <p>{t("profile.twoFactorRequired")}</p>
            ) : (
              <form className="grid gap-3" onSubmit={(e) => { e.preventDefault(); disable.mutate(); }}>
                <Field id="otp_disable_password" label={t("auth.password")}>
                  <Input type="password" autoComplete="current-password" value={otpPassword} onChange={(e) => setOtpPassword(e.target.value)} />
                </Field>
                <InlineError error={disable.error} />
                <Button type="submit" variant="outline" disabled={disable.isPending || !otpPassword}>{t("profile.twoFactorDisable")}</Button>
              </form>
            )}
          </CardContent>
        </Card>
      ) : null}

      <Card>
        <CardHeader><CardTitle className="text-base">{t("profile.sessions")}</CardTitle></CardHeader>
        <CardContent className="grid gap-2 text-sm">
          <InlineError error={sessions.error ?? signOutOne.error ?? signOutOthers.error} />
          <ul className="grid gap-2" data-testid="sessions">
            {(sessions.data ?? []).map((s) => (
              <li key={s.id} className="flex flex-wrap items-center justify-between gap-2 rounded-md border p-2">
                <span>
                  <bdi>{s.user_agent || "—"}</bdi> · <bdi>{s.ip || "—"}</bdi> · {t("profile.lastUsed")}{" "}
                  {formatDateTime(s.last_used_at, locale)}
                  {s.current ? <strong> · {t("profile.thisDevice")}</strong> : null}
                </span>
                {!s.current ? (
                  <Button type="button" size="sm" variant="outline" onClick={() => signOutOne.mutate(s.id)} disabled={signOutOne.isPending}>
                    {t("profile.signOutSession")}
                  </Button>
                ) : null}
              </li>
            ))}
          </ul>
          {(sessions.data ?? []).some((s) => !s.current) ? (
            <Button type="button" variant="outline" onClick={() => signOutOthers.mutate()} disabled={signOutOthers.isPending}>
              {t("profile.signOutOthers")}
            </Button>
          ) : null}
        </CardContent>
      </Card>
    </div>
  );
}
