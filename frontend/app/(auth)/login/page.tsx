"use client";
import { useState } from "react";
import Link from "next/link";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Field } from "@/components/ui/field";
import { InlineError } from "@/components/common/States";
import { useSignIn } from "@/hooks/useAuth";
import { useI18n } from "@/hooks/useI18n";
import { loginSchema, otpSchema, type LoginValues, type OtpValues } from "@/lib/validation";
import { toApiError } from "@/lib/errors";
import { formatDateTime } from "@/lib/helpers";

/** What the sign-in page adds for a locked account or an SMS that cannot check the password (DESIGN §8). */
function SignInHelp({ error, at }: { error: unknown; at: number }) {
  const { t, locale } = useI18n();
  if (!error) return null;
  const { code, retryAfter } = toApiError(error);
  const key = code === "account_locked" ? "auth.lockedHelp" : code === "service_unavailable" ? "auth.smsDown" : null;
  if (!key) return null;
  // When to retry is the server's answer (retry_after seconds from the failed attempt), shown as a time.
  const until = code === "account_locked" && retryAfter ? new Date(at + retryAfter * 1000).toISOString() : null;
  return (
    <p className="text-sm text-muted-foreground" data-testid="sign-in-help">
      {until && <span data-testid="locked-until">{t("auth.lockedUntil").replace("{time}", formatDateTime(until, locale))} </span>}
      {t(key)}
    </p>
  );
}

export default function LoginPage() {
  const { t } = useI18n();
  const { login, verifyOtp } = useSignIn("page");
  const [challengeId, setChallengeId] = useState<string | null>(null);
  const loginForm = useForm<LoginValues>({ resolver: zodResolver(loginSchema), defaultValues: { employee_code: "", password: "" } });
  const otpForm = useForm<OtpValues>({ resolver: zodResolver(otpSchema), defaultValues: { code: "" } });

  return (
    <Card className="w-full max-w-sm">
      <CardHeader>
        <p className="text-sm text-muted-foreground">{t("app.org")}</p>
        <CardTitle className="text-xl">{t("app.name")}</CardTitle>
      </CardHeader>
      <CardContent>
        {!challengeId ? (
          <form
            className="grid gap-4"
            onSubmit={loginForm.handleSubmit((values) =>
              login.mutate(values, {
                onSuccess: (result) => {
                  if (result.kind === "otp") setChallengeId(result.challengeId);
                },
              }),
            )}
          >
            <Field id="employee_code" label={t("auth.employeeCode")} error={loginForm.formState.errors.employee_code?.message}>
              <Input autoComplete="username" autoFocus {...loginForm.register("employee_code")} />
            </Field>
            <Field id="password" label={t("auth.password")} error={loginForm.formState.errors.password?.message}>
              <Input type="password" autoComplete="current-password" {...loginForm.register("password")} />
            </Field>
            <InlineError error={login.error} />
            <SignInHelp error={login.error} at={login.submittedAt} />
            <Button type="submit" disabled={login.isPending}>
              {t("auth.signIn")}
            </Button>
            <Link href="/forgot-password" className="text-center text-sm text-muted-foreground underline">
              {t("auth.forgot")}
            </Link>
          </form>
        ) : (
          <form className="grid gap-4" onSubmit={otpForm.handleSubmit((v) => verifyOtp.mutate({ challengeId, code: v.code }))}>
            <Field id="otp" label={t("auth.otp")} hint={t("auth.otpHelp")} error={otpForm.formState.errors.code?.message}>
              <Input inputMode="numeric" autoComplete="one-time-code" autoFocus {...otpForm.register("code")} />
            </Field>
            <InlineError error={verifyOtp.error} />
            <Button type="submit" disabled={verifyOtp.isPending}>
              {t("auth.verify")}
            </Button>
          </form>
        )}
      </CardContent>
    </Card>
  );
}
