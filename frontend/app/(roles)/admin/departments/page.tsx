"use client";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { PageWrapper } from "@/components/layout/PageWrapper";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Field } from "@/components/ui/field";
import { Card, CardContent } from "@/components/ui/card";
import { Table, THead, TBody, TR, TH, TD } from "@/components/ui/table";
import { SkeletonRows } from "@/components/ui/skeleton";
import { EmptyState, ErrorState, InlineError } from "@/components/common/States";
import { useDeleteDepartment, useDepartments, useSaveDepartment } from "@/hooks/useAdmin";
import { useI18n } from "@/hooks/useI18n";
import { departmentSchema, type DepartmentValues } from "@/lib/validation";

export default function DepartmentsPage() {
  const { t } = useI18n();
  const departments = useDepartments();
  const save = useSaveDepartment();
  const remove = useDeleteDepartment();
  const [editingId, setEditingId] = useState<string | null>(null);
  const form = useForm<DepartmentValues>({ resolver: zodResolver(departmentSchema), defaultValues: { code: "", name: "" } });
  return (
    <PageWrapper title={t("nav.departments")}>
      <Card>
        <CardContent className="pt-4 sm:pt-6">
          <form
            className="grid items-end gap-3 sm:grid-cols-[1fr_2fr_auto]"
            onSubmit={form.handleSubmit((v) =>
              save.mutate({ id: editingId ?? undefined, ...v }, { onSuccess: () => { form.reset({ code: "", name: "" }); setEditingId(null); } }),
            )}
          >
            <Field id="dept-code" label={t("admin.code")} error={form.formState.errors.code?.message}>
              <Input {...form.register("code")} />
            </Field>
            <Field id="dept-name" label={t("admin.name")} error={form.formState.errors.name?.message}>
              <Input {...form.register("name")} />
            </Field>
            <Button type="submit" disabled={save.isPending}>
              {editingId ? t("common.save") : t("common.create")}
            </Button>
          </form>
          <InlineError error={save.error ?? remove.error} />
        </CardContent>
      </Card>
      {departments.isLoading ? (
        <SkeletonRows />
      ) : departments.error ? (
        <ErrorState error={departments.error} onRetry={() => departments.refetch()} />
      ) : !departments.data?.length ? (
        <EmptyState />
      ) : (
        <Table>
          <THead>
            <TR>
              <TH>{t("admin.code")}</TH>
              <TH>{t("admin.name")}</TH>
              <TH>{t("common.actions")}</TH>
            </TR>
          </THead>
          <TBody>
            {departments.data.map((d) => (
              <TR key={d.id}>
                <TD className="font-mono text-xs">{d.code}</TD>
                <TD>{d.name}</TD>
                <TD className="flex gap-2">
                  <Button size="sm" variant="outline" onClick={() => { setEditingId(d.id); form.reset({ code: d.code, name: d.name }); }}>
                    {t("common.edit")}
                  </Button>
                  <Button size="sm" variant="destructive" onClick={() => remove.mutate(d.id)} disabled={remove.isPending}>
                    {t("common.delete")}
                  </Button>
                </TD>
              </TR>
            ))}
          </TBody>
        </Table>
      )}
    </PageWrapper>
  );
}
