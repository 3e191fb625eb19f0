import type { Role, User } from "@/types/user";

/** Sections every signed-in person may open: the links the server writes (emails) land there. */
export const SHARED_SECTIONS = ["tickets", "notifications", "settings", "kb"] as const;

/** Which route sections (pages) a role may open. `[role]` pages need the user's own role. This is
 *  navigation only: what a person may do to a ticket comes from the ticket's allowed_actions. */
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

/** Whose tickets a requests page lists: moderators and admins see the whole desk. */
export function listsEveryTicket(role: Role): boolean {
  return role === "moderator" || role === "admin";
}
