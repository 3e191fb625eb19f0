import { newIdempotencyKey } from "@/services/api/idempotency";
import type { NewTicketInput, Ticket } from "@/types/ticket";

/**
 * Filing a new request is one user intent, however many times the user presses Submit: its keys
 * (creation, each file, the final submit) and the ticket once created are kept, in the page and in
 * localStorage, until the request is filed. A retry after a failed upload therefore creates no
 * second ticket and leaves no orphan draft: it sends only the files not yet stored, each with its
 * own key (a lost answer is replayed by the server, not stored twice), then submits the draft.
 */
export interface RequestIntent {
  createKey: string;
  submitKey: string;
  uploadKeys: Record<string, string>;
  ticket: Pick<Ticket, "id" | "version" | "status"> | null;
}

export function newRequestIntent(): RequestIntent {
  return { createKey: newIdempotencyKey(), submitKey: newIdempotencyKey(), uploadKeys: {}, ticket: null };
}

/** The key of one queued file's upload, the same on every retry of this intent. */
export function uploadKeyFor(intent: RequestIntent, fileKey: string): string {
  intent.uploadKeys[fileKey] ??= newIdempotencyKey();
  return intent.uploadKeys[fileKey];
}

export interface FileRequestSteps {
  create: (input: NewTicketInput, key: string) => Promise<Ticket>;
  /** Uploads the files not yet stored; false when one of them failed. */
  uploadPending: (ticketId: string) => Promise<boolean>;
  submitDraft: (ticket: { id: string; version: number }, key: string) => Promise<Ticket>;
  /** The intent changed (the ticket was created): keep it where a reload finds it. */
  remember: (intent: RequestIntent) => void;
}

/** One press of Save or Submit. ``filed`` is false when an upload failed (the user may retry). */
export async function fileRequest(intent: RequestIntent, input: NewTicketInput, submit: boolean, hasFiles: boolean,
  steps: FileRequestSteps): Promise<{ ticket: Pick<Ticket, "id" | "version" | "status">; filed: boolean }> {
  let ticket = intent.ticket;
  if (!ticket) {
    const created = await steps.create({ ...input, submit: submit && !hasFiles }, intent.createKey);
    ticket = { id: created.id, version: created.version, status: created.status };
    intent.ticket = ticket;
    steps.remember(intent);
  }
  if (!(await steps.uploadPending(ticket.id))) return { ticket, filed: false };
  if (submit && ticket.status === "draft") {
    const submitted = await steps.submitDraft(ticket, intent.submitKey);
    ticket = { id: submitted.id, version: submitted.version, status: submitted.status };
    intent.ticket = ticket;
  }
  return { ticket, filed: true };
}

const INTENT_SUFFIX = ":intent";

export function loadIntent(storageKey: string): RequestIntent {
  try {
    const saved = localStorage.getItem(storageKey + INTENT_SUFFIX);
    if (saved) {
      const parsed = JSON.parse(saved) as Partial<RequestIntent>;
      if (typeof parsed.createKey === "string" && typeof parsed.submitKey === "string") {
        return { createKey: parsed.createKey, submitKey: parsed.submitKey, uploadKeys: parsed.uploadKeys ?? {},
          ticket: parsed.ticket ?? null };
      }
    }
  } catch {
    /* a corrupt saved intent: start a new one */
  }
  return newRequestIntent();
}

export function saveIntent(storageKey: string, intent: RequestIntent): void {
  localStorage.setItem(storageKey + INTENT_SUFFIX, JSON.stringify(intent));
}

export function forgetIntent(storageKey: string): void {
  localStorage.removeItem(storageKey + INTENT_SUFFIX);
}
