"use client";
import Link from "next/link";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { useI18n } from "@/hooks/useI18n";

export default function ForgotPasswordPage() {
  const { t } = useI18n();
  return (
    <Card className="w-full max-w-sm">
      <CardHeader>
        <CardTitle>{t("auth.forgot")}</CardTitle>
      </CardHeader>
      <CardContent className="space-y-3">
        <p className="text-sm">{t("auth.forgotHelp")}</p>
        <Link href="/login" className="text-sm text-primary underline">
          {t("auth.signIn")}
        </Link>
      </CardContent>
    </Card>
  );
}
