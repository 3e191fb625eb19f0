"use client";
import { useState } from "react";
import { useRouter } from "next/navigation";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { Textarea } from "@/components/ui/textarea";
import { InlineError } from "@/components/common/States";
import { useDepartments } from "@/hooks/useAdmin";
import { useI18n } from "@/hooks/useI18n";
import { createArticle, listArticles, updateArticle, type Article } from "@/services/api/kbService";
import { queryKeys } from "@/services/api/queryKeys";
import { routes } from "@/config/routes";

type Values = Pick<Article, "title_en" | "title_ur" | "body_en" | "body_ur" | "keywords" | "status"> & { department_id: string };

/**
 * Writes an article (admins and the department's staff; the departments offered are the ones the
 * server lists as writable). Bodies are rich text as HTML (headings, lists, links, tables); the
 * server sanitises them, and keeps every save as a revision.
 */
export function ArticleEditor({ article }: { article?: Article }) {
  const { t } = useI18n();
  const router = useRouter();
  const queryClient = useQueryClient();
  const departments = useDepartments();
  const writable = useQuery({ queryKey: queryKeys.kb.list("", 1), queryFn: () => listArticles() });
  const allowed = new Set(writable.data?.writable_department_ids ?? []);
  const [values, setValues] = useState<Values>({
    title_en: article?.title_en ?? "",
    title_ur: article?.title_ur ?? "",
    body_en: article?.body_en ?? "",
    body_ur: article?.body_ur ?? "",
    keywords: article?.keywords ?? "",
    status: article?.status ?? "draft",
    department_id: article?.department_id ?? "",
  });
  const wholeDesk = !!departments.data && allowed.size === departments.data.length;
  // Staff write for their own department only: it is the one choice, chosen for them.
  const departmentId = values.department_id || (wholeDesk ? "" : [...allowed][0] ?? "");
  const set = (name: keyof Values) => (e: { target: { value: string } }) => setValues((v) => ({ ...v, [name]: e.target.value }));
  const save = useMutation({
    mutationFn: () => {
      const body = { ...values, department_id: departmentId || null };
      return article ? updateArticle(article.id, { ...body, version: article.version }) : createArticle(body);
    },
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.kb.all });
      router.push(routes.kbArticle(saved.id));
    },
  });

  return (
    <Card>
      <CardContent className="pt-4">
        <form
          className="grid gap-4"
          data-testid="kb-editor"
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate();
          }}
        >
          <div className="grid gap-4 sm:grid-cols-2">
            <Field id="kb-title-en" label={t("kb.titleEn")}>
              <Input value={values.title_en} onChange={set("title_en")} required />
            </Field>
            <Field id="kb-title-ur" label={t("kb.titleUr")}>
              <Input value={values.title_ur} onChange={set("title_ur")} dir="rtl" />
            </Field>
          </div>
          <Field id="kb-body-en" label={t("kb.bodyEn")} hint={t("kb.bodyHint")}>
            <Textarea rows={8} value={values.body_en} onChange={set("body_en")} className="font-mono text-sm" required />
          </Field>
          <Field id="kb-body-ur" label={t("kb.bodyUr")}>
            <Textarea rows={8} value={values.body_ur} onChange={set("body_ur")} dir="rtl" className="font-mono text-sm" />
          </Field>
          <Field id="kb-keywords" label={t("kb.keywords")} hint={t("kb.keywordsHint")}>
            <Input value={values.keywords} onChange={set("keywords")} />
          </Field>
          <div className="grid gap-4 sm:grid-cols-2">
            <Field id="kb-department" label={t("common.department")}>
              <Select value={departmentId} onChange={set("department_id")}>
                {wholeDesk && <option value="">{t("kb.wholeDesk")}</option>}
                {(departments.data ?? []).filter((d) => allowed.has(d.id)).map((d) => (
                  <option key={d.id} value={d.id}>{d.name}</option>
                ))}
              </Select>
            </Field>
            <Field id="kb-status" label={t("kb.statusLabel")}>
              <Select value={values.status} onChange={set("status")}>
                <option value="draft">{t("kb.status.draft")}</option>
                <option value="published">{t("kb.status.published")}</option>
              </Select>
            </Field>
          </div>
          <InlineError error={save.error} />
          <div className="flex justify-end">
            <Button type="submit" disabled={save.isPending} data-testid="kb-save">{t("kb.save")}</Button>
          </div>
        </form>
      </CardContent>
    </Card>
  );
}
