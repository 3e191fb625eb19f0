"use client";
import { useAssigneeWorkload } from "@/hooks/useAdmin";
import { useI18n } from "@/hooks/useI18n";
import type { Department, User } from "@/types/user";

/** The `<option>`s of a department picker (the empty or "all" choice stays with the caller). */
export function DepartmentOptions({ departments }: { departments?: Department[] }) {
  return (
    <>
      {departments?.map((d) => (
        <option key={d.id} value={d.id}>
          {d.name}
        </option>
      ))}
    </>
  );
}

/** The `<option>`s of an assignee picker: people of the chosen department (or of none), each with
 * their open and overdue tickets where the server tells the reader (GET analytics/workload). */
export function AssigneeOptions({ users, departmentId }: { users?: User[]; departmentId?: string }) {
  const { t } = useI18n();
  const workload = useAssigneeWorkload(!!users?.length);
  const load = new Map((workload.data ?? []).map((row) => [row.assigneeId, row]));
  return (
    <>
      {users
        ?.filter((u) => u.department_id === departmentId || !u.department_id)
        .map((u) => {
          const row = load.get(u.id);
          const open = row?.open ?? 0;
          const overdue = row?.overdue ?? 0;
          return (
            <option key={u.id} value={u.id}>
              {u.full_name} ({u.employee_code})
              {workload.data ? ` · ${t("workload.picker").replace("{open}", String(open)).replace("{overdue}", String(overdue))}` : ""}
            </option>
          );
        })}
    </>
  );
}
