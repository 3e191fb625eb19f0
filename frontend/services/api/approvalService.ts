import { api } from "./axiosClient";
import { toApproval, toPage } from "./mappers";
import type { Approval } from "@/types/ticket";

export async function listApprovals(): Promise<Approval[]> {
  const { data } = await api.get("/approvals");
  return toPage(data, toApproval).items;
}

/** `version` is the ticket's (required): a stale one gets 409 version_conflict, like every other ticket write. */
export async function decideApproval(id: string, decision: "approve" | "reject", version: number, reason?: string): Promise<Approval> {
  const body: { version: number; reason?: string } = { version };
  if (reason) body.reason = reason;
  const { data } = await api.post(`/approvals/${id}/${decision}`, body);
  return toApproval((data ?? {}) as Record<string, unknown>);
}
