export const ROLES = ["requestor", "moderator", "assignee", "admin"] as const;
export type Role = (typeof ROLES)[number];
export type ApproverKind = "finance" | "ceo" | null;

export interface User {
  id: string;
  employee_code: string;
  full_name: string;
  email: string;
  role: Role;
  department_id: string | null;
  is_approver: boolean;
  approver_kind: ApproverKind;
  is_active?: boolean;
  /** The person's language (PATCH auth/me): the web app's and their emails'. */
  language?: "en" | "ur";
  /** Two-factor by email: switched on by the person; required for their role (DESIGN §8). */
  otp_enabled?: boolean;
  otp_required?: boolean;
  /** Signs in with the School Management System password (no password change here). */
  sms_linked?: boolean;
  locked_until?: string | null;
  /** Locked by repeated failed sign-ins now (the server's word, DESIGN §8). */
  locked?: boolean;
  /** What the signed-in person may do to this account now (DESIGN §9). */
  allowed_actions?: UserAction[];
}

export const USER_ACTIONS = ["unlock"] as const;
export type UserAction = (typeof USER_ACTIONS)[number];

export interface Department {
  id: string;
  code: string;
  name: string;
}

export interface TokenPair {
  access: string;
  refresh: string;
}

export type LoginResult =
  | { kind: "session"; tokens: TokenPair; user: User }
  | { kind: "otp"; challengeId: string };

export interface ImportRowReport {
  row: number;
  status: string;
  employee_code?: string;
  detail?: string;
}

export interface ImportReport {
  created: number;
  updated: number;
  unchanged?: number;
  failed: number;
  rows: ImportRowReport[];
}
