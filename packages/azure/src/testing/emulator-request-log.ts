import type { RecordedRequest } from "./emulator-types.js";

/** Turns an incoming request into a RecordedRequest, with credentials redacted. */

const SECRET_HEADERS = new Set(["api-key", "authorization"]);
export const REDACTED = "[REDACTED]";

export function recordRequest(request: Request, path: string, url: URL, bodyText: string): RecordedRequest {
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name.toLowerCase()] = SECRET_HEADERS.has(name.toLowerCase()) ? REDACTED : value;
  });
  const query: Record<string, string> = {};
  url.searchParams.forEach((value, key) => {
    query[key] = value;
  });
  let body: unknown;
  if (bodyText !== "") {
    try {
      body = JSON.parse(bodyText);
    } catch {
      body = bodyText;
    }
  }
  return { method: request.method, path, query, headers, authOk: false, body, route: undefined, status: 0 };
}
