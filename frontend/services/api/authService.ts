import { api } from "./axiosClient";
import { toUser } from "./mappers";
import type { LoginResult, User } from "@/types/user";

type Raw = Record<string, unknown>;

function toLoginResult(data: Raw): LoginResult {
  if (data.otp_required) return { kind: "otp", challengeId: String(data.challenge_id) };
  return {
    kind: "session",
    tokens: { access: String(data.access), refresh: String(data.refresh) },
    user: toUser((data.user ?? {}) as Raw),
  };
}

export async function login(employee_code: string, password: string): Promise<LoginResult> {
  const { data } = await api.post<Raw>("/auth/login", { employee_code, password });
  return toLoginResult(data);
}

export async function verifyOtp(challenge_id: string, code: string): Promise<LoginResult> {
  const { data } = await api.post<Raw>("/auth/otp/verify", { challenge_id, code });
  return toLoginResult(data);
}

export async function logout(refresh: string | null): Promise<void> {
  if (!refresh) return;
  await api.post("/auth/logout", { refresh }).catch(() => undefined);
}

export async function fetchMe(): Promise<User> {
  const { data } = await api.get<Raw>("/auth/me");
  return toUser(data);
}

/** PATCH auth/me: the language the desk speaks to this person in (the web app and their emails). */
export async function saveMyLanguage(language: "en" | "ur"): Promise<User> {
  const { data } = await api.patch<Raw>("/auth/me", { language });
  return toUser(data);
}

/** POST auth/password/forgot: 202 whatever the code (an emailed 6-digit code if it exists). */
export async function forgotPassword(employee_code: string): Promise<void> {
  await api.post("/auth/password/forgot", { employee_code });
}

/** POST auth/password/reset: every session of the account is signed out. */
export async function resetPassword(employee_code: string, code: string, new_password: string): Promise<void> {
  await api.post("/auth/password/reset", { employee_code, code, new_password });
}

/** POST auth/password/change: the other sessions are signed out. */
export async function changePassword(current_password: string, new_password: string): Promise<void> {
  await api.post("/auth/password/change", { current_password, new_password });
}

export interface AccountSession {
  id: string;
  created_at: string;
  last_used_at: string;
  user_agent: string;
  ip: string;
  current: boolean;
}

/** GET auth/sessions: one per signed-in device (refresh family). */
export async function listSessions(): Promise<AccountSession[]> {
  const { data } = await api.get<Raw[]>("/auth/sessions");
  return data.map((s) => ({
    id: String(s.id), created_at: String(s.created_at), last_used_at: String(s.last_used_at),
    user_agent: String(s.user_agent ?? ""), ip: String(s.ip ?? ""), current: s.current === true,
  }));
}

export async function revokeSession(id: string): Promise<void> {
  await api.delete(`/auth/sessions/${id}`);
}

export async function revokeOtherSessions(): Promise<void> {
  await api.post("/auth/sessions/revoke-others", {});
}

export async function otpEnable(): Promise<void> {
  await api.post("/auth/otp/enable", {});
}

export async function otpConfirm(code: string): Promise<void> {
  await api.post("/auth/otp/confirm", { code });
}

export async function otpDisable(password: string): Promise<void> {
  await api.post("/auth/otp/disable", { password });
}
