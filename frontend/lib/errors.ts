import { isAxiosError } from "axios";

/** Every failure the UI shows: the API's `detail`, its `code`, the HTTP status. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly fieldErrors: unknown;
  /** Seconds the server asks the client to wait (`retry_after` in the body, or `Retry-After`). */
  readonly retryAfter: number | null;

  constructor(status: number, code: string, detail: string, fieldErrors?: unknown, retryAfter: number | null = null) {
    super(detail);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.detail = detail;
    this.fieldErrors = fieldErrors;
    this.retryAfter = retryAfter;
  }
}

function retryAfterFrom(data: unknown, header: unknown): number | null {
  const body = data && typeof data === "object" ? (data as Record<string, unknown>).retry_after : undefined;
  const value = typeof body === "number" ? body : Number(header);
  return Number.isFinite(value) && value > 0 ? value : null;
}

function detailFrom(data: unknown): { detail?: string; code?: string; errors?: unknown } {
  if (!data || typeof data !== "object") return {};
  const body = data as Record<string, unknown>;
  let detail: string | undefined;
  if (typeof body.detail === "string") detail = body.detail;
  else if (Array.isArray(body.detail)) {
    // Ninja's validation errors: [{loc, msg}]
    detail = body.detail
      .map((item) => {
        if (item && typeof item === "object") {
          const entry = item as { loc?: unknown[]; msg?: string };
          const field = Array.isArray(entry.loc) ? entry.loc.filter((p) => p !== "body").join(".") : "";
          return field ? `${field}: ${entry.msg ?? ""}` : (entry.msg ?? "");
        }
        return String(item);
      })
      .join("; ");
  }
  return {
    detail,
    code: typeof body.code === "string" ? body.code : undefined,
    errors: body.errors ?? body.fields,
  };
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (isAxiosError(error)) {
    if (!error.response) {
      return new ApiError(0, "network_error", "The server could not be reached. Check your connection and try again.");
    }
    const { status, data, headers } = error.response;
    const { detail, code, errors } = detailFrom(data);
    const retryAfter = retryAfterFrom(data, headers?.["retry-after"]);
    return new ApiError(status, code ?? `http_${status}`, detail ?? error.message ?? `Request failed (${status})`, errors, retryAfter);
  }
  if (error instanceof Error) return new ApiError(0, "client_error", error.message);
  return new ApiError(0, "client_error", String(error));
}

export function isVersionConflict(error: unknown): boolean {
  const apiError = toApiError(error);
  return apiError.status === 409 && apiError.code === "version_conflict";
}

export function isNotFound(error: unknown): boolean {
  return toApiError(error).status === 404;
}

/**
 * A download asked for a Blob, so an error's JSON body (`{detail, code}`) arrives as a Blob too:
 * read it, so the user sees the API's `detail` (e.g. "not scanned yet") rather than a status code.
 */
export async function withBlobErrorBody<T>(request: Promise<T>): Promise<T> {
  try {
    return await request;
  } catch (error) {
    if (isAxiosError(error) && error.response && typeof Blob !== "undefined" && error.response.data instanceof Blob) {
      try {
        const text = await error.response.data.text();
        const { detail, code, errors } = detailFrom(JSON.parse(text));
        if (detail) throw new ApiError(error.response.status, code ?? `http_${error.response.status}`, detail, errors);
      } catch (parsed) {
        if (parsed instanceof ApiError) throw parsed;
      }
    }
    throw error;
  }
}
