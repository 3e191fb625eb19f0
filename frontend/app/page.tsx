"use client";
import { useEffect } from "react";
import { useRouter } from "next/navigation";
import { useSession } from "@/hooks/useAuth";
import { routes } from "@/config/routes";
import { Skeleton } from "@/components/ui/skeleton";

export default function HomePage() {
  const { user, hydrated } = useSession();
  const router = useRouter();
  useEffect(() => {
    if (!hydrated) return;
    router.replace(user ? routes.dashboard(user.role) : routes.login);
  }, [hydrated, user, router]);
  return (
    <div className="p-6" role="status" aria-label="Loading">
      <Skeleton className="h-10 w-1/3" />
    </div>
  );
}
