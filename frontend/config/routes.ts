import type { Role, User } from "@/types/user";

export const routes = {
  login: "/login",
  // One link per ticket for every role (emails); the page resolves the viewer's view.
  ticket: (id: string) => `/tickets/${id}`,
  myNotifications: () => `/notifications`,
  notificationSettings: () => `/settings/notifications`,
  kb: () => `/kb`,
  kbArticle: (id: string) => `/kb/${id}`,
  kbNew: () => `/kb/new`,
  kbEdit: (id: string) => `/kb/${id}/edit`,
  dashboard: (role: Role) => `/${role}/dashboard`,
  newRequest: (role: Role) => `/${role}/new-request`,
  requests: (role: Role) => `/${role}/requests`,
  requestDetail: (role: Role, id: string) => `/${role}/request-detail/${id}`,
  notifications: (role: Role) => `/${role}/notifications`,
  profile: (role: Role) => `/${role}/profile`,
  approvals: (role: Role) => `/${role}/approvals`,
  ticketPool: () => `/moderator/ticket-pool`,
  ticketWorkspace: () => `/moderator/tickets`,
  assignedTickets: () => `/moderator/assigned-tickets`,
  review: (id: string) => `/moderator/review/${id}`,
  tasks: () => `/assignee/tasks`,
  taskDetail: (id: string) => `/assignee/task-detail/${id}`,
  assigneeReports: () => `/assignee/reports`,
  adminUsers: () => `/admin/users`,
  adminDepartments: () => `/admin/departments`,
  adminCategories: () => `/admin/categories`,
  adminSettings: () => `/admin/settings`,
  adminAnalytics: () => `/admin/analytics`,
  adminReports: () => `/admin/reports`,
  adminAudit: () => `/admin/audit`,
  adminOperations: () => `/admin/operations`,
  adminModels: () => `/admin/models`,
};

/** The page a role opens a ticket on. */
export function ticketHref(role: Role, id: string): string {
  if (role === "moderator" || role === "admin") return routes.review(id);
  if (role === "assignee") return routes.taskDetail(id);
  return routes.requestDetail(role, id);
}

/**
 * Where `/tickets/<id>` takes a viewer: the requestor's view to whoever filed the ticket (whatever
 * their role), the staff view (review, task) to everyone else the API lets see it.
 */
export function ticketViewHref(user: Pick<User, "id" | "role">, ticket: { id: string; requestor_id: string }): string {
  if (ticket.requestor_id === user.id) return routes.requestDetail(user.role, ticket.id);
  return ticketHref(user.role, ticket.id);
}

/** A `?next=` target after sign-in: a path of this app only (never another origin). */
export function safeNextPath(next: string | null | undefined): string | null {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return null;
  if (next === routes.login || next.startsWith(`${routes.login}?`)) return null;
  return next;
}
