export interface SeriesPoint {
  label: string;
  value: number;
}

export interface PriorityTrendPoint {
  label: string;
  low: number;
  medium: number;
  high: number;
  urgent: number;
}

export interface AnalyticsSummary {
  totals: Record<string, number>;
  volume: SeriesPoint[];
  departmentLoad: SeriesPoint[];
  priorityTrend: PriorityTrendPoint[];
  slaCompliance: SeriesPoint[];
  satisfaction: SeriesPoint[];
  averageRating: number | null;
}

export interface AuditEntry {
  id: string;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  entity: string;
  entity_id: string | null;
  created_at: string;
  data: Record<string, unknown> | null;
}

export interface AuditFilters {
  actor?: string;
  action?: string;
  entity?: string;
  created_after?: string;
  created_before?: string;
  cursor?: string;
}
