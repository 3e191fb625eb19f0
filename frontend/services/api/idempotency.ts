import { isAxiosError, isCancel } from "axios";
import { newClientId } from "@/lib/helpers";

/**
 * Idempotency-Key (DESIGN §9): one key per user intent (creating this ticket, sending this file,
 * taking this action), kept for every retry of that intent, so a request whose answer was lost can
 * be sent again and the server writes nothing twice (it answers the first answer instead).
 */
export const IDEMPOTENCY_HEADER = "Idempotency-Key";

export function newIdempotencyKey(): string {
  return newClientId();
}

/** No answer (network, timeout) or a part of the desk briefly down: the same request may be sent again. */
const RETRIABLE_STATUSES = new Set([502, 503, 504]);

export function isRetriable(error: unknown): boolean {
  if (isCancel(error) || !isAxiosError(error)) return false;
  if (error.code === "ERR_CANCELED") return false;
  return !error.response || RETRIABLE_STATUSES.has(error.response.status);
}

function retryAfterMs(error: unknown, fallback: number): number {
  const header = isAxiosError(error) ? error.response?.headers?.["retry-after"] : undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 10) * 1000 : fallback;
}

export interface RetryOptions {
  attempts?: number;
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Sends `send` with the intent's key; retries (same key) when the answer was lost or the desk said
 * 502/503/504, up to `attempts` times in all, waiting `Retry-After` or a growing delay between.
 */
export async function sendWithIntent<T>(key: string, send: (headers: Record<string, string>) => Promise<T>,
  { attempts = 3, baseDelayMs = 500, sleep = wait }: RetryOptions = {}): Promise<T> {
  const headers = { [IDEMPOTENCY_HEADER]: key };
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await send(headers);
    } catch (error) {
      if (attempt >= attempts || !isRetriable(error)) throw error;
      await sleep(retryAfterMs(error, baseDelayMs * 2 ** (attempt - 1)));
    }
  }
}
