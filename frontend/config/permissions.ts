import type { Role } from "@/types/user";

/** Which role-specific sections each role's sidebar lists. */
export const ROLE_SECTIONS: Record<Role, string[]> = {
  requestor: ["dashboard", "new-request", "requests", "kb", "notifications"],
  moderator: ["dashboard", "tickets", "ticket-pool", "assigned-tickets", "requests", "kb", "notifications"],
  assignee: ["dashboard", "tasks", "new-request", "requests", "reports", "kb", "notifications"],
  admin: ["dashboard", "tickets", "ticket-pool", "users", "departments", "categories", "settings", "analytics", "reports", "audit", "operations", "models", "kb", "notifications"],
};
