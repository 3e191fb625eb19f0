"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import * as userService from "@/services/api/userService";
import * as slaService from "@/services/api/slaService";
import * as analyticsService from "@/services/api/analyticsService";
import { queryKeys } from "@/services/api/queryKeys";
import type { User } from "@/types/user";
import { translate } from "@/lib/i18n";
import { savedText } from "@/lib/serverText";
import { useUiStore } from "@/store/uiStore";
import type { AnalyticsRange, AuditFilters } from "@/types/analytics";
import { useRangeOfPage } from "@/hooks/useAnalyticsRange";
import { intervalFor, rangeParams } from "@/lib/dateRange";

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
      toast.success(savedText(user.full_name));
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

export function useUnlockUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => userService.unlockUser(id),
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
    // The policy row says its errors in place, in hours (the API counts minutes).
    meta: { silent: true },
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

/** Each analytics endpoint is its own query, so one slow or failing chart does not hold the others.
 * On a page with a range picker they cover its range (useRangeOfPage), elsewhere the server's default. */
function useRangeParams(): { key: string; range: AnalyticsRange; interval: "day" | "week" } {
  const range = useRangeOfPage();
  if (!range) return { key: "all", range: {}, interval: "day" };
  return { key: `${range.from}..${range.to}`, range: rangeParams(range), interval: intervalFor(range) };
}
export function useAnalyticsSummary() {
  const { key, range } = useRangeParams();
  return useQuery({ queryKey: [...queryKeys.analytics("summary"), key], queryFn: () => analyticsService.getAnalyticsSummary(range) });
}
export function useVolume() {
  const { key, range, interval } = useRangeParams();
  return useQuery({ queryKey: [...queryKeys.analytics("volume"), key], queryFn: () => analyticsService.getVolume(range, interval) });
}
export function useDepartmentLoad(enabled = true) {
  const { key, range } = useRangeParams();
  return useQuery({ queryKey: [...queryKeys.analytics("by-department"), key], queryFn: () => analyticsService.getDepartmentLoad(range), enabled });
}
export function usePriorityTrend() {
  const { key, range, interval } = useRangeParams();
  const trendInterval = key === "all" ? "week" : interval;
  return useQuery({ queryKey: [...queryKeys.analytics("priority-trend"), key], queryFn: () => analyticsService.getPriorityTrend(range, trendInterval) });
}
export function useSlaCompliance() {
  const { key, range } = useRangeParams();
  return useQuery({ queryKey: [...queryKeys.analytics("sla-compliance"), key], queryFn: () => analyticsService.getSlaCompliance(range) });
}
export function useSatisfaction() {
  const { key, range } = useRangeParams();
  return useQuery({ queryKey: [...queryKeys.analytics("satisfaction"), key], queryFn: () => analyticsService.getSatisfaction(range) });
}
export function useResolutionTime() {
  const { key, range } = useRangeParams();
  return useQuery({ queryKey: [...queryKeys.analytics("resolution-time"), key], queryFn: () => analyticsService.getResolutionTime(range) });
}

export function useWorkload() {
  const { key, range } = useRangeParams();
  return useQuery({ queryKey: [...queryKeys.analytics("workload"), key], queryFn: () => analyticsService.getWorkload(range) });
}
/** Open work per assignee now, beside the assignee pickers; nothing for those the server refuses. */
export function useAssigneeWorkload(enabled = true) {
  return useQuery({
    queryKey: [...queryKeys.analytics("workload"), "picker"],
    queryFn: () => analyticsService.getWorkload(),
    enabled,
    retry: false,
    staleTime: 60_000,
  });
}

export function useAudit(filters: AuditFilters) {
  return useQuery({ queryKey: queryKeys.audit(filters), queryFn: () => analyticsService.listAudit(filters), placeholderData: (p) => p });
}

export function useExportAudit() {
  return useMutation({ mutationFn: (filters: AuditFilters) => analyticsService.exportAudit(filters) });
}
