"use client";
import { useEffect, useId, useState } from "react";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Button } from "@/components/ui/button";
import { Textarea } from "@/components/ui/textarea";
import { useI18n } from "@/hooks/useI18n";

/** Asks before an action that cannot be undone; optionally takes a note (e.g. a resolution). */
export function ConfirmModal({
  open,
  onOpenChange,
  title,
  message,
  warning,
  confirmLabel,
  onConfirm,
  pending,
  destructive,
  noteLabel,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  message: string;
  warning?: string | null;
  confirmLabel: string;
  onConfirm: (note: string) => void;
  pending?: boolean;
  destructive?: boolean;
  noteLabel?: string;
}) {
  const { t } = useI18n();
  const [note, setNote] = useState("");
  const noteId = useId();
  useEffect(() => {
    if (open) setNote("");
  }, [open]);
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent closeLabel={t("common.close")} data-testid="confirm-dialog">
        <DialogHeader>
          <DialogTitle>{title}</DialogTitle>
          <DialogDescription>{message}</DialogDescription>
        </DialogHeader>
        {warning && (
          <p role="alert" className="rounded-md border border-amber-600 bg-amber-50 p-2 text-sm text-amber-900" data-testid="confirm-warning">
            {warning}
          </p>
        )}
        <form
          className="grid gap-4"
          onSubmit={(e) => {
            e.preventDefault();
            onConfirm(note.trim());
          }}
        >
          {noteLabel && (
            <div className="grid gap-1">
              <label htmlFor={noteId} className="text-sm font-medium">
                {noteLabel}
              </label>
              <Textarea id={noteId} rows={3} dir="auto" maxLength={5000} value={note} onChange={(e) => setNote(e.target.value)} />
            </div>
          )}
          <DialogFooter>
            <Button type="button" variant="outline" onClick={() => onOpenChange(false)}>
              {t("common.cancel")}
            </Button>
            <Button type="submit" variant={destructive ? "destructive" : "default"} disabled={pending} data-testid="confirm-action">
              {confirmLabel}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
