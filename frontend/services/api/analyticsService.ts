import { api } from "./axiosClient";
import { nextPageUrl } from "./pagination";
import { toAnalyticsSummary, toAuditEntry, toPage } from "./mappers";
import type { AnalyticsSummary, AuditEntry, AuditFilters } from "@/types/analytics";
import type { Paginated } from "@/types/ticket";

export async function getAnalyticsSummary(params: Record<string, string> = {}): Promise<AnalyticsSummary> {
  const { data } = await api.get("/analytics/summary", { params });
  return toAnalyticsSummary(data);
}

function clean(filters: AuditFilters) {
  return Object.fromEntries(Object.entries(filters).filter(([, v]) => v));
}

export async function listAudit(filters: AuditFilters): Promise<Paginated<AuditEntry>> {
  const { cursor, ...rest } = filters;
  const { data } = cursor ? await api.get(nextPageUrl(cursor, "/audit")) : await api.get("/audit", { params: { page_size: 50, ...clean(rest) } });
  return toPage(data, toAuditEntry);
}

export async function exportAudit(filters: AuditFilters): Promise<void> {
  const { cursor: _cursor, ...rest } = filters;
  void _cursor;
  const response = await api.get<Blob>("/audit/export", { params: clean(rest), responseType: "blob", timeout: 0 });
  const url = URL.createObjectURL(response.data);
  const link = document.createElement("a");
  link.href = url;
  link.download = `audit-${new Date().toISOString().slice(0, 10)}.csv`;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
