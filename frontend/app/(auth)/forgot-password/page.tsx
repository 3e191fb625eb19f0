"use client";
import { useState } from "react";
import Link from "next/link";
import { useMutation } from "@tanstack/react-query";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Field } from "@/components/ui/field";
import { InlineError } from "@/components/common/States";
import { useI18n } from "@/hooks/useI18n";
import { forgotPassword, resetPassword } from "@/services/api/authService";

/** Forgot → an emailed code → a new password (DESIGN §8); every session ends on reset. */
export default function ForgotPasswordPage() {
  const { t } = useI18n();
  const [employeeCode, setEmployeeCode] = useState("");
  const [code, setCode] = useState("");
  const [password, setPassword] = useState("");
  const forgot = useMutation({ mutationFn: () => forgotPassword(employeeCode.trim()) });
  const reset = useMutation({ mutationFn: () => resetPassword(employeeCode.trim(), code.trim(), password) });
  return (
    <Card className="w-full max-w-sm">
      <CardHeader>
        <CardTitle>{t("auth.forgot")}</CardTitle>
      </CardHeader>
      <CardContent className="space-y-3">
        {reset.isSuccess ? (
          <p role="status" className="text-sm">{t("auth.resetDone")}</p>
        ) : !forgot.isSuccess ? (
          <form className="grid gap-4" onSubmit={(e) => { e.preventDefault(); if (employeeCode.trim()) forgot.mutate(); }}>
            <p className="text-sm">{t("auth.forgotIntro")}</p>
            <Field id="forgot_code" label={t("auth.employeeCode")}>
              <Input autoComplete="username" autoFocus value={employeeCode} onChange={(e) => setEmployeeCode(e.target.value)} />
            </Field>
            <InlineError error={forgot.error} />
            <Button type="submit" disabled={forgot.isPending || !employeeCode.trim()}>{t("auth.sendCode")}</Button>
          </form>
        ) : (
          <form className="grid gap-4" onSubmit={(e) => { e.preventDefault(); reset.mutate(); }}>
            <p role="status" className="text-sm">{t("auth.codeSent")}</p>
            <Field id="reset_code" label={t("auth.resetCode")}>
              <Input inputMode="numeric" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} />
            </Field>
            <Field id="reset_password" label={t("auth.newPassword")} hint={t("auth.passwordRule")}>
              <Input type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
            </Field>
            <InlineError error={reset.error} />
            <Button type="submit" disabled={reset.isPending || !code.trim() || !password}>{t("auth.resetSubmit")}</Button>
          </form>
        )}
        <Link href="/login" className="text-sm text-primary underline">
          {t("auth.signIn")}
        </Link>
      </CardContent>
    </Card>
  );
}
