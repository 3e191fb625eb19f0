"use client";
import Link from "next/link";
import { LogOut, Menu, UserCircle } from "lucide-react";
import * as DropdownMenu from "@radix-ui/react-dropdown-menu";
import { Dialog, DialogContent, DialogTitle } from "@/components/ui/dialog";
import { Button } from "@/components/ui/button";
import { Sidebar } from "./Sidebar";
import { LanguageSwitcher } from "./LanguageSwitcher";
import { KeyboardShortcuts, ThemeToggle } from "./KeyboardShortcuts";
import { NotificationBell } from "@/components/notifications/NotificationBell";
import { ConflictDialog } from "@/components/modals/ConflictDialog";
import { SessionExpiredDialog } from "@/components/modals/SessionExpiredDialog";
import { useSignOut } from "@/hooks/useAuth";
import { useNotificationStream } from "@/hooks/useNotifications";
import { useI18n } from "@/hooks/useI18n";
import { useUiStore } from "@/store/uiStore";
import { routes } from "@/config/routes";
import { initials } from "@/lib/helpers";
import type { User } from "@/types/user";

export function AppShell({ user, children }: { user: User; children: React.ReactNode }) {
  const { t } = useI18n();
  const signOut = useSignOut();
  const sidebarOpen = useUiStore((s) => s.sidebarOpen);
  const setSidebarOpen = useUiStore((s) => s.setSidebarOpen);
  useNotificationStream(true);

  return (
    <div className="min-h-screen">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:start-2 focus:top-2 focus:z-50 focus:rounded focus:bg-background focus:p-2">
        Skip to content
      </a>
      <header className="sticky top-0 z-40 flex h-14 items-center gap-2 border-b bg-background/95 px-3 backdrop-blur">
        <Button variant="ghost" size="icon" className="lg:hidden" aria-label={t("nav.menu")} onClick={() => setSidebarOpen(true)}>
          <Menu aria-hidden />
        </Button>
        <Link href={routes.dashboard(user.role)} className="flex items-center gap-2 font-semibold">
          <span className="rounded bg-primary px-1.5 py-0.5 text-xs text-primary-foreground">HDMS</span>
          <span className="hidden sm:inline">{t("app.org")} · {t("app.name")}</span>
        </Link>
        <div className="ms-auto flex items-center gap-2">
          <LanguageSwitcher />
          <ThemeToggle />
          <KeyboardShortcuts role={user.role} />
          <NotificationBell role={user.role} />
          <DropdownMenu.Root>
            <DropdownMenu.Trigger asChild>
              <Button variant="ghost" size="icon" aria-label={`${user.full_name} (${t(`role.${user.role}`)})`} data-testid="user-menu">
                <span className="flex h-8 w-8 items-center justify-center rounded-full bg-secondary text-xs font-semibold">{initials(user.full_name)}</span>
              </Button>
            </DropdownMenu.Trigger>
            <DropdownMenu.Portal>
              <DropdownMenu.Content align="end" className="z-50 min-w-48 rounded-md border bg-background p-1 shadow-md">
                <DropdownMenu.Label className="px-2 py-1.5 text-sm">
                  <span className="block font-medium">{user.full_name}</span>
                  <span className="block text-xs text-muted-foreground">
                    {user.employee_code} · {t(`role.${user.role}`)}
                  </span>
                </DropdownMenu.Label>
                <DropdownMenu.Separator className="my-1 h-px bg-border" />
                <DropdownMenu.Item asChild>
                  <Link href={routes.profile(user.role)} className="flex cursor-pointer items-center gap-2 rounded px-2 py-1.5 text-sm outline-none data-[highlighted]:bg-accent">
                    <UserCircle className="h-4 w-4" aria-hidden /> {t("nav.profile")}
                  </Link>
                </DropdownMenu.Item>
                <DropdownMenu.Item
                  onSelect={() => void signOut()}
                  className="flex cursor-pointer items-center gap-2 rounded px-2 py-1.5 text-sm outline-none data-[highlighted]:bg-accent"
                >
                  <LogOut className="h-4 w-4 rtl:rotate-180" aria-hidden /> {t("auth.signOut")}
                </DropdownMenu.Item>
              </DropdownMenu.Content>
            </DropdownMenu.Portal>
          </DropdownMenu.Root>
        </div>
      </header>
      <div className="flex">
        <aside className="sticky top-14 hidden h-[calc(100vh-3.5rem)] w-60 shrink-0 overflow-y-auto border-e lg:block">
          <Sidebar user={user} />
        </aside>
        <Dialog open={sidebarOpen} onOpenChange={setSidebarOpen}>
          <DialogContent className="start-0 top-0 h-full max-h-screen w-72 max-w-[85vw] translate-x-0 translate-y-0 rounded-none p-0 pt-10 rtl:end-0 rtl:start-auto" closeLabel={t("common.close")}>
            <DialogTitle className="sr-only">{t("nav.menu")}</DialogTitle>
            <Sidebar user={user} onNavigate={() => setSidebarOpen(false)} />
          </DialogContent>
        </Dialog>
        <main id="main" className="min-w-0 flex-1 p-3 sm:p-6">
          {children}
        </main>
      </div>
      <ConflictDialog />
      <SessionExpiredDialog />
    </div>
  );
}
