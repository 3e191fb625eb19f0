"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import * as userService from "@/services/api/userService";
import * as slaService from "@/services/api/slaService";
import * as analyticsService from "@/services/api/analyticsService";
import { queryKeys } from "@/services/api/queryKeys";
import type { User } from "@/types/user";
import { translate } from "@/lib/i18n";
import { useUiStore } from "@/store/uiStore";
import type { AuditFilters } from "@/types/analytics";

export function useUsers(params: Record<string, string | undefined> = {}, enabled = true) {
  return useQuery({ queryKey: queryKeys.users(params), queryFn: () => userService.listUsers(params), enabled });
}

export function useDepartments() {
  return useQuery({ queryKey: queryKeys.departments, queryFn: userService.listDepartments, staleTime: 5 * 60_000 });
}

export function useSaveUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...values }: Partial<User> & { id?: string; password?: string }) =>
      id ? userService.updateUser(id, values) : userService.createUser(values),
    onSuccess: (user) => {
      toast.success(user.full_name);
      void queryClient.invalidateQueries({ queryKey: queryKeys.usersAll });
    },
  });
}

export function useDeactivateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => userService.deactivateUser(id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.usersAll }),
  });
}

export function useImportUsers() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (file: File) => userService.importUsers(file),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.usersAll }),
  });
}

export function useSaveDepartment() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...values }: { id?: string; code: string; name: string }) =>
      id ? userService.updateDepartment(id, values) : userService.createDepartment(values),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.departments }),
  });
}

export function useDeleteDepartment() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => userService.deleteDepartment(id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.departments }),
  });
}

export function useSlaPolicies() {
  return useQuery({ queryKey: queryKeys.sla, queryFn: slaService.listSlaPolicies, retry: false });
}

export function useSaveSlaPolicy() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: slaService.updateSlaPolicy,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.sla }),
  });
}

export function useCalendar() {
  return useQuery({ queryKey: queryKeys.settings, queryFn: slaService.getCalendar, retry: false });
}

export function useSaveCalendar() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: slaService.updateCalendar,
    onSuccess: () => {
      toast.success(translate(useUiStore.getState().locale, "common.saved"));
      void queryClient.invalidateQueries({ queryKey: queryKeys.settings });
    },
  });
}

export function useHolidayChange() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (change: { add?: { date: string; name: string }; remove?: string }) =>
      change.add ? slaService.addHoliday(change.add) : slaService.deleteHoliday(change.remove!),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.settings }),
  });
}

/** Each analytics endpoint is its own query, so one slow or failing chart does not hold the others. */
export function useAnalyticsSummary() {
  return useQuery({ queryKey: queryKeys.analytics("summary"), queryFn: analyticsService.getAnalyticsSummary });
}
export function useVolume() {
  return useQuery({ queryKey: queryKeys.analytics("volume"), queryFn: () => analyticsService.getVolume() });
}
export function useDepartmentLoad(enabled = true) {
  return useQuery({ queryKey: queryKeys.analytics("by-department"), queryFn: () => analyticsService.getDepartmentLoad(), enabled });
}
export function usePriorityTrend() {
  return useQuery({ queryKey: queryKeys.analytics("priority-trend"), queryFn: () => analyticsService.getPriorityTrend() });
}
export function useSlaCompliance() {
  return useQuery({ queryKey: queryKeys.analytics("sla-compliance"), queryFn: () => analyticsService.getSlaCompliance() });
}
export function useSatisfaction() {
  return useQuery({ queryKey: queryKeys.analytics("satisfaction"), queryFn: () => analyticsService.getSatisfaction() });
}
export function useResolutionTime() {
  return useQuery({ queryKey: queryKeys.analytics("resolution-time"), queryFn: () => analyticsService.getResolutionTime() });
}

export function useAudit(filters: AuditFilters) {
  return useQuery({ queryKey: queryKeys.audit(filters), queryFn: () => analyticsService.listAudit(filters), placeholderData: (p) => p });
}

export function useExportAudit() {
  return useMutation({ mutationFn: (filters: AuditFilters) => analyticsService.exportAudit(filters) });
}
