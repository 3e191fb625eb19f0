"use client";
import { createContext, useCallback, useContext, useMemo } from "react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { rangeFromParams, rangeToSearch, type DateRange } from "@/lib/dateRange";

/** The range the analytics on this page cover; null outside a page with a range picker (dashboards). */
export const AnalyticsRangeContext = createContext<DateRange | null>(null);

export function useRangeOfPage(): DateRange | null {
  return useContext(AnalyticsRangeContext);
}

/** The range in the URL (default: the last 30 days) and a setter that writes it back there. */
export function useAnalyticsRangeFromUrl(): { range: DateRange; setRange: (range: DateRange) => void } {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const query = params.toString();
  const range = useMemo(() => rangeFromParams(new URLSearchParams(query)), [query]);
  const setRange = useCallback(
    (next: DateRange) => router.replace(`${pathname}?${rangeToSearch(next, query)}`, { scroll: false }),
    [router, pathname, query],
  );
  return { range, setRange };
}
