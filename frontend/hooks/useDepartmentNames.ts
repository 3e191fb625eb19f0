"use client";
import { useCallback } from "react";
import { useDepartments } from "./useAdmin";

export function useDepartmentNames() {
  const { data } = useDepartments();
  return useCallback(
    (id: string | null | undefined) => (id ? (data?.find((d) => d.id === id)?.name ?? "—") : "—"),
    [data],
  );
}
