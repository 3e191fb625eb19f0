"use client";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Field } from "@/components/ui/field";
import { InlineError } from "@/components/common/States";
import { useSession, useSignIn, useSignOut } from "@/hooks/useAuth";
import { useI18n } from "@/hooks/useI18n";
import { loginSchema, type LoginValues } from "@/lib/validation";

/** Covers the page when the refresh token is gone; the page underneath keeps its form state. */
export function SessionExpiredDialog() {
  const { t } = useI18n();
  const { user, sessionExpired } = useSession();
  const { login } = useSignIn("relogin");
  const signOut = useSignOut();
  const form = useForm<LoginValues>({
    resolver: zodResolver(loginSchema),
    defaultValues: { employee_code: user?.employee_code ?? "", password: "" },
  });
  return (
    <Dialog open={sessionExpired}>
      <DialogContent hideClose onEscapeKeyDown={(e) => e.preventDefault()} onInteractOutside={(e) => e.preventDefault()}>
        <DialogHeader>
          <DialogTitle>{t("auth.sessionExpired")}</DialogTitle>
          <DialogDescription>{t("auth.sessionExpiredHelp")}</DialogDescription>
        </DialogHeader>
        <form className="grid gap-3" onSubmit={form.handleSubmit((v) => login.mutate(v))}>
          <Field id="relogin-code" label={t("auth.employeeCode")} error={form.formState.errors.employee_code?.message}>
            <Input autoComplete="username" {...form.register("employee_code")} />
          </Field>
          <Field id="relogin-password" label={t("auth.password")} error={form.formState.errors.password?.message}>
            <Input type="password" autoComplete="current-password" {...form.register("password")} />
          </Field>
          <InlineError error={login.error} />
          <div className="flex justify-between gap-2">
            <Button variant="ghost" onClick={() => void signOut()}>
              {t("auth.signOut")}
            </Button>
            <Button type="submit" disabled={login.isPending}>
              {t("auth.signIn")}
            </Button>
          </div>
        </form>
      </DialogContent>
    </Dialog>
  );
}
