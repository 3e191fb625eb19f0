"use client";
import { useEffect } from "react";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { Dialog, DialogContent, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { Field } from "@/components/ui/field";
import { InlineError } from "@/components/common/States";
import { useDepartments, useSaveUser } from "@/hooks/useAdmin";
import { useI18n } from "@/hooks/useI18n";
import { userSchema, type UserValues } from "@/lib/validation";
import { ROLES, type User } from "@/types/user";
import { DepartmentOptions } from "@/components/common/SelectOptions";

export function UserFormModal({ user, open, onOpenChange }: { user: User | null; open: boolean; onOpenChange: (open: boolean) => void }) {
  const { t } = useI18n();
  const departments = useDepartments();
  const save = useSaveUser();
  const form = useForm<UserValues>({ resolver: zodResolver(userSchema) });
  useEffect(() => {
    if (!open) return;
    save.reset();
    form.reset({
      employee_code: user?.employee_code ?? "",
      full_name: user?.full_name ?? "",
      email: user?.email ?? "",
      role: user?.role ?? "requestor",
      department_id: user?.department_id ?? "",
      is_approver: user?.is_approver ?? false,
      approver_kind: user?.approver_kind ?? "",
      password: "",
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, user]);
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent closeLabel={t("common.close")}>
        <DialogHeader>
          <DialogTitle>{user ? `${t("common.edit")} ${user.full_name}` : t("admin.newUser")}</DialogTitle>
        </DialogHeader>
        <form
          className="grid gap-3"
          onSubmit={form.handleSubmit((v) =>
            save.mutate(
              {
                id: user?.id,
                employee_code: v.employee_code,
                full_name: v.full_name,
                email: v.email,
                role: v.role,
                department_id: v.department_id || null,
                is_approver: v.is_approver,
                approver_kind: v.is_approver && v.approver_kind ? v.approver_kind : null,
                ...(v.password ? { password: v.password } : {}),
              },
              { onSuccess: () => onOpenChange(false) },
            ),
          )}
        >
          <Field id="user-code" label={t("auth.employeeCode")} error={form.formState.errors.employee_code?.message}>
            <Input {...form.register("employee_code")} disabled={!!user} />
          </Field>
          <Field id="user-name" label={t("admin.fullName")} error={form.formState.errors.full_name?.message}>
            <Input {...form.register("full_name")} />
          </Field>
          <Field id="user-email" label={t("admin.email")} error={form.formState.errors.email?.message}>
            <Input type="email" {...form.register("email")} />
          </Field>
          <div className="grid gap-3 sm:grid-cols-2">
            <Field id="user-role" label={t("admin.role")}>
              <Select {...form.register("role")}>
                {ROLES.map((r) => (
                  <option key={r} value={r}>
                    {t(`role.${r}`)}
                  </option>
                ))}
              </Select>
            </Field>
            <Field id="user-department" label={t("common.department")}>
              <Select {...form.register("department_id")}>
                <option value="">—</option>
                <DepartmentOptions departments={departments.data} />
              </Select>
            </Field>
          </div>
          <div className="flex items-center gap-2">
            <input id="user-approver" type="checkbox" className="h-4 w-4" {...form.register("is_approver")} />
            <label htmlFor="user-approver" className="text-sm">
              {t("nav.approvals")}
            </label>
          </div>
          <Field id="user-approver-kind" label={t("admin.approverKind")}>
            <Select {...form.register("approver_kind")}>
              <option value="">—</option>
              <option value="finance">{t("approver.finance")}</option>
              <option value="ceo">{t("approver.ceo")}</option>
            </Select>
          </Field>
          {!user && (
            <Field id="user-password" label={t("auth.password")}>
              <Input type="password" autoComplete="new-password" {...form.register("password")} />
            </Field>
          )}
          <InlineError error={save.error} />
          <DialogFooter>
            <Button variant="outline" onClick={() => onOpenChange(false)}>
              {t("common.cancel")}
            </Button>
            <Button type="submit" disabled={save.isPending}>
              {t("common.save")}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
