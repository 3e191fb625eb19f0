"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import * as opsService from "@/services/api/opsService";
import { queryKeys } from "@/services/api/queryKeys";
import type { DeadLetterView } from "@/types/ops";

export function useDeadLetters(view: DeadLetterView, cursor?: string) {
  return useQuery({
    queryKey: queryKeys.deadLetters.list(view, cursor),
    queryFn: () => opsService.listDeadLetters(view, cursor),
    placeholderData: (previous) => previous,
  });
}

export function useDeadLetter(id: string | null) {
  return useQuery({
    queryKey: queryKeys.deadLetters.detail(id ?? ""),
    queryFn: () => opsService.getDeadLetter(id!),
    enabled: !!id,
  });
}

export function useReplayDeadLetter() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => opsService.replayDeadLetter(id),
    onSuccess: (letter) => {
      client.setQueryData(queryKeys.deadLetters.detail(letter.id), letter);
      return client.invalidateQueries({ queryKey: queryKeys.deadLetters.all });
    },
  });
}

export function useOpenFlower() {
  return useMutation({ mutationFn: () => opsService.openFlower() });
}
