"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import * as viewService from "@/services/api/viewService";
import { viewQueries } from "@/services/api/viewService";
import { queryKeys } from "@/services/api/queryKeys";
import type { BulkAction, BulkFields } from "@/types/ticket";

/** The sidebar's views; counts are refreshed now and then (and after any bulk action). */
export function useViews() {
  return useQuery({ ...viewQueries.list(), refetchInterval: 60_000 });
}

export function useSaveView() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: viewService.createView,
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.views }),
  });
}

export function useDeleteView() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: viewService.deleteView,
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.views }),
  });
}

export function useBulkAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ ids, action, fields }: { ids: string[]; action: BulkAction; fields: BulkFields }) =>
      viewService.runBulk(ids, action, fields),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: ["tickets", "list"] });
      void queryClient.invalidateQueries({ queryKey: queryKeys.views });
    },
  });
}
