"use client";
import { useEffect } from "react";
import { useRouter } from "next/navigation";
import { SkeletonRows } from "@/components/ui/skeleton";
import { useSession } from "@/hooks/useAuth";
import { routes } from "@/config/routes";

/** The viewer's notifications, whatever their role (emails link here). */
export default function MyNotificationsPage() {
  const { user } = useSession();
  const router = useRouter();
  useEffect(() => {
    if (user) router.replace(routes.notifications(user.role));
  }, [user, router]);
  return <SkeletonRows />;
}
