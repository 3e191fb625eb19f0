"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import * as aiService from "@/services/api/aiService";
import { queryKeys } from "@/services/api/queryKeys";
import { errorMessage } from "@/lib/serverText";
import type { Triage } from "@/types/ai";
import type { Ticket } from "@/types/ticket";

/** The suggestion for a ticket under review: the latest one given, else asked for now. */
export function useTicketTriage(ticket: Pick<Ticket, "id" | "title" | "description"> | undefined, enabled: boolean) {
  return useQuery({
    queryKey: queryKeys.ai.ticketTriage(ticket?.id ?? ""),
    queryFn: async (): Promise<Triage> => {
      const latest = await aiService.ticketTriage(ticket!.id);
      if (latest) return latest;
      const asked = await aiService.triage({ title: ticket!.title, description: ticket!.description, ticket_id: ticket!.id });
      return asked;
    },
    enabled: enabled && !!ticket,
    staleTime: 60_000,
  });
}

/** What routing to `departmentIds` says about a suggestion: accepted when a suggested department was
 *  chosen (for a split, the first suggested one among the sub-tickets'), else an override naming the
 *  first department chosen; null when there is nothing (new) to say. */
export function routingFeedback(
  triage: Pick<Triage, "departments" | "accepted" | "chosen_department_id">,
  departmentIds: string[],
): { accepted: boolean; chosen_department_id: string } | null {
  if (!departmentIds.length) return null;
  const suggested = triage.departments.map((d) => d.department_id);
  const chosen = departmentIds.find((id) => suggested.includes(id)) ?? departmentIds[0];
  const accepted = suggested.includes(chosen);
  if (triage.accepted === accepted && triage.chosen_department_id === chosen) return null;
  return { accepted, chosen_department_id: chosen };
}

/** After a ticket was routed (assign or split) to `departmentIds`: tells the ai service whether the
 *  moderator took its suggestion or overrode it (feedback, audited with the model version). */
export function useRoutingFeedback(ticketId: string) {
  const client = useQueryClient();
  return async (departmentIds: string[]) => {
    const triage = client.getQueryData<Triage>(queryKeys.ai.ticketTriage(ticketId));
    const answer = triage ? routingFeedback(triage, departmentIds) : null;
    if (!triage || !answer) return;
    try {
      const recorded = await aiService.feedback({ suggestion_id: triage.suggestion_id, ...answer });
      client.setQueryData<Triage>(queryKeys.ai.ticketTriage(ticketId), { ...recorded, similar: triage.similar });
    } catch (error) {
      toast.error(errorMessage(error));
    }
  };
}

export function useAiModels() {
  return useQuery({ queryKey: queryKeys.ai.models, queryFn: aiService.listModels });
}

export function useTrainModel() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: aiService.trainModel,
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.ai.models }),
  });
}

export function useAiDepartments() {
  return useQuery({ queryKey: queryKeys.ai.departments, queryFn: aiService.listAiDepartments });
}

export function useSwitchAiDepartment() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, enabled }: { id: string; enabled: boolean }) => aiService.updateAiDepartment(id, { suggestions_enabled: enabled }),
    onSuccess: (rows) => client.setQueryData(queryKeys.ai.departments, rows),
  });
}
