"use client";
import { useEffect, useRef, useState } from "react";
import Link from "next/link";
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

const EMPTY: NewTicketValues = { title: "", description: "", department_id: "", category: "", priority: "medium", amount: "" };

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
  // Open tickets like this one, while it is written (only shown: nothing is chosen for the person).

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
      } catch {
        // Shown in place (InlineError, upload rows) and by the toast.
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
          <Field id="description" label={t("common.description")} error={form.formState.errors.description?.message}>
            <Textarea rows={6} {...form.register("description")} />
          </Field>
          <SuggestionPanel text={`${title ?? ""} ${description ?? ""}`} onSolved={solved} />
          <Field id="amount" label={t("common.amount")} error={form.formState.errors.amount?.message}>
            <Input inputMode="decimal" {...form.register("amount")} />
          </Field>
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
