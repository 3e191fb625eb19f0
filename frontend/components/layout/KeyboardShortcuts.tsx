"use client";
import { useEffect, useState } from "react";
import { useRouter } from "next/navigation";
import { Keyboard, Moon, Sun } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogTitle } from "@/components/ui/dialog";
import { useI18n } from "@/hooks/useI18n";
import { ticketHref } from "@/config/routes";
import { ASSIGN_ME_EVENT, COMPOSE_EVENT, SHORTCUTS, isTypingTarget, neighbourTicket } from "@/lib/shortcuts";
import { currentTheme, toggleTheme, type Theme } from "@/lib/theme";
import type { Role } from "@/types/user";

/** Moves the focus to the next/previous ticket row of a list on the page; false when there is none. */
function moveInList(step: 1 | -1): boolean {
  const links = Array.from(
    document.querySelectorAll<HTMLAnchorElement>('[data-testid="ticket-table"] tr[data-ticket-id] a[href]'),
  );
  if (!links.length) return false;
  const at = links.findIndex((link) => link === document.activeElement);
  const next = links[at < 0 ? (step === 1 ? 0 : links.length - 1) : Math.min(Math.max(at + step, 0), links.length - 1)];
  next?.focus();
  next?.scrollIntoView({ block: "nearest" });
  return true;
}

/** The `?` overlay and the shortcuts: next/previous ticket, reply, internal note, assign to me, theme. */
export function KeyboardShortcuts({ role }: { role: Role }) {
  const { t } = useI18n();
  const router = useRouter();
  const [open, setOpen] = useState(false);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented || isTypingTarget(e.target)) return;
      if (e.key === "?") {
        e.preventDefault();
        setOpen((o) => !o);
        return;
      }
      if (document.querySelector('[role="dialog"]')) return; // a dialog has the keyboard
      if (e.key === "j" || e.key === "k") {
        const step = e.key === "j" ? 1 : -1;
        if (moveInList(step)) {
          e.preventDefault();
          return;
        }
        const id = document.querySelector<HTMLElement>('[data-testid="ticket-detail"]')?.dataset.ticketId;
        const target = id ? neighbourTicket(id, step) : null;
        if (target) {
          e.preventDefault();
          router.push(ticketHref(role, target));
        }
      } else if (e.key === "r" || e.key === "n") {
        e.preventDefault();
        window.dispatchEvent(new CustomEvent(COMPOSE_EVENT, { detail: e.key === "r" ? "reply" : "note" }));
      } else if (e.key === "a") {
        e.preventDefault();
        window.dispatchEvent(new CustomEvent(ASSIGN_ME_EVENT));
      } else if (e.key === "t") {
        e.preventDefault();
        toggleTheme();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [role, router]);

  return (
    <>
      <Button variant="ghost" size="icon" aria-label={t("shortcuts.title")} title={`${t("shortcuts.title")} (?)`}
        onClick={() => setOpen(true)} data-testid="shortcuts-button">
        <Keyboard className="h-4 w-4" aria-hidden />
      </Button>
      <Dialog open={open} onOpenChange={setOpen}>
        <DialogContent data-testid="shortcuts-overlay">
          <DialogTitle>{t("shortcuts.title")}</DialogTitle>
          <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
            {SHORTCUTS.map((s) => (
              <div key={s.keys} className="contents">
                <dt>
                  <kbd className="rounded border bg-muted px-1.5 py-0.5 font-mono text-xs">{s.keys}</kbd>
                </dt>
                <dd>{t(s.label)}</dd>
              </div>
            ))}
          </dl>
        </DialogContent>
      </Dialog>
    </>
  );
}

/** Light/dark switch; the choice is remembered, the system's preference applies until one is made. */
export function ThemeToggle() {
  const { t } = useI18n();
  const [theme, setTheme] = useState<Theme>("light");
  useEffect(() => {
    setTheme(currentTheme());
    const onChange = (e: Event) => setTheme((e as CustomEvent<Theme>).detail);
    window.addEventListener("hdms:theme", onChange);
    return () => window.removeEventListener("hdms:theme", onChange);
  }, []);
  const label = t(theme === "dark" ? "theme.light" : "theme.dark");
  return (
    <Button variant="ghost" size="icon" aria-label={label} title={label} aria-pressed={theme === "dark"}
      onClick={() => setTheme(toggleTheme())} data-testid="theme-toggle" data-theme={theme}>
      {theme === "dark" ? <Sun className="h-4 w-4" aria-hidden /> : <Moon className="h-4 w-4" aria-hidden />}
    </Button>
  );
}
