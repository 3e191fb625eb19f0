"use client";
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { PageWrapper } from "@/components/layout/PageWrapper";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { Field } from "@/components/ui/field";
import { Card, CardContent } from "@/components/ui/card";
import { SkeletonRows } from "@/components/ui/skeleton";
import { EmptyState, ErrorState, InlineError } from "@/components/common/States";
import { DepartmentOptions } from "@/components/common/SelectOptions";
import { categoryName, fieldLabel } from "@/components/common/NewRequestForm";
import { useDepartments } from "@/hooks/useAdmin";
import { useDepartmentNames } from "@/hooks/useDepartmentNames";
import { useI18n } from "@/hooks/useI18n";
import { categoryQueries, deleteCategory, saveCategory, type CategoryInput } from "@/services/api/categoryService";
import { queryKeys } from "@/services/api/queryKeys";
import { toApiError } from "@/lib/errors";
import { errorMessage, fieldErrorText, fieldErrorsOf } from "@/lib/serverText";
import type { CategoryFieldInput, FormFieldType, RequestCategory } from "@/types/ticket";

const FIELD_TYPES: FormFieldType[] = ["text", "number", "money", "date", "choice"];
const EMPTY: CategoryInput = { department_id: "", name_en: "", name_ur: "", fields: [] };
const NEW_FIELD: CategoryFieldInput = { key: "", label_en: "", label_ur: "", type: "text", required: false, choices: [] };

/** Admins define each department's request forms (DESIGN §10); the server checks every field (422 naming it). */
export default function CategoriesPage() {
  const { t, locale } = useI18n();
  const queryClient = useQueryClient();
  const departments = useDepartments();
  const departmentName = useDepartmentNames();
  const categories = useQuery(categoryQueries.list());
  const [editing, setEditing] = useState<RequestCategory | null>(null);
  const [draft, setDraft] = useState<CategoryInput>(EMPTY);
  const [choiceText, setChoiceText] = useState<Record<number, string>>({});
  const done = () => { setEditing(null); setDraft(EMPTY); setChoiceText({}); void queryClient.invalidateQueries({ queryKey: queryKeys.categories }); };
  const save = useMutation({
    mutationFn: () => saveCategory(draft, editing ?? undefined),
    onSuccess: () => { toast.success(t("categories.saved")); done(); },
  });
  const remove = useMutation({
    mutationFn: (id: string) => deleteCategory(id),
    onSuccess: done,
    onError: (error) => toast.error(errorMessage(error)),
  });
  const errors = save.error ? fieldErrorsOf(toApiError(save.error).fieldErrors) : [];
  const errorOf = (field: string) => {
    const found = errors.find((e) => e.field === field);
    return found ? fieldErrorText(locale, found) : undefined;
  };
  const setField = (index: number, patch: Partial<CategoryFieldInput>) =>
    setDraft({ ...draft, fields: draft.fields.map((f, i) => (i === index ? { ...f, ...patch } : f)) });
  const edit = (c: RequestCategory) => {
    setEditing(c);
    setDraft({ department_id: c.department_id, name_en: c.name_en, name_ur: c.name_ur, fields: c.fields.map((f) => ({ ...f, type: f.type as FormFieldType })) });
    setChoiceText(Object.fromEntries(c.fields.map((f, i) => [i, f.choices.join(", ")])));
  };

  return (
    <PageWrapper title={t("categories.title")}>
      <Card>
        <CardContent className="pt-4 sm:pt-6">
          <form className="grid gap-3" data-testid="category-form" onSubmit={(e) => { e.preventDefault(); save.mutate(); }}>
            <div className="grid items-end gap-3 sm:grid-cols-3">
              <Field id="category-department" label={t("common.department")} error={errorOf("department_id")}>
                <Select value={draft.department_id} onChange={(e) => setDraft({ ...draft, department_id: e.target.value })}>
                  <option value="">—</option>
                  <DepartmentOptions departments={departments.data} />
                </Select>
              </Field>
              <Field id="category-name-en" label={t("categories.nameEn")} error={errorOf("name_en")}>
                <Input value={draft.name_en} onChange={(e) => setDraft({ ...draft, name_en: e.target.value })} />
              </Field>
              <Field id="category-name-ur" label={t("categories.nameUr")} error={errorOf("name_ur")}>
                <Input dir="rtl" value={draft.name_ur} onChange={(e) => setDraft({ ...draft, name_ur: e.target.value })} />
              </Field>
            </div>
            <fieldset className="grid gap-2">
              <legend className="text-sm font-medium">{t("categories.fields")}</legend>
              {draft.fields.map((f, i) => (
                <div key={i} className="grid items-end gap-2 rounded-md border p-2 sm:grid-cols-6" data-testid="category-field">
                  <Field id={`field-${i}-key`} label={t("categories.key")} error={errorOf(`fields.${i}.key`)}>
                    <Input dir="ltr" value={f.key} onChange={(e) => setField(i, { key: e.target.value })} />
                  </Field>
                  <Field id={`field-${i}-label-en`} label={t("categories.labelEn")} error={errorOf(`fields.${i}.label_en`)}>
                    <Input value={f.label_en} onChange={(e) => setField(i, { label_en: e.target.value })} />
                  </Field>
                  <Field id={`field-${i}-label-ur`} label={t("categories.labelUr")}>
                    <Input dir="rtl" value={f.label_ur ?? ""} onChange={(e) => setField(i, { label_ur: e.target.value })} />
                  </Field>
                  <Field id={`field-${i}-type`} label={t("categories.type")}>
                    <Select value={f.type} onChange={(e) => setField(i, { type: e.target.value as FormFieldType })}>
                      {FIELD_TYPES.map((type) => <option key={type} value={type}>{t(`fieldType.${type}`)}</option>)}
                    </Select>
                  </Field>
                  {f.type === "choice" ? (
                    <Field id={`field-${i}-choices`} label={t("categories.choices")} error={errorOf(`fields.${i}.choices`)}>
                      <Input value={choiceText[i] ?? ""} onChange={(e) => {
                        setChoiceText({ ...choiceText, [i]: e.target.value });
                        setField(i, { choices: e.target.value.split(",").map((c) => c.trim()).filter(Boolean) });
                      }} />
                    </Field>
                  ) : <span />}
                  <div className="flex items-center gap-2">
                    <label className="flex items-center gap-1 text-sm">
                      <input type="checkbox" checked={f.required ?? false} onChange={(e) => setField(i, { required: e.target.checked })} />
                      {t("categories.required")}
                    </label>
                    <Button type="button" size="sm" variant="ghost" aria-label={t("categories.removeField")}
                      onClick={() => setDraft({ ...draft, fields: draft.fields.filter((_, j) => j !== i) })}>×</Button>
                  </div>
                </div>
              ))}
              <div>
                <Button type="button" size="sm" variant="outline" onClick={() => setDraft({ ...draft, fields: [...draft.fields, { ...NEW_FIELD }] })}>
                  {t("categories.addField")}
                </Button>
              </div>
            </fieldset>
            <div className="flex gap-2">
              <Button type="submit" disabled={save.isPending}>{editing ? t("categories.save") : t("categories.new")}</Button>
              {editing && <Button type="button" variant="ghost" onClick={done}>{t("categories.cancel")}</Button>}
            </div>
            <InlineError error={save.error} />
          </form>
        </CardContent>
      </Card>
      {categories.isLoading ? (
        <SkeletonRows />
      ) : categories.error ? (
        <ErrorState error={categories.error} onRetry={() => categories.refetch()} />
      ) : !categories.data?.length ? (
        <EmptyState message={t("categories.empty")} />
      ) : (
        <ul className="grid gap-2" data-testid="category-list">
          {categories.data.map((c) => (
            <li key={c.id} className="flex flex-wrap items-center justify-between gap-2 rounded-md border p-3 text-sm">
              <div>
                <p className="font-medium">{categoryName(c, locale)} <span className="text-muted-foreground">· {departmentName(c.department_id)}</span></p>
                <p className="text-muted-foreground">{c.fields.map((f) => fieldLabel(f, locale) + (f.required ? " *" : "")).join(", ") || "—"}</p>
              </div>
              <div className="flex gap-2">
                <Button size="sm" variant="outline" onClick={() => edit(c)}>{t("categories.edit")}</Button>
                <Button size="sm" variant="destructive" disabled={remove.isPending} onClick={() => remove.mutate(c.id)}>{t("categories.delete")}</Button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </PageWrapper>
  );
}
