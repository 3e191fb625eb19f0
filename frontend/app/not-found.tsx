"use client";
import Link from "next/link";
import { useSession } from "@/hooks/useAuth";
import { useI18n } from "@/hooks/useI18n";
import { routes } from "@/config/routes";

export default function NotFound() {
  const { t } = useI18n();
  const { user } = useSession();
  return (
    <main className="flex min-h-screen flex-col items-center justify-center gap-3 p-6 text-center" data-testid="not-found">
      <p className="text-6xl font-bold text-muted-foreground">404</p>
      <h1 className="text-2xl font-semibold">{t("notfound.title")}</h1>
      <p className="text-muted-foreground">{t("notfound.body")}</p>
      <Link href={user ? routes.dashboard(user.role) : routes.login} className="text-primary underline">
        {t("notfound.home")}
      </Link>
    </main>
  );
}
