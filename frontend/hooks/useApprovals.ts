"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import * as approvalService from "@/services/api/approvalService";
import { queryKeys } from "@/services/api/queryKeys";

export function useApprovals(enabled = true) {
  return useQuery({ queryKey: queryKeys.approvals, queryFn: approvalService.listApprovals, enabled });
}

export function useDecideApproval() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: { id: string; decision: "approve" | "reject"; reason?: string }) =>
      approvalService.decideApproval(args.id, args.decision, args.reason),
    onSuccess: (_data, args) => {
      toast.success(args.decision === "approve" ? "Approved" : "Rejected");
      void queryClient.invalidateQueries({ queryKey: queryKeys.approvals });
      void queryClient.invalidateQueries({ queryKey: queryKeys.tickets.all });
    },
  });
}
