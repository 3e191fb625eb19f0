"use client";
import { useEffect } from "react";
import { usePathname, useRouter } from "next/navigation";
import { useSession } from "@/hooks/useAuth";
import { canOpenSection } from "@/lib/navigation";
import { routes } from "@/config/routes";
import { Skeleton } from "@/components/ui/skeleton";
import { AppShell } from "./AppShell";

/**
 * Signed-out users go to the sign-in page; a signed-in user who opens another role's section goes
 * to their own dashboard. The API checks every request anyway: this only spares a useless page.
 */
export function RoleGuard({ children }: { children: React.ReactNode }) {
  const { user, hydrated } = useSession();
  const pathname = usePathname();
  const router = useRouter();
  const section = pathname.split("/")[1] ?? "";
  const allowed = !!user && canOpenSection(user, section);

  useEffect(() => {
    if (!hydrated) return;
    if (!user) router.replace(`${routes.login}?next=${encodeURIComponent(pathname)}`);
    else if (!allowed) router.replace(routes.dashboard(user.role));
  }, [hydrated, user, allowed, pathname, router]);

  if (!hydrated || !user || !allowed) {
    return (
      <div className="space-y-4 p-6" role="status" aria-label="Loading">
        <Skeleton className="h-10 w-1/3" />
        <Skeleton className="h-64 w-full" />
      </div>
    );
  }
  return <AppShell user={user}>{children}</AppShell>;
}
