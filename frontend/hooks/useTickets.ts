"use client";
import { useEffect } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import * as ticketService from "@/services/api/ticketService";
import { countTicketChanges, ticketQueries } from "@/services/api/ticketService";
import { queryKeys } from "@/services/api/queryKeys";
import type { NewTicketInput, TicketFilters, Attachment } from "@/types/ticket";

export function useTicketList(
  filters: TicketFilters,
  options: { enabled?: boolean; refetchInterval?: number; refetchOnWindowFocus?: boolean } = {},
) {
  return useQuery({ ...ticketQueries.list(filters), ...options, placeholderData: (prev) => prev });
}

/** The "N new or changed" count of a list read at `since` (the server decides what counts). Polled
 *  every 15 s and when the tab becomes visible again; never moves the list itself. */
export function useTicketChanges(filters: TicketFilters, since: string | null) {
  const query = useQuery({
    queryKey: ["tickets", "changes", filters, since] as const,
    queryFn: () => countTicketChanges(filters, since!),
    enabled: !!since,
    refetchInterval: 15_000,
  });
  const { refetch } = query;
  useEffect(() => {
    if (!since) return;
    const onVisible = () => {
      if (document.visibilityState === "visible") void refetch();
    };
    document.addEventListener("visibilitychange", onVisible);
    return () => document.removeEventListener("visibilitychange", onVisible);
  }, [since, refetch]);
  return query;
}

export function useTicket(id: string) {
  return useQuery({ ...ticketQueries.detail(id), retry: (count, error) => count < 2 && (error as { status?: number }).status !== 404 });
}

export function useTicketHistory(id: string) {
  return useQuery(ticketQueries.history(id));
}

export function useSubtickets(id: string, enabled = true) {
  return useQuery({ ...ticketQueries.subtickets(id), enabled });
}

export function useAttachments(id: string) {
  return useQuery({
    ...ticketQueries.attachments(id),
    retry: false,
    // While a file waits for its virus scan, look again now and then (attachment.ready also refreshes it live).
    refetchInterval: (query) => (query.state.data?.some((a) => a.status === "pending" || a.status === "scanning") ? 5_000 : false),
  });
}

export function useCreateTicket() {
  const queryClient = useQueryClient();
  return useMutation({
    /** `key`: the form's creation intent, the same for the user's retries of it. */
    mutationFn: ({ input, key }: { input: NewTicketInput; key?: string }) => ticketService.createTicket(input, key),
    onSuccess: (ticket) => {
      queryClient.setQueryData(queryKeys.tickets.detail(ticket.id), ticket);
      void queryClient.invalidateQueries({ queryKey: ["tickets", "list"] });
    },
  });
}

export function useUploadAttachment() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: { ticketId: string; file: File; onProgress?: (f: number) => void; signal?: AbortSignal; key?: string }) =>
      ticketService.uploadAttachment(args.ticketId, args.file, args.onProgress, args.signal, args.key),
    onSuccess: (_attachment, args) => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.tickets.attachments(args.ticketId) });
    },
    meta: { silent: true },
  });
}

export function useDownloadAttachment() {
  return useMutation({ mutationFn: (attachment: Attachment) => ticketService.downloadAttachment(attachment) });
}

export function useExportTickets() {
  return useMutation({
    mutationFn: ({ filters, format }: { filters: TicketFilters; format: "csv" | "xlsx" }) => ticketService.exportTickets(filters, format),
  });
}

export function useSubmitDraft() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (ticket: { id: string; version: number; key?: string }) =>
      ticketService.runTicketAction(ticket.id, "submit", ticket.version, {}, ticket.key),
    onSuccess: (ticket) => {
      queryClient.setQueryData(queryKeys.tickets.detail(ticket.id), ticket);
      void queryClient.invalidateQueries({ queryKey: ["tickets", "list"] });
    },
  });
}
