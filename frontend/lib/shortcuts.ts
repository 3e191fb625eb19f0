/** Keyboard shortcuts (issue 16 item 10): the keys, and the last list shown for next/previous ticket. */

export const SHORTCUTS = [
  { keys: "?", label: "shortcuts.help" },
  { keys: "j", label: "shortcuts.next" },
  { keys: "k", label: "shortcuts.previous" },
  { keys: "Enter", label: "shortcuts.open" },
  { keys: "r", label: "shortcuts.reply" },
  { keys: "n", label: "shortcuts.note" },
  { keys: "a", label: "shortcuts.assignMe" },
  { keys: "t", label: "shortcuts.theme" },
] as const;

const LIST_KEY = "hdms.lastTicketList";

/** The ids of the rows a ticket list shows now (next/previous ticket from a ticket's page). */
export function rememberTicketList(ids: string[]): void {
  try {
    sessionStorage.setItem(LIST_KEY, JSON.stringify(ids));
  } catch {
    /* storage off: next/previous works on the list page only */
  }
}

/** The ticket after (`step` 1) or before (-1) `id` in the last list shown, if any. */
export function neighbourTicket(id: string, step: 1 | -1): string | null {
  try {
    const ids = JSON.parse(sessionStorage.getItem(LIST_KEY) ?? "[]") as unknown;
    if (!Array.isArray(ids)) return null;
    const at = ids.indexOf(id);
    const next = at < 0 ? null : ids[at + step];
    return typeof next === "string" ? next : null;
  } catch {
    return null;
  }
}

/** Whether a key press belongs to a field being typed in (shortcuts then stay out of the way). */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

/** Events the shortcuts send to the ticket page's parts. */
export const COMPOSE_EVENT = "hdms:compose";
export const ASSIGN_ME_EVENT = "hdms:assign-me";
