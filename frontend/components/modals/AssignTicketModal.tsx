"use client";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { Dialog, DialogContent, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Button } from "@/components/ui/button";
import { Select } from "@/components/ui/select";
import { Field } from "@/components/ui/field";
import { useDepartments, useUsers } from "@/hooks/useAdmin";
import { useI18n } from "@/hooks/useI18n";
import { assignSchema, type AssignValues } from "@/lib/validation";
import { DepartmentOptions, AssigneeOptions } from "@/components/common/SelectOptions";

/** Assign (department + assignee) or, with `reassign`, pick a new assignee in the same department. */
export function AssignTicketModal({
  open,
  onOpenChange,
  onConfirm,
  pending,
  reassign,
  initialDepartmentId,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onConfirm: (values: AssignValues) => void;
  pending?: boolean;
  reassign?: boolean;
  initialDepartmentId?: string | null;
}) {
  const { t } = useI18n();
  const departments = useDepartments();
  const form = useForm<AssignValues>({
    resolver: zodResolver(assignSchema),
    defaultValues: { department_id: initialDepartmentId ?? "", assignee_id: "" },
  });
  const departmentId = form.watch("department_id");
  const assignees = useUsers({ department: departmentId || undefined, role: "assignee" }, open && !!departmentId);
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent closeLabel={t("common.close")}>
        <DialogHeader>
          <DialogTitle>{reassign ? t("action.reassign") : t("action.assign")}</DialogTitle>
        </DialogHeader>
        <form className="grid gap-4" onSubmit={form.handleSubmit(onConfirm)}>
          <Field id="assign-department" label={t("common.department")} error={form.formState.errors.department_id?.message}>
            <Select {...form.register("department_id", { onChange: () => form.setValue("assignee_id", "") })}>
              <option value="">—</option>
              <DepartmentOptions departments={departments.data} />
            </Select>
          </Field>
          <Field id="assign-assignee" label={t("common.assignee")} error={form.formState.errors.assignee_id?.message}>
            <Select {...form.register("assignee_id")} disabled={!departmentId}>
              <option value="">—</option>
              <AssigneeOptions users={assignees.data?.items} departmentId={departmentId} />
            </Select>
          </Field>
          <DialogFooter>
            <Button variant="outline" onClick={() => onOpenChange(false)}>
              {t("common.cancel")}
            </Button>
            <Button type="submit" disabled={pending}>
              {reassign ? t("action.reassign") : t("action.assign")}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
