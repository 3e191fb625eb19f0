/** GET analytics/summary (role-scoped: `desk` for moderators/admins, `department`, `own`). */
export interface AnalyticsSummary {
  scope: string;
  total: number;
  open: number;
  breachedOpen: number;
  assignedToMeOpen: number;
  createdLast7Days: number;
  resolvedLast7Days: number;
  avgResolutionHours: number | null;
  slaCompliancePercent: number | null;
  avgRating: number | null;
  awaitingMyApproval: number;
  byStatus: Record<string, number>;
}

/** One period of GET analytics/volume; `key` is the period's date (YYYY-MM-DD). */
export interface VolumePoint {
  key: string;
  created: number;
  resolved: number;
}

/** One row of GET analytics/by-department; `departmentId` null = not yet routed to a department. */
/** GET analytics/workload: one row per assignee with tickets in the range (moderators, admins). */
export interface WorkloadRow {
  assigneeId: string;
  employeeCode: string;
  fullName: string;
  departmentId: string | null;
  open: number;
  inProgress: number;
  overdue: number;
  resolved: number;
  avgResolutionHours: number | null;
}

export interface DepartmentLoadPoint {
  departmentId: string | null;
  code: string | null;
  name: string | null;
  total: number;
  open: number;
  breached: number;
  avgResolutionHours: number | null;
  avgRating: number | null;
}

export interface PriorityTrendPoint {
  key: string;
  low: number;
  medium: number;
  high: number;
  urgent: number;
}

export interface StatusBreakdown {
  byStatus: Record<string, number>;
  byPriority: Record<string, number>;
}

export interface SlaComplianceRow {
  priority: string;
  total: number;
  breached: number;
  firstResponseBreached: number;
  resolutionBreached: number;
  percent: number | null;
}

export interface SlaCompliance {
  total: number;
  breached: number;
  percent: number | null;
  byPriority: SlaComplianceRow[];
}

export interface Satisfaction {
  count: number;
  average: number | null;
  /** Scores 1..5, each with how many ratings gave it. */
  distribution: { score: number; count: number }[];
}

export interface ResolutionTimeRow {
  priority: string;
  resolved: number;
  avgHours: number | null;
}

export interface AnalyticsRange {
  /** Calendar days (YYYY-MM-DD, both included) or ISO date-times (DESIGN §11). */
  from?: string;
  to?: string;
  created_after?: string;
  created_before?: string;
  department?: string;
}

export interface AuditEntry {
  id: string;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  /** The machine kind and its params, rendered in the reader's language (lib/serverText). */
  kind: string;
  params: Record<string, unknown>;
  entity: string;
  entity_id: string | null;
  created_at: string;
  data: Record<string, unknown> | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  reason?: string | null;
  ip?: string | null;
}

export interface AuditFilters {
  actor?: string;
  action?: string;
  entity?: string;
  created_after?: string;
  created_before?: string;
  cursor?: string;
}
