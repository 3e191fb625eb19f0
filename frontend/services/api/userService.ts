import { api } from "./axiosClient";
import { toDepartment, toPage, toUser } from "./mappers";
import type { Department, ImportReport, User } from "@/types/user";
import type { Paginated } from "@/types/ticket";

type Raw = Record<string, unknown>;

export async function listUsers(params: Record<string, string | undefined>): Promise<Paginated<User>> {
  const clean = Object.fromEntries(Object.entries(params).filter(([, v]) => v));
  const { data } = await api.get("/users", { params: { page_size: 100, ...clean } });
  return toPage(data, toUser);
}

export async function createUser(input: Partial<User> & { password?: string }): Promise<User> {
  const { data } = await api.post<Raw>("/users", input);
  return toUser(data);
}

/** The employee code is fixed once the user exists; the server refuses fields it does not take. */
export async function updateUser(id: string, changes: Partial<User> & { password?: string }): Promise<User> {
  const editable = Object.fromEntries(Object.entries(changes).filter(([key]) => key !== "employee_code"));
  const { data } = await api.patch<Raw>(`/users/${id}`, editable);
  return toUser(data);
}

/** An admin ends a lockout (DESIGN §8); the server audits it and answers the account. */
export async function unlockUser(id: string): Promise<User> {
  const { data } = await api.post<Raw>(`/users/${id}/unlock`);
  return toUser(data);
}

export async function deactivateUser(id: string): Promise<void> {
  await api.delete(`/users/${id}`);
}

export async function importUsers(file: File): Promise<ImportReport> {
  const form = new FormData();
  form.append("file", file);
  const { data } = await api.post<Raw>("/users/import", form, { timeout: 0 });
  const rows = (Array.isArray(data.rows) ? data.rows : Array.isArray(data.report) ? data.report : []) as Raw[];
  return {
    created: Number(data.created ?? 0),
    updated: Number(data.updated ?? 0),
    unchanged: Number(data.unchanged ?? 0),
    failed: Number(data.refused ?? data.failed ?? 0),
    rows: rows.map((r, i) => ({
      row: Number(r.row ?? r.line ?? i + 2),
      status: String(r.result ?? r.status ?? (r.error ? "refused" : "ok")),
      employee_code: r.employee_code ? String(r.employee_code) : undefined,
      detail: Array.isArray(r.errors) ? r.errors.join("; ") : r.detail ? String(r.detail) : r.error ? String(r.error) : undefined,
    })),
  };
}

export async function listDepartments(): Promise<Department[]> {
  const { data } = await api.get("/departments");
  return toPage(data, toDepartment).items;
}

export async function createDepartment(input: { code: string; name: string }): Promise<Department> {
  const { data } = await api.post<Raw>("/departments", input);
  return toDepartment(data);
}

export async function updateDepartment(id: string, input: { code?: string; name?: string }): Promise<Department> {
  const { data } = await api.patch<Raw>(`/departments/${id}`, input);
  return toDepartment(data);
}

export async function deleteDepartment(id: string): Promise<void> {
  await api.delete(`/departments/${id}`);
}
