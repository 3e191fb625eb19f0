import type { Role, User } from "@/types/user";
import type { Ticket, TicketAction } from "@/types/ticket";

/** Sections every signed-in person may open: the links the server writes (emails) land there. */
export const SHARED_SECTIONS = ["tickets", "notifications", "settings"] as const;

/** Which route sections a role may open. `[role]` pages need the user's own role. */
export function canOpenSection(user: User, section: string): boolean {
  if ((SHARED_SECTIONS as readonly string[]).includes(section)) return true;
  switch (section) {
    case "admin":
      return user.role === "admin";
    case "moderator":
      return user.role === "moderator" || user.role === "admin";
    case "assignee":
      return user.role === "assignee" || user.role === "admin";
    default:
      return section === user.role;
  }
}

export function isStaff(role: Role): boolean {
  return role === "moderator" || role === "admin";
}

export type UiAction = TicketAction | "split" | "edit";

/** Actions the current user may try on a ticket (DESIGN §3). The API remains the judge. */
export function availableActions(ticket: Ticket, user: User): UiAction[] {
  const actions: UiAction[] = [];
  const isRequestor = ticket.requestor_id === user.id;
  const isAssignee = ticket.assignee_id === user.id;
  const staff = isStaff(user.role);
  const s = ticket.status;

  if (isRequestor) {
    if (s === "draft") actions.push("edit", "submit");
    if (s === "draft" || s === "submitted") actions.push("withdraw");
    if (s === "resolved") actions.push("close", "reopen");
    if ((s === "resolved" || s === "closed") && !ticket.rating) actions.push("rate");
  }
  if (staff) {
    if (s === "submitted") actions.push("reject", "request_approval");
    if (s === "submitted" || s === "approved") {
      actions.push("assign");
      if (!ticket.parent_id) actions.push("split");
    }
    if (s === "assigned" || s === "in_progress") actions.push("reassign");
    if (!["closed", "rejected", "withdrawn"].includes(s) && !actions.includes("edit")) actions.push("edit");
  }
  if (isAssignee || (user.role === "admin" && ticket.assignee_id)) {
    if (s === "assigned") actions.push("start");
    if (s === "in_progress") actions.push("postpone", "resolve");
    if (s === "postponed") actions.push("resume");
  }
  return Array.from(new Set(actions));
}
