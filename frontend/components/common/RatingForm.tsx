"use client";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { Star } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Textarea } from "@/components/ui/textarea";
import { Field } from "@/components/ui/field";
import { useTicketAction } from "@/hooks/useTicketActions";
import { useI18n } from "@/hooks/useI18n";
import { ratingSchema, type RatingValues } from "@/lib/validation";
import { cn } from "@/lib/utils";
import { formMessage } from "@/lib/serverText";
import type { Ticket } from "@/types/ticket";

export function RatingForm({ ticket }: { ticket: Ticket }) {
  const { t, locale } = useI18n();
  const action = useTicketAction(ticket);
  const form = useForm<RatingValues>({ resolver: zodResolver(ratingSchema) as never, defaultValues: { score: 0, comment: "" } });
  const score = form.watch("score");
  return (
    <form
      className="grid gap-3"
      data-testid="rating-form"
      onSubmit={form.handleSubmit((v) => action.mutate({ action: "rate", payload: { score: v.score, ...(v.comment ? { comment: v.comment } : {}) } }))}
    >
      <fieldset>
        <legend className="mb-2 text-sm font-medium">{t("ticket.rateService")}</legend>
        <div className="flex gap-1" role="radiogroup" aria-label={t("ticket.score")}>
          {[1, 2, 3, 4, 5].map((n) => (
            <label key={n} className="cursor-pointer">
              <input type="radio" className="peer sr-only" value={n} {...form.register("score")} aria-label={`${n} / 5`} />
              <Star
                aria-hidden
                className={cn("h-7 w-7 rounded peer-focus-visible:ring-2 peer-focus-visible:ring-ring", Number(score) >= n ? "fill-amber-400 text-amber-500" : "text-muted-foreground")}
              />
            </label>
          ))}
        </div>
        {form.formState.errors.score && (
          <p role="alert" className="mt-1 text-xs text-destructive">
            {formMessage(locale, form.formState.errors.score.message ?? "")}
          </p>
        )}
      </fieldset>
      <Field id="rating-comment" label={t("ticket.comment")}>
        <Textarea rows={2} {...form.register("comment")} />
      </Field>
      <Button type="submit" size="sm" className="justify-self-start" disabled={action.isPending}>
        {t("action.rate")}
      </Button>
    </form>
  );
}
