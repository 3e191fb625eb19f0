import { api } from "./axiosClient";
import { toApproval, toPage } from "./mappers";
import type { Approval } from "@/types/ticket";

export async function listApprovals(): Promise<Approval[]> {
  const { data } = await api.get("/approvals");
  return toPage(data, toApproval).items;
}

export async function decideApproval(id: string, decision: "approve" | "reject", reason?: string): Promise<Approval> {
  const { data } = await api.post(`/approvals/${id}/${decision}`, reason ? { reason } : {});
  return toApproval((data ?? {}) as Record<string, unknown>);
}
