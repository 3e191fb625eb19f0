import type { TicketFilters } from "@/types/ticket";
import type { AuditFilters } from "@/types/analytics";

export const queryKeys = {
  me: ["me"] as const,
  tickets: {
    all: ["tickets"] as const,
    list: (filters: TicketFilters) => ["tickets", "list", filters] as const,
    detail: (id: string) => ["tickets", "detail", id] as const,
    history: (id: string) => ["tickets", "history", id] as const,
    subtickets: (id: string) => ["tickets", "subtickets", id] as const,
    attachments: (id: string) => ["tickets", "attachments", id] as const,
    messages: (id: string) => ["tickets", "messages", id] as const,
    chatInfo: (roomId: string) => ["tickets", "chat-info", roomId] as const,
    mentionable: (id: string, q: string, internal: boolean) => ["tickets", "mentionable", id, q, internal] as const,
    links: (id: string, version?: number) => ["tickets", "links", id, version ?? 0] as const,
  },
  categories: ["categories"] as const,
  views: ["views"] as const,
  canned: (q: string) => ["canned-responses", q] as const,
  kb: {
    all: ["kb"] as const,
    list: (q: string, page: number) => ["kb", "list", q, page] as const,
    detail: (id: string) => ["kb", "detail", id] as const,
    revisions: (id: string) => ["kb", "revisions", id] as const,
    suggest: (text: string) => ["kb", "suggest", text] as const,
  },
  approvals: ["approvals"] as const,
  users: (params: Record<string, string | undefined>) => ["users", params] as const,
  usersAll: ["users"] as const,
  departments: ["departments"] as const,
  notifications: ["notifications"] as const,
  notificationPreferences: ["notification-preferences"] as const,
  analytics: (scope: string) => ["analytics", scope] as const,
  audit: (filters: AuditFilters) => ["audit", filters] as const,
  deadLetters: {
    all: ["dead-letters"] as const,
    list: (view: string, cursor?: string) => ["dead-letters", "list", view, cursor ?? ""] as const,
    detail: (id: string) => ["dead-letters", "detail", id] as const,
  },
  sla: ["sla"] as const,
  settings: ["settings"] as const,
  ai: {
    all: ["ai"] as const,
    ticketTriage: (ticketId: string) => ["ai", "ticket-triage", ticketId] as const,
    models: ["ai", "models"] as const,
    departments: ["ai", "departments"] as const,
  },
};
