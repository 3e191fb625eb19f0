"use client";
import { useEffect, useRef } from "react";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { Dialog, DialogContent, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Textarea } from "@/components/ui/textarea";
import { Select } from "@/components/ui/select";
import { Field } from "@/components/ui/field";
import { useUpdateTicket } from "@/hooks/useTicketActions";
import { useI18n } from "@/hooks/useI18n";
import { editTicketSchema, type EditTicketValues } from "@/lib/validation";
import { PRIORITIES, type Ticket } from "@/types/ticket";

/** The version is captured when editing starts: a change made by someone else meanwhile is a 409. */
export function EditTicketModal({ ticket, open, onOpenChange }: { ticket: Ticket; open: boolean; onOpenChange: (open: boolean) => void }) {
  const { t } = useI18n();
  const update = useUpdateTicket(ticket.id);
  const baseVersion = useRef(ticket.version);
  const form = useForm<EditTicketValues>({ resolver: zodResolver(editTicketSchema) });
  useEffect(() => {
    if (open) {
      baseVersion.current = ticket.version;
      form.reset({ title: ticket.title, description: ticket.description, priority: ticket.priority });
    }
    // Only when the dialog opens: later live updates must not overwrite what the user types.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open]);
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent closeLabel={t("common.close")} data-testid="edit-ticket-modal">
        <DialogHeader>
          <DialogTitle>
            {t("common.edit")} {ticket.number}
          </DialogTitle>
        </DialogHeader>
        <form
          className="grid gap-4"
          onSubmit={form.handleSubmit((values) =>
            update.mutate({ ...values, version: baseVersion.current }, { onSettled: () => onOpenChange(false) }),
          )}
        >
          <Field id="edit-title" label={t("common.title")} error={form.formState.errors.title?.message}>
            <Input {...form.register("title")} />
          </Field>
          <Field id="edit-description" label={t("common.description")} error={form.formState.errors.description?.message}>
            <Textarea rows={4} {...form.register("description")} />
          </Field>
          <Field id="edit-priority" label={t("common.priority")}>
            <Select {...form.register("priority")}>
              {PRIORITIES.map((p) => (
                <option key={p} value={p}>
                  {t(`priority.${p}`)}
                </option>
              ))}
            </Select>
          </Field>
          <DialogFooter>
            <Button variant="outline" onClick={() => onOpenChange(false)}>
              {t("common.cancel")}
            </Button>
            <Button type="submit" disabled={update.isPending}>
              {t("common.save")}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
