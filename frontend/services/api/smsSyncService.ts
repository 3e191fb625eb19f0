import { api } from "./axiosClient";

export interface SyncRow {
  employee_code: string;
  sms_id: string;
  outcome: "created" | "updated" | "deactivated" | "refused";
  reason: string;
}

export interface SyncRun {
  id: string;
  started_at: string;
  finished_at: string | null;
  trigger: "manual" | "scheduled";
  dry_run: boolean;
  status: "running" | "ok" | "failed";
  /** The English detail (for the log and API clients); the page says `error_code` in words. */
  error: string;
  error_code: string;
  created: number;
  updated: number;
  deactivated: number;
  unchanged: number;
  refused: number;
  rows: SyncRow[];
}

/** POST users/sync {dry_run}: the run with its per-row report (503 when the SMS is down). */
export async function runSync(dry_run: boolean): Promise<SyncRun> {
  const { data } = await api.post<SyncRun>("/users/sync", { dry_run });
  return data;
}

/** GET users/sync/runs: the last runs, newest first. */
export async function listSyncRuns(): Promise<SyncRun[]> {
  const { data } = await api.get<SyncRun[]>("/users/sync/runs");
  return data;
}
