"use client";
import { useEffect, useRef, useState } from "react";
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { Card, CardContent } from "@/components/ui/card";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Textarea } from "@/components/ui/textarea";
import { Select } from "@/components/ui/select";
import { Field } from "@/components/ui/field";
import { FilePicker, useQueuedUploads } from "./Attachments";
import { InlineError } from "./States";
import { useCreateTicket, useSubmitDraft } from "@/hooks/useTickets";
import { useDepartments } from "@/hooks/useAdmin";
import { useSession } from "@/hooks/useAuth";
import { useI18n } from "@/hooks/useI18n";
import { newTicketSchema, type NewTicketValues } from "@/lib/validation";
import { CATEGORIES, DRAFT_STORAGE_KEY } from "@/lib/constants";
import { routes } from "@/config/routes";
import { PRIORITIES, type NewTicketInput } from "@/types/ticket";
import { fileRequest, forgetIntent, loadIntent, saveIntent, uploadKeyFor, type RequestIntent } from "@/lib/newRequestFlow";
import { DepartmentOptions } from "@/components/common/SelectOptions";
import { SuggestionPanel } from "@/components/kb/SuggestionPanel";
import { localised, type Article } from "@/services/api/kbService";
import { categoryQueries } from "@/services/api/categoryService";
import { newIdempotencyKey } from "@/services/api/idempotency";
import { toApiError } from "@/lib/errors";
import { fieldErrorText, fieldErrorsOf } from "@/lib/serverText";
import type { CategoryField, RequestCategory } from "@/types/ticket";

const EMPTY: NewTicketValues = { title: "", description: "", department_id: "", category: "", priority: "medium", amount: "" };

export function categoryName(c: Pick<RequestCategory, "name_en" | "name_ur">, locale: string): string {
  return locale === "ur" && c.name_ur ? c.name_ur : c.name_en;
}

export function fieldLabel(f: Pick<CategoryField, "label_en" | "label_ur">, locale: string): string {
  return locale === "ur" && f.label_ur ? f.label_ur : f.label_en;
}

/** The values typed for the category's own fields (empty ones left out: the server says which are required). */
function valuesOf(category: RequestCategory, values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(category.fields.map((f) => [f.key, (values[f.key] ?? "").trim()]).filter(([, v]) => v));
}

export function NewRequestForm() {
  const { t, locale } = useI18n();
  const router = useRouter();
  // The article that solved the problem: the request is not filed (deflection, issue 17).
  const [solvedBy, setSolvedBy] = useState<Article | null>(null);
  const { user } = useSession();
  const departments = useDepartments();
  const create = useCreateTicket();
  const submitDraft = useSubmitDraft();
  const uploads = useQueuedUploads();
  // The one intent of filing this request, kept across the user's retries and a reload (lib/newRequestFlow.ts).
  const intent = useRef<RequestIntent | null>(null);
  const currentIntent = () => (intent.current ??= loadIntent(DRAFT_STORAGE_KEY));
  const form = useForm<NewTicketValues>({ resolver: zodResolver(newTicketSchema), defaultValues: EMPTY });
  // The request form of the chosen category (DESIGN §10): its fields are asked for and checked by the server.
  const categories = useQuery(categoryQueries.list());
  const [categoryId, setCategoryId] = useState("");
  const [formValues, setFormValues] = useState<Record<string, string>>({});
  const departmentId = form.watch("department_id");
  const offered = (categories.data ?? []).filter((c) => !departmentId || c.department_id === departmentId);
  const category = offered.find((c) => c.id === categoryId) ?? null;

  // What the user typed survives a reload or an expired session.
  useEffect(() => {
    try {
      const saved = localStorage.getItem(DRAFT_STORAGE_KEY);
      if (saved) form.reset({ ...EMPTY, ...(JSON.parse(saved) as Partial<NewTicketValues>) });
    } catch {
      /* ignore a corrupt saved draft */
    }
    const sub = form.watch((values) => localStorage.setItem(DRAFT_STORAGE_KEY, JSON.stringify(values)));
    return () => sub.unsubscribe();
  }, [form]);

  const save = (submit: boolean) =>
    form.handleSubmit(async (values) => {
      try {
        await persist(values, submit);
      } catch (error) {
        // Shown in place (InlineError, the form's fields, upload rows) and by the toast. A refused
        // creation was stored under its key: the corrected request is a new intent to create.
        const current = currentIntent();
        if (!current.ticket && toApiError(error).status === 422) {
          current.createKey = newIdempotencyKey();
          saveIntent(DRAFT_STORAGE_KEY, current);
        }
      }
    });

  const persist = async (values: NewTicketValues, submit: boolean) => {
    const current = currentIntent();
    const input: NewTicketInput = {
      title: values.title,
      description: values.description,
      priority: values.priority,
      ...(values.department_id ? { department_id: values.department_id } : {}),
      ...(values.category ? { category: values.category } : {}),
      ...(values.amount ? { amount: values.amount } : {}),
      ...(category ? { category_id: category.id, fields: valuesOf(category, formValues) } : {}),
    };
    const { ticket, filed } = await fileRequest(current, input, submit, uploads.files.some((f) => !f.done), {
      create: (body, key) => create.mutateAsync({ input: body, key }),
      uploadPending: (ticketId) => uploads.run(ticketId, (fileKey) => uploadKeyFor(current, fileKey)),
      submitDraft: (draft, key) => submitDraft.mutateAsync({ ...draft, key }),
      remember: (changed) => saveIntent(DRAFT_STORAGE_KEY, changed),
    });
    if (!filed) return;
    localStorage.removeItem(DRAFT_STORAGE_KEY);
    forgetIntent(DRAFT_STORAGE_KEY);
    intent.current = null;
    if (user) router.push(routes.requestDetail(user.role, ticket.id));
  };

  const serverErrors = create.error ? fieldErrorsOf(toApiError(create.error).fieldErrors) : [];
  const serverError = (field: string, label?: string) => {
    const found = serverErrors.find((e) => e.field === field);
    return found ? fieldErrorText(locale, found, label ? { label } : {}) : undefined;
  };


  const title = form.watch("title");
  const description = form.watch("description");
  const solved = (article: Article) => {
    localStorage.removeItem(DRAFT_STORAGE_KEY);
    forgetIntent(DRAFT_STORAGE_KEY);
    intent.current = null;
    form.reset(EMPTY);
    setSolvedBy(article);
  };

  if (solvedBy) {
    return (
      <Card>
        <CardContent className="grid gap-3 pt-4 sm:pt-6" data-testid="kb-solved-done" role="status">
          <p className="font-medium">{t("kb.solvedThanks")}</p>
          <p className="text-sm text-muted-foreground" dir="auto">{localised(solvedBy, locale).title}</p>
          <div className="flex flex-wrap gap-2">
            <Link href={routes.kbArticle(solvedBy.id)} className="text-sm text-primary underline">
              {t("kb.openArticle")}
            </Link>
            <Button variant="outline" size="sm" onClick={() => setSolvedBy(null)} data-testid="kb-new-request-anyway">
              {t("kb.writeAnother")}
            </Button>
          </div>
        </CardContent>
      </Card>
    );
  }

  return (
    <Card>
      <CardContent className="pt-4 sm:pt-6">
        <form className="grid gap-4" onSubmit={(e) => e.preventDefault()} data-testid="new-request-form">
          <Field id="title" label={t("common.title")} error={form.formState.errors.title?.message}>
            <Input {...form.register("title")} />
          </Field>
          <div className="grid gap-4 sm:grid-cols-3">
            <Field id="department_id" label={t("common.department")}>
              <Select {...form.register("department_id")}>
                <option value="">—</option>
                <DepartmentOptions departments={departments.data} />
              </Select>
            </Field>
            <Field id="category_id" label={t("form.category")} error={serverError("category_id")}>
              <Select value={categoryId} onChange={(e) => setCategoryId(e.target.value)} data-testid="request-form-category">
                <option value="">—</option>
                {offered.map((c) => (
                  <option key={c.id} value={c.id}>
                    {categoryName(c, locale)}
                  </option>
                ))}
              </Select>
            </Field>
            <Field id="category" label={t("common.category")}>
              <Select {...form.register("category")}>
                <option value="">—</option>
                {CATEGORIES.map((c) => (
                  <option key={c} value={c}>
                    {t(`category.${c}`)}
                  </option>
                ))}
              </Select>
            </Field>
            <Field id="priority" label={t("common.priority")}>
              <Select {...form.register("priority")}>
                {PRIORITIES.map((p) => (
                  <option key={p} value={p}>
                    {t(`priority.${p}`)}
                  </option>
                ))}
              </Select>
            </Field>
          </div>
          {category && (
            <fieldset className="grid gap-4 rounded-md border p-3 sm:grid-cols-2" data-testid="request-form-fields">
              <legend className="px-1 text-sm font-medium">{categoryName(category, locale)}</legend>
              {category.fields.map((f) => (
                <Field key={f.key} id={`form-${f.key}`} label={fieldLabel(f, locale) + (f.required ? " *" : "")}
                  error={serverError(`fields.${f.key}`, fieldLabel(f, locale))}>
                  {f.type === "choice" ? (
                    <Select value={formValues[f.key] ?? ""} onChange={(e) => setFormValues({ ...formValues, [f.key]: e.target.value })}>
                      <option value="">—</option>
                      {f.choices.map((choice) => (
                        <option key={choice} value={choice}>{choice}</option>
                      ))}
                    </Select>
                  ) : (
                    <Input type={f.type === "date" ? "date" : "text"} inputMode={f.type === "text" || f.type === "date" ? undefined : "decimal"}
                      value={formValues[f.key] ?? ""} onChange={(e) => setFormValues({ ...formValues, [f.key]: e.target.value })} />
                  )}
                </Field>
              ))}
            </fieldset>
          )}
          <Field id="description" label={t("common.description")} error={form.formState.errors.description?.message}>
            <Textarea rows={6} {...form.register("description")} />
          </Field>
          <SuggestionPanel text={`${title ?? ""} ${description ?? ""}`} onSolved={solved} />
          {!category?.sets_amount && (
            // A form with its own amount field asks for it there (the server makes it the ticket's amount).
            <Field id="amount" label={t("common.amount")} error={form.formState.errors.amount?.message}>
              <Input inputMode="decimal" {...form.register("amount")} />
            </Field>
          )}
          <FilePicker files={uploads.files} onChange={uploads.setFiles} disabled={uploads.uploading} />
          <InlineError error={create.error ?? submitDraft.error} />
          <div className="flex flex-wrap justify-end gap-2">
            <Button variant="outline" disabled={form.formState.isSubmitting} onClick={() => void save(false)()} data-testid="save-draft">
              {t("ticket.saveDraft")}
            </Button>
            <Button disabled={form.formState.isSubmitting} onClick={() => void save(true)()} data-testid="submit-request">
              {t("ticket.submit")}
            </Button>
          </div>
        </form>
      </CardContent>
    </Card>
  );
}
