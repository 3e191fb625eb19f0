"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import {
  LayoutDashboard, FilePlus, ListChecks, Bell, Inbox, ClipboardList, Users, Building2, Settings, BarChart3,
  FileText, ShieldCheck, Stamp, Wrench, Activity, Rows3, BookOpen, Sparkles, TextCursorInput,
} from "lucide-react";
import { ROLE_SECTIONS } from "@/config/permissions";
import { routes } from "@/config/routes";
import { useI18n } from "@/hooks/useI18n";
import { cn } from "@/lib/utils";
import type { User } from "@/types/user";

function sectionHref(user: User, section: string): string {
  const role = user.role;
  switch (section) {
    case "dashboard": return routes.dashboard(role);
    case "new-request": return routes.newRequest(role);
    case "requests": return routes.requests(role);
    case "notifications": return routes.notifications(role);
    case "approvals": return routes.approvals(role);
    case "ticket-pool": return routes.ticketPool();
    case "tickets": return routes.ticketWorkspace();
    case "assigned-tickets": return routes.assignedTickets();
    case "tasks": return routes.tasks();
    case "reports": return role === "admin" ? routes.adminReports() : routes.assigneeReports();
    case "users": return routes.adminUsers();
    case "departments": return routes.adminDepartments();
    case "categories": return routes.adminCategories();
    case "settings": return routes.adminSettings();
    case "analytics": return routes.adminAnalytics();
    case "audit": return routes.adminAudit();
    case "operations": return routes.adminOperations();
    case "kb": return routes.kb();
    case "models": return routes.adminModels();
    default: return routes.dashboard(role);
  }
}

const ICONS: Record<string, React.ComponentType<{ className?: string }>> = {
  dashboard: LayoutDashboard, "new-request": FilePlus, requests: ListChecks, notifications: Bell, approvals: Stamp,
  "ticket-pool": Inbox, tickets: Rows3, "assigned-tickets": ClipboardList, tasks: Wrench, reports: FileText, users: Users,
  departments: Building2, settings: Settings, analytics: BarChart3, audit: ShieldCheck, operations: Activity, kb: BookOpen, models: Sparkles, categories: TextCursorInput,
};

export function navSections(user: User): string[] {
  const sections = [...ROLE_SECTIONS[user.role]];
  if (user.is_approver) sections.splice(1, 0, "approvals");
  return sections;
}

export function Sidebar({ user, onNavigate }: { user: User; onNavigate?: () => void }) {
  const { t } = useI18n();
  const pathname = usePathname();
  return (
    <nav aria-label={t("nav.main")} className="flex flex-col gap-1 p-2">
      {navSections(user).map((section) => {
        const href = sectionHref(user, section);
        const Icon = ICONS[section] ?? LayoutDashboard;
        const active = pathname === href || pathname.startsWith(`${href}/`);
        return (
          <Link
            key={section}
            href={href}
            onClick={onNavigate}
            aria-current={active ? "page" : undefined}
            className={cn(
              "flex items-center gap-2 rounded-md px-3 py-2 text-sm hover:bg-accent",
              active && "border-s-4 border-primary bg-accent font-semibold text-accent-foreground",
            )}
          >
            <Icon className="h-4 w-4" aria-hidden />
            {t(`nav.${section}`)}
          </Link>
        );
      })}
    </nav>
  );
}
