"use client";
import { useState } from "react";
import { Dialog, DialogContent, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Field } from "@/components/ui/field";
import { useI18n } from "@/hooks/useI18n";
import { findTicketByNumber } from "@/services/api/ticketService";

/** Merge this duplicate into another ticket, named by its number (POST tickets/{id}/actions/merge). */
export function MergeModal({ open, onOpenChange, onConfirm, pending }: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onConfirm: (intoId: string) => void;
  pending?: boolean;
}) {
  const { t } = useI18n();
  const [number, setNumber] = useState("");
  const [notFound, setNotFound] = useState(false);
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent closeLabel={t("common.close")}>
        <DialogHeader>
          <DialogTitle>{t("merge.title")}</DialogTitle>
        </DialogHeader>
        <form className="grid gap-4" data-testid="merge-form" onSubmit={async (e) => {
          e.preventDefault();
          const target = await findTicketByNumber(number);
          setNotFound(!target);
          if (target) onConfirm(target.id);
        }}>
          <p className="text-sm text-muted-foreground">{t("merge.hint")}</p>
          <Field id="merge-into" label={t("merge.into")} error={notFound ? t("links.notFound") : undefined}>
            <Input value={number} dir="ltr" placeholder="HD-000123" onChange={(e) => setNumber(e.target.value)} data-testid="merge-into" />
          </Field>
          <DialogFooter>
            <Button variant="outline" onClick={() => onOpenChange(false)}>
              {t("common.cancel")}
            </Button>
            <Button type="submit" variant="destructive" disabled={pending || !number.trim()} data-testid="merge-confirm">
              {t("merge.confirm")}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
