"use client";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { Dialog, DialogContent, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Button } from "@/components/ui/button";
import { Textarea } from "@/components/ui/textarea";
import { Input } from "@/components/ui/input";
import { Field } from "@/components/ui/field";
import { useI18n } from "@/hooks/useI18n";
import { postponeSchema, type PostponeValues } from "@/lib/validation";

export function PostponeModal({
  open,
  onOpenChange,
  onConfirm,
  pending,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onConfirm: (values: { reason: string; until: string }) => void;
  pending?: boolean;
}) {
  const { t } = useI18n();
  const form = useForm<PostponeValues>({ resolver: zodResolver(postponeSchema), defaultValues: { reason: "", until: "" } });
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent closeLabel={t("common.close")}>
        <DialogHeader>
          <DialogTitle>{t("action.postpone")}</DialogTitle>
        </DialogHeader>
        <form
          className="grid gap-4"
          onSubmit={form.handleSubmit((v) => onConfirm({ reason: v.reason, until: v.until }))}
        >
          <Field id="postpone-reason" label={t("common.reason")} error={form.formState.errors.reason?.message}>
            <Textarea rows={3} {...form.register("reason")} />
          </Field>
          <Field id="postpone-until" label={t("postpone.until")} error={form.formState.errors.until?.message}>
            <Input type="date" {...form.register("until")} />
          </Field>
          <DialogFooter>
            <Button variant="outline" onClick={() => onOpenChange(false)}>
              {t("common.cancel")}
            </Button>
            <Button type="submit" disabled={pending}>
              {t("action.postpone")}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
