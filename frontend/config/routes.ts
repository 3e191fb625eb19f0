import type { Role } from "@/types/user";

export const routes = {
  login: "/login",
  dashboard: (role: Role) => `/${role}/dashboard`,
  newRequest: (role: Role) => `/${role}/new-request`,
  requests: (role: Role) => `/${role}/requests`,
  requestDetail: (role: Role, id: string) => `/${role}/request-detail/${id}`,
  notifications: (role: Role) => `/${role}/notifications`,
  profile: (role: Role) => `/${role}/profile`,
  approvals: (role: Role) => `/${role}/approvals`,
  ticketPool: () => `/moderator/ticket-pool`,
  assignedTickets: () => `/moderator/assigned-tickets`,
  review: (id: string) => `/moderator/review/${id}`,
  tasks: () => `/assignee/tasks`,
  taskDetail: (id: string) => `/assignee/task-detail/${id}`,
  assigneeReports: () => `/assignee/reports`,
  adminUsers: () => `/admin/users`,
  adminDepartments: () => `/admin/departments`,
  adminSettings: () => `/admin/settings`,
  adminAnalytics: () => `/admin/analytics`,
  adminReports: () => `/admin/reports`,
  adminAudit: () => `/admin/audit`,
};

/** The page a role opens a ticket on. */
export function ticketHref(role: Role, id: string): string {
  if (role === "moderator" || role === "admin") return routes.review(id);
  if (role === "assignee") return routes.taskDetail(id);
  return routes.requestDetail(role, id);
}
