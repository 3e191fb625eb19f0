"use client";
import { errorMessage, savedText, ticketSavedText } from "@/lib/serverText";
import { translate } from "@/lib/i18n";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import * as ticketService from "@/services/api/ticketService";
import { queryKeys } from "@/services/api/queryKeys";
import { isVersionConflict, toApiError } from "@/lib/errors";
import { useUiStore } from "@/store/uiStore";
import type { ActionPayload, SubticketItem, Ticket, TicketAction } from "@/types/ticket";

/** On 409 version_conflict: read the ticket as it is now and open the conflict dialog. */
function useConflictHandler() {
  const showConflict = useUiStore((s) => s.showConflict);
  return async (error: unknown, ticketId: string, mine: Record<string, string | number | null> | null = null) => {
    if (!isVersionConflict(error)) return false;
    try {
      const latest = await ticketService.getTicket(ticketId);
      showConflict({ latest, message: errorMessage(error), mine });
    } catch {
      showConflict({ latest: null, message: errorMessage(error), mine });
    }
    return true;
  };
}

function useTicketSaved() {
  const queryClient = useQueryClient();
  return (ticket: Ticket) => {
    queryClient.setQueryData(queryKeys.tickets.detail(ticket.id), ticket);
    void queryClient.invalidateQueries({ queryKey: queryKeys.tickets.history(ticket.id) });
    void queryClient.invalidateQueries({ queryKey: ["tickets", "list"] });
    void queryClient.invalidateQueries({ queryKey: queryKeys.approvals });
    if (ticket.parent_id) {
      void queryClient.invalidateQueries({ queryKey: queryKeys.tickets.subtickets(ticket.parent_id) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.tickets.detail(ticket.parent_id) });
    }
  };
}

export function useTicketAction(ticket: Ticket | undefined) {
  const onConflict = useConflictHandler();
  const saved = useTicketSaved();
  return useMutation({
    mutationFn: ({ action, payload }: { action: TicketAction; payload?: ActionPayload }) => {
      if (!ticket) throw new Error("Ticket not loaded");
      return ticketService.runTicketAction(ticket.id, action, ticket.version, payload);
    },
    onSuccess: (updated, { action }) => {
      saved(updated);
      toast.success(action === "rate" ? translate(useUiStore.getState().locale, "toast.rated") : ticketSavedText(updated));
    },
    onError: async (error) => {
      if (ticket && (await onConflict(error, ticket.id))) return;
      toast.error(errorMessage(error));
    },
    meta: { silent: true },
  });
}

/** Edits carry the version the user started editing from, so a change made meanwhile is a conflict. */
export function useUpdateTicket(ticketId: string) {
  const onConflict = useConflictHandler();
  const saved = useTicketSaved();
  return useMutation({
    mutationFn: (changes: Partial<Pick<Ticket, "title" | "description" | "priority">> & { version: number }) =>
      ticketService.updateTicket(ticketId, changes),
    onSuccess: (updated) => {
      saved(updated);
      toast.success(savedText(updated.number));
    },
    onError: async (error, { version: _version, ...mine }) => {
      if (await onConflict(error, ticketId, mine as Record<string, string | number | null>)) return;
      toast.error(errorMessage(error));
    },
    meta: { silent: true },
  });
}

export function useCreateSubtickets(ticketId: string) {
  const queryClient = useQueryClient();
  const onConflict = useConflictHandler();
  return useMutation({
    mutationFn: ({ items, version }: { items: SubticketItem[]; version: number }) =>
      ticketService.createSubtickets(ticketId, version, items),
    onError: async (error) => {
      await onConflict(error, ticketId);
    },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.tickets.subtickets(ticketId) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.tickets.detail(ticketId) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.tickets.history(ticketId) });
      void queryClient.invalidateQueries({ queryKey: ["tickets", "list"] });
    },
  });
}

/** Re-applies what the user typed to the ticket as it now is (its current version). */
export function useReapplyMine() {
  const saved = useTicketSaved();
  const clear = useUiStore((s) => s.clearConflict);
  const onConflict = useConflictHandler();
  return useMutation({
    mutationFn: ({ latest, mine }: { latest: Ticket; mine: Record<string, string | number | null> }) =>
      ticketService.updateTicket(latest.id, { ...mine, version: latest.version } as Parameters<typeof ticketService.updateTicket>[1]),
    onSuccess: (updated) => {
      saved(updated);
      clear();
      toast.success(savedText(updated.number));
    },
    onError: async (error, { latest, mine }) => {
      if (await onConflict(error, latest.id, mine)) return;
      toast.error(errorMessage(error));
    },
    meta: { silent: true },
  });
}

/** Takes the newer state from the conflict dialog into the page. */
export function useAcceptLatest() {
  const queryClient = useQueryClient();
  const clear = useUiStore((s) => s.clearConflict);
  return (latest: Ticket | null) => {
    if (latest) queryClient.setQueryData(queryKeys.tickets.detail(latest.id), latest);
    void queryClient.invalidateQueries({ queryKey: queryKeys.tickets.all });
    clear();
  };
}
