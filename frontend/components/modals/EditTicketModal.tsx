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
import { editTicketSchemaFor, type EditTicketValues } from "@/lib/validation";
import { PRIORITIES, type Ticket } from "@/types/ticket";

/** The fields this form can show, among those the server may accept (`editable_fields`). */
export const FORM_FIELDS = ["title", "description", "priority"] as const;
type FormField = (typeof FORM_FIELDS)[number];

/** What PATCH sends: only the fields the server lets this person edit (editable_fields), and only
 *  those changed; nothing else, so a moderator's priority change is not refused for a title. */
export function editChanges(ticket: Ticket, values: Partial<EditTicketValues>): Partial<EditTicketValues> {
  const changes: Partial<Record<FormField, string>> = {};
  for (const field of FORM_FIELDS) {
    const value = values[field];
    if (ticket.editable_fields.includes(field) && value !== undefined && value !== ticket[field]) changes[field] = value;
  }
  return changes as Partial<EditTicketValues>;
}

/** The version is captured when editing starts: a change made by someone else meanwhile is a 409.
 *  Only the fields in the ticket's editable_fields are shown and sent. */
export function EditTicketModal({ ticket, open, onOpenChange }: { ticket: Ticket; open: boolean; onOpenChange: (open: boolean) => void }) {
  const { t } = useI18n();
  const update = useUpdateTicket(ticket.id);
  const baseVersion = useRef(ticket.version);
  const shown = (field: FormField) => ticket.editable_fields.includes(field);
  const form = useForm<Partial<EditTicketValues>>({ resolver: zodResolver(editTicketSchemaFor(ticket.editable_fields)) });
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
          onSubmit={form.handleSubmit((values) => {
            const changes = editChanges(ticket, values);
            if (!Object.keys(changes).length) return onOpenChange(false);
            update.mutate({ ...changes, version: baseVersion.current }, { onSettled: () => onOpenChange(false) });
          })}
        >
          {shown("title") && (
            <Field id="edit-title" label={t("common.title")} error={form.formState.errors.title?.message}>
              <Input {...form.register("title")} />
            </Field>
          )}
          {shown("description") && (
            <Field id="edit-description" label={t("common.description")} error={form.formState.errors.description?.message}>
              <Textarea rows={4} {...form.register("description")} />
            </Field>
          )}
          {shown("priority") && (
            <Field id="edit-priority" label={t("common.priority")}>
              <Select {...form.register("priority")}>
                {PRIORITIES.map((p) => (
                  <option key={p} value={p}>
                    {t(`priority.${p}`)}
                  </option>
                ))}
              </Select>
            </Field>
          )}
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
