import { RoleGuard } from "@/components/layout/RoleGuard";

export default function RolesLayout({ children }: { children: React.ReactNode }) {
  return <RoleGuard>{children}</RoleGuard>;
}
