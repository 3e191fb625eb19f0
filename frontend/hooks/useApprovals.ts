"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import * as approvalService from "@/services/api/approvalService";
import { queryKeys } from "@/services/api/queryKeys";
import { translate } from "@/lib/i18n";
import { useUiStore } from "@/store/uiStore";

export function useApprovals(enabled = true) {
  return useQuery({ queryKey: queryKeys.approvals, queryFn: approvalService.listApprovals, enabled });
}

export function useDecideApproval() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: { id: string; decision: "approve" | "reject"; version: number; reason?: string }) =>
      approvalService.decideApproval(args.id, args.decision, args.version, args.reason),
    onSuccess: (_data, args) => {
      toast.success(translate(useUiStore.getState().locale, args.decision === "approve" ? "history.approve" : "history.reject"));
      void queryClient.invalidateQueries({ queryKey: queryKeys.approvals });
      void queryClient.invalidateQueries({ queryKey: queryKeys.tickets.all });
    },
  });
}
