import { notFound } from "next/navigation";
import { ROLES } from "@/types/user";

export default async function RoleLayout({ children, params }: { children: React.ReactNode; params: Promise<{ role: string }> }) {
  const { role } = await params;
  if (!(ROLES as readonly string[]).includes(role)) notFound();
  return children;
}
