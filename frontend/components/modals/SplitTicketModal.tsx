"use client";
import { formMessage } from "@/lib/serverText";
import { useFieldArray, useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { Plus, Trash2 } from "lucide-react";
import { Dialog, DialogContent, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Button } from "@/components/ui/button";
import { Select } from "@/components/ui/select";
import { Input } from "@/components/ui/input";
import { Field } from "@/components/ui/field";
import { InlineError } from "@/components/common/States";
import { useDepartments, useUsers } from "@/hooks/useAdmin";
import { useI18n } from "@/hooks/useI18n";
import { splitSchema, type SplitValues } from "@/lib/validation";
import { DepartmentOptions, AssigneeOptions } from "@/components/common/SelectOptions";

function AssigneeSelect({ index, departmentId, register }: { index: number; departmentId: string; register: ReturnType<typeof useForm<SplitValues>>["register"] }) {
  const { t } = useI18n();
  const assignees = useUsers({ department: departmentId || undefined, role: "assignee" }, !!departmentId);
  return (
    <Field id={`split-assignee-${index}`} label={`${t("common.assignee")} ${index + 1}`}>
      <Select {...register(`items.${index}.assignee_id`)} disabled={!departmentId}>
        <option value="">—</option>
        <AssigneeOptions users={assignees.data?.items} departmentId={departmentId} />
      </Select>
    </Field>
  );
}

export function SplitTicketModal({
  open,
  onOpenChange,
  onConfirm,
  pending,
  error,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onConfirm: (values: SplitValues) => void;
  pending?: boolean;
  error?: unknown;
}) {
  const { t, locale } = useI18n();
  const departments = useDepartments();
  const form = useForm<SplitValues>({
    resolver: zodResolver(splitSchema),
    defaultValues: { items: [{ department_id: "", assignee_id: "", title: "" }, { department_id: "", assignee_id: "", title: "" }] },
  });
  const rows = useFieldArray({ control: form.control, name: "items" });
  const items = form.watch("items");
  const rootError = form.formState.errors.items?.root?.message ?? form.formState.errors.items?.message;
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent className="max-w-2xl" closeLabel={t("common.close")} data-testid="split-modal">
        <DialogHeader>
          <DialogTitle>{t("action.split")}</DialogTitle>
        </DialogHeader>
        <form className="grid gap-4" onSubmit={form.handleSubmit(onConfirm)}>
          {rows.fields.map((row, index) => (
            <fieldset key={row.id} className="grid gap-3 rounded-md border p-3 sm:grid-cols-3">
              <legend className="px-1 text-xs text-muted-foreground">
                {t("split.part").replace("{n}", String(index + 1))}
              </legend>
              <Field
                id={`split-department-${index}`}
                label={`${t("common.department")} ${index + 1}`}
                error={form.formState.errors.items?.[index]?.department_id?.message}
              >
                <Select {...form.register(`items.${index}.department_id`, { onChange: () => form.setValue(`items.${index}.assignee_id`, "") })}>
                  <option value="">—</option>
                  <DepartmentOptions departments={departments.data} />
                </Select>
              </Field>
              <AssigneeSelect index={index} departmentId={items?.[index]?.department_id ?? ""} register={form.register} />
              <div className="flex items-end gap-2">
                <Field id={`split-title-${index}`} label={`${t("common.title")} ${index + 1}`}>
                  <Input {...form.register(`items.${index}.title`)} />
                </Field>
                {rows.fields.length > 2 && (
                  <Button variant="ghost" size="icon" aria-label={`${t("split.removeRow")} ${index + 1}`} onClick={() => rows.remove(index)}>
                    <Trash2 aria-hidden />
                  </Button>
                )}
              </div>
            </fieldset>
          ))}
          {rootError && (
            <p role="alert" className="text-sm text-destructive">
              {formMessage(locale, rootError)}
            </p>
          )}
          <InlineError error={error} />
          <DialogFooter>
            <Button variant="outline" onClick={() => rows.append({ department_id: "", assignee_id: "", title: "" })}>
              <Plus aria-hidden /> {t("split.addRow")}
            </Button>
            <Button type="submit" disabled={pending}>
              {t("action.split")}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
