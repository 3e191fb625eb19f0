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

/** The `<option>`s of an assignee picker: people of the chosen department (or of none). */
export function AssigneeOptions({ users, departmentId }: { users?: User[]; departmentId?: string }) {
  return (
    <>
      {users
        ?.filter((u) => u.department_id === departmentId || !u.department_id)
        .map((u) => (
          <option key={u.id} value={u.id}>
            {u.full_name} ({u.employee_code})
          </option>
        ))}
    </>
  );
}
