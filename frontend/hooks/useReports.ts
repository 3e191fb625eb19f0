"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import * as reportService from "@/services/api/reportService";

const KEY = ["reports", "schedules"] as const;

export function useSchedules() {
  return useQuery({ queryKey: KEY, queryFn: reportService.listSchedules });
}

export function useCreateSchedule() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: reportService.createSchedule,
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: KEY }),
  });
}

export function useDeleteSchedule() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: reportService.deleteSchedule,
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: KEY }),
  });
}

export function useSendSchedule() {
  return useMutation({ mutationFn: reportService.sendSchedule });
}
