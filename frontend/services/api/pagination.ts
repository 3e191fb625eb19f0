/**
 * `next` in a list may be an absolute URL, an API path, a query string or a bare cursor; turn
 * each into a URL the client (whose base is /api/v1) can fetch.
 */
export function nextPageUrl(next: string, basePath: string): string {
  if (/^https?:\/\//.test(next)) return next;
  if (next.startsWith("/api/v1/")) return next.slice("/api/v1".length);
  if (next.startsWith("/")) return next;
  if (next.startsWith("?")) return `${basePath}${next}`;
  return `${basePath}?cursor=${encodeURIComponent(next)}`;
}
